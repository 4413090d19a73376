"""The jobs: a period computed from its exports, the month-end run, closing, the ledger."""
