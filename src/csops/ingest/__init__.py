"""Reading shop exports: encodings, header rows, column mapping, cleaning, discovery."""
