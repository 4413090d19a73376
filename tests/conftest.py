from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

from csops.rules import RuleSet, load_rules

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rules(REPO / "rules")


@pytest.fixture
def console() -> Console:
    return Console(file=io.StringIO(), width=100)


def plain(value: object) -> object:
    """A frame cell as the expected JSON of a fixture states it (None for NA, timestamps as
    `YYYY-MM-DD HH:MM:SS`, numpy scalars as Python numbers)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if hasattr(value, "item"):
        return value.item()  # type: ignore[union-attr]
    return value
