from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from rich.console import Console

from csops.domain.chats import ChatKpis
from csops.domain.kpi import KpiResult
from csops.domain.period import Month, Quarter
from csops.domain.scoring import ScoreResult
from csops.ingest.discover import Inputs
from csops.jobs.month import figures_of
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


def score_of(inputs: Inputs, rules: RuleSet, period: Month, **options: Any) -> ScoreResult:
    """The month's score, as `csops score` computes it (`read_month`, then `compute`)."""
    assert inputs.rules is rules
    score = figures_of(inputs, period, {"score"}, **options).score
    assert score is not None
    return score


def chats_of(inputs: Inputs, rules: RuleSet, period: Month) -> ChatKpis:
    assert inputs.rules is rules
    kpis = figures_of(inputs, period, {"chats"}).chats
    assert kpis is not None
    return kpis


def kpi_of(inputs: Inputs, rules: RuleSet, period: Month | Quarter, **options: Any) -> KpiResult:
    assert inputs.rules is rules
    result = figures_of(inputs, period, {"kpi"}, **options).kpi
    assert result is not None
    return result


def header_row(ws: Any) -> int:
    """The 1-based row of a csops sheet's header: the row above the frozen pane (a title
    and the notes come first)."""
    pane = ws.freeze_panes or "A2"
    return int("".join(ch for ch in pane if ch.isdigit())) - 1


def table_rows(ws: Any) -> list[list[Any]]:
    """A csops sheet's header and data rows (openpyxl values), without title and notes."""
    return [list(r) for r in ws.iter_rows(min_row=header_row(ws), values_only=True)]


def report_sheets(path: Path, **read: Any) -> dict[str, pd.DataFrame]:
    """Each visible sheet of a workbook csops wrote, read from its header row."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    return {
        ws.title: pd.read_excel(
            path, sheet_name=ws.title, engine="calamine", header=header_row(ws) - 1, **read
        )
        for ws in book.worksheets
        if ws.sheet_state == "visible"
    }


def figures_of_document(text: str) -> dict[str, Any]:
    """A command's JSON document without `rules_in_force`, once that is checked to name
    the built-in rules (the figures are what a contract test compares)."""
    import json

    doc = json.loads(text)
    said = doc.pop("rules_in_force")
    assert said["files"] == [] and len(said["sha256"]) == 64, said
    return dict(doc)
