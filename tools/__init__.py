"""Tools that write csops's sample data (not part of the installed package): run them
from the repository's root, e.g. `python -m tools.samplegen --month 2026-10 --out DIR`."""
