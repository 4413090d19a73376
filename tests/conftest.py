from __future__ import annotations

import io
from pathlib import Path

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
