"""`csops close`, `csops history` and `csops score --ledger` through Typer's runner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from csops.cli.app import app
from csops.jobs.ledger import Ledger

from ..conftest import REPO
from .monthdata import write_month

runner = CliRunner()


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


def flat(text: str) -> str:
    return " ".join(text.split())


def close(folder: Path, ledger: Path, month: str = "2026-10", *extra: str) -> Any:
    return invoke("close", "--month", month, "--data", str(folder), "--ledger", str(ledger), *extra)


def test_close_prints_what_was_stored(tmp_path: Path) -> None:
    folder = write_month(tmp_path / "2026-10", lates={"1001": 1}, absent={"1002": 1})
    ledger = tmp_path / "ledger.sqlite"
    result = close(folder, ledger, "2026-10", "--lang", "en")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Month closed" in out
    lines = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") > 3}
    assert flat(lines["1001"]).startswith(
        "│ 1001 │ 小美 │ 9.5 │ ok │ 1000.00 │ 5.00 │ 205.00 │ 1 │"
    )
    assert "verbal warning" in lines["1002"]
    assert "2026-10 closed: revision 1 at " in out
    assert (
        f"2 staff; rule set {Ledger(ledger).closed_months()[0].rules_sha256[:12]}; 6 input files"
        in flat(out)
    )


def test_close_json(tmp_path: Path) -> None:
    folder = write_month(tmp_path / "2026-10")
    ledger = tmp_path / "ledger.sqlite"
    result = close(folder, ledger, "2026-10", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert (doc["month"], doc["revision"], doc["ledger"]) == ("2026-10", 1, str(ledger))
    assert sorted(f["file"] for f in doc["inputs"]) == [
        "attendance.csv",
        "chats.csv",
        "incidents.csv",
        "leave.csv",
        "orders.csv",
        "roster.csv",
    ]
    assert doc["staff"][0] | {"reply_rate": None} == {
        "staff_id": "1001",
        "name": "小美",
        "score": 10.0,
        "level": "ok",
        "net_sales": "1000.00",
        "commission": "5.00",
        "total": "205.00",
        "conversations": 1,
        "reply_rate": None,
    }
    assert "2026-10 closed: revision 1" in result.stderr


def test_close_again_is_refused_then_reopened_with_a_reason(tmp_path: Path) -> None:
    folder = write_month(tmp_path / "2026-10", lates={"1001": 2})
    ledger = tmp_path / "ledger.sqlite"
    assert close(folder, ledger).exit_code == 0
    closed_at = Ledger(ledger).closed_months()[0].closed_at

    refused = close(folder, ledger)
    assert refused.exit_code == 1
    assert refused.stderr.strip() == (
        f"Error: {'2026-10'} was closed on {closed_at} and closed months do not change; to "
        'replace it, run again with --reopen --reason "why"'
    )
    no_reason = close(folder, ledger, "2026-10", "--reopen")
    assert no_reason.exit_code == 2
    assert "--reopen needs --reason" in no_reason.stderr
    stray = close(folder, ledger, "2026-10", "--reason", "x")
    assert stray.exit_code == 2
    assert "--reason goes with --reopen" in stray.stderr

    write_month(folder, lates={"1001": 0})
    reopened = close(
        folder, ledger, "2026-10", "--reopen", "--reason", "打卡记录更正", "--lang", "en"
    )
    assert reopened.exit_code == 0, reopened.output
    assert "2026-10 reopened: revision 2" in reopened.stdout
    scores = {r["staff_id"]: r["score"] for r in Ledger(ledger).results("score")}
    assert scores == {"1001": 10.0, "1002": 10.0}

    history = invoke("history", "--ledger", str(ledger), "--format", "json")
    assert history.exit_code == 0, history.output
    [month] = json.loads(history.stdout)["months"]
    assert (month["month"], month["revision"], month["reopens"], month["reason"]) == (
        "2026-10",
        2,
        1,
        "打卡记录更正",
    )
    assert [
        (a["action"], a["revision"], a["previous_revision"], a["reason"]) for a in month["audit"]
    ] == [
        ("close", 1, None, None),
        ("reopen", 2, 1, "打卡记录更正"),
    ]
    table = invoke("history", "--ledger", str(ledger), "--lang", "en")
    assert "Closed months" in table.stdout
    assert "│ 2026-10 │ 2 │" in flat(table.stdout) and "打卡记录更正" in table.stdout


def test_history_of_one_staff_member_and_a_year(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    for month, absent in (("2025-12", 0), ("2026-01", 1)):
        folder = write_month(tmp_path / month, month, absent={"1002": absent})
        assert close(folder, ledger, month).exit_code == 0
    result = invoke(
        "history", "--ledger", str(ledger), "--staff", "1002", "--year", "2026", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["staff_id"] == "1002"
    [jan] = doc["months"]
    assert (jan["month"], jan["score"], jan["level"], jan["unauthorized_absence_days"]) == (
        "2026-01",
        5.0,
        "warning",
        1,
    )
    assert (jan["net_sales"], jan["commission"]) == ("400.00", "2.00")
    table = invoke("history", "--ledger", str(ledger), "--staff", "1002")
    assert table.exit_code == 0
    assert "月度记录" in table.stdout and "口头警告" in table.stdout and "2025-12" in table.stdout

    unknown = invoke("history", "--ledger", str(ledger), "--staff", "9999")
    assert unknown.exit_code == 2
    assert "--staff 9999: no closed month in the ledger" in flat(unknown.stderr)
    empty = invoke("history", "--ledger", str(ledger), "--year", "2024", "--lang", "en")
    assert empty.exit_code == 0
    assert f"no month of 2024 is closed in the ledger {ledger}" in flat(empty.stdout)


def test_history_without_a_ledger(tmp_path: Path) -> None:
    result = invoke("history", "--ledger", str(tmp_path / "none.sqlite"))
    assert result.exit_code == 1
    assert "does not exist: no month has been closed there" in flat(result.stderr)
    assert not (tmp_path / "none.sqlite").exists()


def test_default_ledger_is_settings_ledger_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_month(tmp_path / "exports")
    monkeypatch.chdir(tmp_path)
    result = invoke(
        "close", "--month", "2026-10", "--data", str(folder), "--rules", str(REPO / "rules")
    )
    assert result.exit_code == 0, result.output
    assert [c.month for c in Ledger(tmp_path / "csops-ledger.sqlite").closed_months()] == [
        "2026-10"
    ]
    rules = tmp_path / "myrules"
    shutil.copytree(REPO / "rules", rules)
    settings = (rules / "settings.yaml").read_text(encoding="utf-8")
    (rules / "settings.yaml").write_text(
        settings.replace("ledger: csops-ledger.sqlite", "ledger: books/ledger.sqlite"),
        encoding="utf-8",
    )
    result = invoke("close", "--month", "2026-10", "--data", str(folder), "--rules", str(rules))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "books" / "ledger.sqlite").exists()


def test_score_reads_the_two_previous_closed_months(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    for month in ("2026-08", "2026-09"):
        folder = write_month(tmp_path / month, month, absent={"1002": 1})
        assert close(folder, ledger, month).exit_code == 0
    october = write_month(tmp_path / "2026-10", absent={"1002": 1})

    def levels(*extra: str) -> dict[str, str]:
        result = invoke(
            "score", "--month", "2026-10", "--data", str(october), "--format", "json", *extra
        )
        assert result.exit_code == 0, result.output
        return {s["staff_id"]: s["level"] for s in json.loads(result.stdout)["staff"]}

    assert levels("--ledger", str(ledger)) == {"1001": "ok", "1002": "serious"}
    assert levels("--ledger", str(tmp_path / "elsewhere.sqlite")) == {
        "1001": "ok",
        "1002": "warning",
    }
    table = invoke("score", "--month", "2026-10", "--data", str(october), "--ledger", str(ledger))
    assert "严肃惩罚" in table.stdout


def test_score_says_when_the_month_before_is_not_closed(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    folder = write_month(tmp_path / "2026-08", "2026-08", absent={"1002": 1})
    assert close(folder, ledger, "2026-08").exit_code == 0
    october = write_month(tmp_path / "2026-10", absent={"1002": 1})
    result = invoke(
        "score",
        "--month",
        "2026-10",
        "--data",
        str(october),
        "--ledger",
        str(ledger),
        "--lang",
        "en",
    )
    assert result.exit_code == 0
    assert f"2026-09 not closed in the ledger {ledger}: the serious level" in flat(result.stdout)


def test_a_report_that_cannot_be_written_does_not_close_the_month(tmp_path: Path) -> None:
    folder = write_month(tmp_path / "2026-10")
    ledger = tmp_path / "ledger.sqlite"
    result = close(folder, ledger, "2026-10", "--format", "xlsx")
    assert result.exit_code == 2
    assert "--format xlsx needs --out FILE.xlsx" in result.stderr
    assert not ledger.exists()
    target = tmp_path / "closed.xlsx"
    result = close(folder, ledger, "2026-10", "--format", "xlsx", "--out", str(target))
    assert result.exit_code == 0, result.output
    assert target.exists() and len(Ledger(ledger).closed_months()) == 1
