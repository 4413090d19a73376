"""The figures of the policies: pure functions of frames and rule models (no files, no
printing, no report text in a language). Checked by the import contract in pyproject.toml."""
