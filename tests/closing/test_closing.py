"""Closing a month (csops.jobs.closing): what is stored, refusal before any work, reopen, a crash
mid-close, concurrent closes, and the `serious` level over three closed months."""

from __future__ import annotations

import hashlib
import multiprocessing
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from csops.domain.scoring import assign_levels
from csops.errors import InputError
from csops.ingest.discover import Inputs
from csops.jobs import closing
from csops.jobs.closing import close_month, levels_before, previous_levels
from csops.jobs.ledger import Ledger, LedgerError
from csops.rules import RuleSet
from csops.rules.scoring import ScoringRules

from .monthdata import write_month

NOW = datetime(2026, 11, 1, 9, 0)


def close(rules: RuleSet, folder: Path, ledger: Path, month: str = "2026-10", **kw: Any) -> Any:
    return close_month(Inputs.scan(rules, folder), rules, month, ledger, **kw)


def rows(ledger: Path, section: str, month: str = "2026-10") -> dict[str, dict[str, Any]]:
    return {r["staff_id"]: r for r in Ledger(ledger).results(section, [month])}


# ---------------------------------------------------------------- what a close stores


def test_close_stores_score_commission_and_chats_per_staff(rules: RuleSet, tmp_path: Path) -> None:
    folder = write_month(tmp_path / "2026-10", lates={"1001": 1}, absent={"1002": 1})
    ledger = tmp_path / "ledger.sqlite"
    closed = close(rules, folder, ledger, now=NOW)
    assert (closed.month, closed.revision, closed.closed_at) == (
        "2026-10",
        1,
        "2026-11-01 09:00:00",
    )
    assert closed.rules_sha256 == rules.digest()

    score = rows(ledger, "score")
    assert {k: (v["score"], v["level"]) for k, v in score.items()} == {
        "1001": (9.5, "ok"),
        "1002": (5.0, "warning"),
    }
    assert score["1001"]["counts"] == {
        "scheduled_days": 13,
        "worked_days": 12,
        "late_days": 1,
        "early_leave_days": 0,
        "missed_punch_days": 0,
        "unauthorized_absence_days": 0,
        "leave_days": 1,
        "absences": 0,
        "major_mistakes": 0,
        "award_yuan": "200.00",
    }
    assert score["1002"]["counts"]["unauthorized_absence_days"] == 1
    late = score["1001"]["deductions"][0]
    assert (late["rule"], late["points"], late["evidence"][0]["file"]) == (
        "late",
        -0.5,
        "attendance.csv",
    )

    commission = rows(ledger, "commission")
    assert {k: (v["net_sales"], v["commission"], v["total"]) for k, v in commission.items()} == {
        "1001": ("1000.00", "5.00", "205.00"),
        "1002": ("400.00", "2.00", "2.00"),
    }
    chats = rows(ledger, "chats")
    assert (
        chats["1001"]["conversations"],
        chats["1001"]["first_response_s"],
        chats["1001"]["replies_within_30s"],
        chats["1001"]["paid_amount"],
    ) == (1, 15.0, 1, "1000.00")
    assert chats["1002"]["conversations"] == 0


def test_close_records_each_input_file_and_its_sha256(rules: RuleSet, tmp_path: Path) -> None:
    folder = write_month(tmp_path / "2026-10")
    ledger = tmp_path / "ledger.sqlite"
    close(rules, folder, ledger)
    stored = {f.name: (f.sha256, f.size) for f in Ledger(ledger).inputs("2026-10")}
    expected = {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_size)
        for p in folder.iterdir()
    }
    assert stored == expected
    assert len(stored) == 6


def test_missing_export_is_an_error_not_a_silent_gap(rules: RuleSet, tmp_path: Path) -> None:
    folder = write_month(tmp_path / "2026-10")
    (folder / "chats.csv").unlink()
    ledger = tmp_path / "ledger.sqlite"
    with pytest.raises(InputError, match=r"no 聊天记录 \(chats\) export found"):
        close(rules, folder, ledger)
    assert Ledger(ledger).closed_months() == []


# ---------------------------------------------------------------- refuse, reopen, crash


def test_closing_again_is_refused_before_anything_is_computed(
    rules: RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_month(tmp_path / "2026-10")
    ledger = tmp_path / "ledger.sqlite"
    close(rules, folder, ledger, now=NOW)

    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("a refused close must not compute the month")

    monkeypatch.setattr(closing, "compute_month", no_work)
    with pytest.raises(LedgerError) as err:
        close(rules, folder, ledger)
    assert err.value.message == (
        "2026-10 was closed on 2026-11-01 09:00:00 and closed months do not change; "
        'to replace it, run again with --reopen --reason "why"'
    )


def test_reopen_stores_a_new_revision_and_keeps_the_old(rules: RuleSet, tmp_path: Path) -> None:
    folder = write_month(tmp_path / "2026-10", lates={"1001": 1})
    ledger = tmp_path / "ledger.sqlite"
    close(rules, folder, ledger, now=NOW)
    write_month(folder, lates={"1001": 0})  # the late was a clock error: corrected export
    again = close(rules, folder, ledger, reopen_reason="打卡机故障，迟到记录作废")
    assert again.revision == 2
    assert rows(ledger, "score")["1001"]["score"] == 10.0
    [first, second] = Ledger(ledger).audit()
    assert (first["action"], first["revision"], first["reason"]) == ("close", 1, None)
    assert (second["action"], second["revision"], second["previous_revision"]) == (
        "reopen",
        2,
        1,
    )
    assert second["reason"] == "打卡机故障，迟到记录作废"
    with sqlite3.connect(ledger) as conn:
        kept = conn.execute(
            "SELECT data FROM results WHERE revision = 1 AND section = 'score' "
            "AND staff_id = '1001'"
        ).fetchone()[0]
    assert '"score": 9.5' in kept


def test_reopen_of_a_month_never_closed_is_refused(rules: RuleSet, tmp_path: Path) -> None:
    folder = write_month(tmp_path / "2026-10")
    with pytest.raises(LedgerError, match="2026-10 is not closed yet, so it cannot be reopened"):
        close(rules, folder, tmp_path / "ledger.sqlite", reopen_reason="x")


def test_crash_during_the_close_leaves_the_ledger_as_it_was(
    rules: RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = tmp_path / "ledger.sqlite"
    close(rules, write_month(tmp_path / "2026-09", "2026-09"), ledger, "2026-09")
    with sqlite3.connect(ledger) as conn:
        before = conn.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    real = Ledger.close_month

    def crashing(self: Ledger, *args: Any, **kwargs: Any) -> Any:
        def crash() -> None:
            raise KeyboardInterrupt  # Ctrl-C after the inputs rows, before the results

        return real(self, *args, **kwargs, _between_writes=crash)

    monkeypatch.setattr(Ledger, "close_month", crashing)
    folder = write_month(tmp_path / "2026-10")
    with pytest.raises(KeyboardInterrupt):
        close(rules, folder, ledger)
    with sqlite3.connect(ledger) as conn:
        assert conn.execute("SELECT COUNT(*) FROM results").fetchone()[0] == before
        assert conn.execute("SELECT COUNT(*) FROM inputs WHERE month = '2026-10'").fetchone() == (
            0,
        )
    assert [c.month for c in Ledger(ledger).closed_months()] == ["2026-09"]
    monkeypatch.setattr(Ledger, "close_month", real)
    assert close(rules, folder, ledger).revision == 1  # and the month can still be closed


def _close_in_process(folder: str, ledger: str, queue: Any) -> None:
    from csops.rules import load_rules

    rules = load_rules(Path(__file__).parents[2] / "rules")
    try:
        close(rules, Path(folder), Path(ledger))
        queue.put("closed")
    except LedgerError as exc:
        queue.put("refused" if "was closed on" in exc.message else exc.message)


def test_two_processes_closing_the_same_month(rules: RuleSet, tmp_path: Path) -> None:
    folder = write_month(tmp_path / "2026-10")
    ledger = tmp_path / "ledger.sqlite"
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=_close_in_process, args=(str(folder), str(ledger), queue))
        for _ in range(2)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert sorted(queue.get(timeout=5) for _ in procs) == ["closed", "refused"]
    assert [c.revision for c in Ledger(ledger).closed_months()] == [1]
    assert len(Ledger(ledger).results("score")) == 2


# ---------------------------------------------------------------- previous levels


def ledger_of_levels(path: Path, months: dict[str, dict[str, str]]) -> Path:
    """A ledger whose months hold only score levels: {month: {staff_id: level}}."""
    ledger = Ledger(path)
    for month, levels in months.items():
        results = {"score": {s: {"score": 5.0, "level": lv} for s, lv in levels.items()}}
        ledger.close_month(month, results, "ab" * 32, [])
    return path


def test_previous_levels_oldest_first(tmp_path: Path) -> None:
    path = ledger_of_levels(
        tmp_path / "l.sqlite",
        {
            "2026-07": {"1001": "ok"},
            "2026-08": {"1001": "warning", "1002": "ok"},
            "2026-09": {"1001": "punishment", "1002": "warning"},
        },
    )
    assert previous_levels(path, "2026-10") == {
        "1001": ["warning", "punishment"],
        "1002": ["ok", "warning"],
    }
    assert previous_levels(path, "2026-10", months=3)["1001"] == ["ok", "warning", "punishment"]
    assert previous_levels(path, "2026-10", ["1003"]) == {"1003": []}
    assert previous_levels(path, "2026-10", months=0) == {}


def test_a_gap_month_breaks_the_run(tmp_path: Path) -> None:
    path = ledger_of_levels(
        tmp_path / "l.sqlite",
        {"2026-07": {"1001": "warning"}, "2026-08": {"1001": "warning"}},  # September open
    )
    assert previous_levels(path, "2026-10") == {"1001": []}
    path2 = ledger_of_levels(
        tmp_path / "l2.sqlite",
        {"2026-08": {"1001": "warning", "1002": "warning"}, "2026-09": {"1001": "warning"}},
    )
    # 1002 was not on staff in September: her August does not join a run with October.
    assert previous_levels(path2, "2026-10") == {"1001": ["warning", "warning"], "1002": []}


def test_january_looks_back_into_last_year(tmp_path: Path) -> None:
    path = ledger_of_levels(
        tmp_path / "l.sqlite", {"2025-11": {"1001": "warning"}, "2025-12": {"1001": "warning"}}
    )
    assert previous_levels(path, "2026-01") == {"1001": ["warning", "warning"]}


def test_no_ledger_file_means_no_history_and_creates_nothing(
    rules: RuleSet, tmp_path: Path
) -> None:
    path = tmp_path / "none.sqlite"
    assert previous_levels(path, "2026-10") == {}
    assert levels_before(rules, path, "2026-10") == ({}, [])
    assert not path.exists()


@pytest.mark.parametrize(
    ("score", "before", "level"),
    [
        (5.0, ["warning", "warning"], "serious"),  # ≤ 5 exactly, three months in a row
        (5.5, ["warning", "warning"], "ok"),  # this month just above
        (2.0, ["punishment", "serious"], "serious"),  # lower levels count as low
        (5.0, ["ok", "warning"], "warning"),  # two months before: one was fine
        (5.0, ["warning"], "warning"),  # only two months in a row
        (5.0, [], "warning"),  # no history (a gap month right before)
    ],
)
def test_serious_at_its_edges(
    rules: RuleSet, tmp_path: Path, score: float, before: list[str], level: str
) -> None:
    months = ["2026-08", "2026-09"][2 - len(before) :] if before else []
    path = ledger_of_levels(
        tmp_path / "l.sqlite", {m: {"1002": lv} for m, lv in zip(months, before, strict=True)}
    )
    previous, _ = levels_before(rules, path, "2026-10")
    staff = pd.DataFrame({"staff_id": ["1002"], "score": [score]})
    out = assign_levels(staff, rules.get(ScoringRules), previous)
    assert out["level"].tolist() == [level]


# ---------------------------------------------------------------- serious through closes


def test_three_closed_months_at_5_make_the_third_serious(rules: RuleSet, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    plan = {  # month: (1001 lates, 1002 旷工); 1001: 5.0, 5.5, 5.0 — 1002: 5.0 three times
        "2026-08": ({"1001": 0}, {"1001": 1, "1002": 1}),
        "2026-09": ({"1001": 9}, {"1002": 1}),
        "2026-10": ({"1001": 0}, {"1001": 1, "1002": 1}),
    }
    for month, (lates, absent) in plan.items():
        folder = write_month(tmp_path / month, month, lates=lates, absent=absent)
        close(rules, folder, ledger, month)
    levels = {
        (r["month"], r["staff_id"]): (r["score"], r["level"])
        for r in Ledger(ledger).results("score")
    }
    assert levels[("2026-09", "1001")] == (5.5, "ok")
    assert levels[("2026-09", "1002")] == (5.0, "warning")  # only two months so far
    assert levels[("2026-10", "1001")] == (5.0, "warning")  # September broke the run
    assert levels[("2026-10", "1002")] == (5.0, "serious")


def test_an_open_month_before_breaks_the_run_and_says_so(rules: RuleSet, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    for month in ("2026-07", "2026-08", "2026-10"):  # September never closed
        folder = write_month(tmp_path / month, month, absent={"1002": 1})
        closed = close(rules, folder, ledger, month)
    assert rows(ledger, "score")["1002"]["level"] == "warning"
    assert closed.results.warnings[0] == (
        f"2026-09 not closed in the ledger {ledger}: the serious level (≤ 5 for 3 months in a "
        "row) looks back only over closed months"
    )
