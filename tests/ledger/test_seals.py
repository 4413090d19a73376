"""A closed month proves it was not changed (issue 21, class 6): a row edited, added or
deleted with sqlite3 after closing is one clear error on every read of the ledger, naming
the ledger, the month and the staff member; `csops history --verify` checks all of it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from csops.cli.app import app
from csops.jobs.ledger import Ledger, LedgerError

from .test_ledger import close

runner = CliRunner()


def closed(tmp_path: Path) -> Ledger:
    ledger = Ledger(tmp_path / "ledger.sqlite")
    close(ledger)
    close(ledger, "2026-11")
    return ledger


def edit(ledger: Ledger, sql: str, *params: object) -> None:
    with sqlite3.connect(ledger.path) as conn:
        conn.execute(sql, params)


def test_an_untouched_ledger_verifies(tmp_path: Path) -> None:
    ledger = closed(tmp_path)
    assert ledger.verify() == 2 * (1 + 3)  # per month: its closing record and 3 results
    assert [r["score"] for r in ledger.results("score", ["2026-10"])] == [9.0, 4.5]


def test_a_score_edited_with_sqlite_is_refused_naming_month_and_staff(tmp_path: Path) -> None:
    ledger = closed(tmp_path)
    data = json.dumps({"level": "warning", "score": 10.0})
    edit(ledger, "UPDATE results SET data = ? WHERE month = '2026-10' AND staff_id = '1002' "
         "AND section = 'score'", data)  # fmt: skip
    with pytest.raises(LedgerError) as caught:
        ledger.results("score")
    assert caught.value.message.startswith(
        f"ledger {ledger.path}: 2026-10, staff 1002: the closed score was changed after closing"
    )
    with pytest.raises(LedgerError):
        ledger.closed_months()


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("DELETE FROM results WHERE month = '2026-11' AND staff_id = '1001' "
         "AND section = 'commission'", "2026-11, staff 1001: the closed commission was deleted"),
        ("INSERT INTO results VALUES ('2026-10', 1, 'score', '1009', '{\"score\": 10}')",
         "2026-10, staff 1009: the closed score was added"),
        ("UPDATE revisions SET rules_sha256 = 'x' WHERE month = '2026-11'",
         "2026-11: the closed closing record was changed"),
        ("UPDATE months SET revision = 2 WHERE month = '2026-10'",
         "2026-10: the closed revision in force was changed"),
        ("UPDATE inputs SET sha256 = 'y' WHERE month = '2026-10'",
         "2026-10: the closed closing record was changed"),
    ],
)  # fmt: skip
def test_rows_deleted_added_or_changed_are_found(tmp_path: Path, sql: str, expected: str) -> None:
    ledger = closed(tmp_path)
    edit(ledger, sql)
    with pytest.raises(LedgerError, match=expected):
        ledger.verify()


def test_history_verify_and_grade_on_a_tampered_ledger(tmp_path: Path) -> None:
    ledger = closed(tmp_path)
    ok = runner.invoke(app, ["history", "--verify", "--ledger", str(ledger.path)])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.strip() == f"ledger {ledger.path}: 8 sealed rows checked, none changed"
    edit(ledger, "UPDATE results SET data = replace(data, '4.5', '10.0') WHERE staff_id = '1002'")
    for command in (["history", "--verify"], ["history"], ["grade", "--year", "2026"]):
        result = runner.invoke(app, [*command, "--ledger", str(ledger.path)])
        assert result.exit_code == 1, (command, result.output)
        assert "2026-10, staff 1002: the closed score was changed" in result.stderr
        assert "Traceback" not in result.output


def test_a_ledger_from_before_seals_is_sealed_once_and_says_so(tmp_path: Path) -> None:
    ledger = closed(tmp_path)
    edit(ledger, "DELETE FROM seals")
    assert ledger.verify() == 8
    assert [a["action"] for a in ledger.audit()] == ["close", "close", "seal"]
    edit(ledger, "UPDATE results SET data = '{}' WHERE staff_id = '1001' AND section = 'score' "
         "AND month = '2026-10'")  # fmt: skip
    with pytest.raises(LedgerError, match="2026-10, staff 1001"):
        ledger.verify()
