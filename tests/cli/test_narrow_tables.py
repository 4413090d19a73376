"""Tables that fit the terminal (issue 22): at 80 columns chats was all "…" and
commission showed "712.…". Now no money, ID or name cell is cut: the first two columns
and the results (合计, 得分, 总分 …) come first, the rest as far as they fit, and a note
says how many were left out and how to see them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from csops.cli.app import app

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "2026-10"


def _run(*args: str, width: int = 80) -> str:
    result = CliRunner(env={"COLUMNS": str(width)}).invoke(
        app, [*args, "--month", "2026-10", "--data", str(SAMPLE)]
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def _table(text: str) -> list[str]:
    return [line for line in text.splitlines() if line[:1] in "┏┃┡│└"]


@pytest.mark.parametrize("command", ["chats", "commission", "score", "kpi"])
def test_a_table_fits_80_columns_and_cuts_no_cell(command: str) -> None:
    text = _run(command)
    rows = _table(text)
    assert rows and max(cell_len(line) for line in rows) <= 80
    assert not any("…" in line for line in rows)
    assert "列未显示" in text and "--format csv / xlsx / json" in text


def test_commission_at_80_columns_shows_the_totals_whole() -> None:
    text = _run("commission")
    doc = json.loads(
        CliRunner()
        .invoke(
            app, ["commission", "--month", "2026-10", "--data", str(SAMPLE), "--format", "json"]
        )
        .stdout
    )
    header = next(line for line in _table(text) if line.startswith("┃"))
    assert "合计" in header
    for staff in doc["staff"]:
        assert f" {staff['total']} │" in text, staff["staff_id"]


def test_a_wide_terminal_shows_every_column() -> None:
    text = _run("chats", width=250)
    assert "列未显示" not in text
    assert "满意率" in text
