"""Every command that takes --month defaults it to last month (issue: `csops commission`
as the shop types it), accepts YYYYMM, and says which month it used."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from csops.cli.app import app
from csops.domain import period

from ..conftest import REPO

SAMPLE = str(REPO / "samples" / "2026-10")
runner = CliRunner()


@pytest.fixture(autouse=True)
def november(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock of a cron run on the 3rd of November: last month is October."""
    monkeypatch.setattr(period, "current_date", lambda timezone="": date(2026, 11, 3))


@pytest.mark.parametrize("command", ["score", "commission", "chats", "kpi"])
def test_bare_command_reports_last_month(command: str, tmp_path: Path) -> None:
    ledger = ["--ledger", str(tmp_path / "l.sqlite")] if command == "score" else []
    result = runner.invoke(app, [command, "--data", SAMPLE, "--format", "json", *ledger])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc.get("month", doc.get("period")) == "2026-10"
    table = runner.invoke(app, [command, "--data", SAMPLE, "--lang", "en", *ledger])
    assert table.exit_code == 0, table.output
    assert "2026-10" in table.stdout.strip().splitlines()[0]


def test_bare_monthly_and_close_take_last_month(tmp_path: Path) -> None:
    out = tmp_path / "out"
    ledger = ["--ledger", str(tmp_path / "l.sqlite")]
    result = runner.invoke(
        app, ["monthly", "--data", SAMPLE, "--out", str(out), "--quiet", *ledger]
    )
    assert result.exit_code == 0, result.output
    assert (out / "csops-2026-10.json").is_file()
    closed = runner.invoke(app, ["close", "--data", SAMPLE, "--lang", "en", *ledger])
    assert closed.exit_code == 0, closed.output
    assert "2026-10" in closed.stdout


def test_kpi_last_quarter() -> None:
    assert str(period.Quarter.parse("last")) == "2026Q3"
    assert str(period.Quarter.parse("last", today=date(2027, 2, 1))) == "2026Q4"
    result = runner.invoke(app, ["kpi", "--quarter", "last", "--data", SAMPLE, "--format", "json"])
    # 2026Q3 begins in July; the sample holds October only.
    assert result.exit_code == 1
    assert "no attendance rows for 2026-07" in result.stderr


@pytest.mark.parametrize("command", ["score", "commission", "chats", "kpi"])
def test_yyyymm(command: str, tmp_path: Path) -> None:
    ledger = ["--ledger", str(tmp_path / "l.sqlite")] if command == "score" else []
    result = runner.invoke(
        app, [command, "--month", "202610", "--data", SAMPLE, "--format", "json", *ledger]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc.get("month", doc.get("period")) == "2026-10"


@pytest.mark.parametrize("command", ["score", "commission", "chats", "kpi", "monthly", "close"])
def test_a_bad_month_is_one_line_and_exit_2(command: str, tmp_path: Path) -> None:
    extra = ["--out", str(tmp_path / "o")] if command == "monthly" else []
    result = runner.invoke(app, [command, "--month", "2026-13", "--data", SAMPLE, *extra])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: --month '2026-13': expected a month as YYYY-MM, YYYYMM or last (the month "
        "before today), e.g. 2026-10"
    )
