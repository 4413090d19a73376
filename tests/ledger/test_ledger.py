"""The ledger: close once, refuse, reopen with audit, atomic writes, concurrent closes."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from csops.jobs.ledger import InputFile, Ledger, LedgerError

RESULTS = {
    "score": {"1001": {"score": 9.0, "level": "ok"}, "1002": {"score": 4.5, "level": "warning"}},
    "commission": {"1001": {"total": "400.00"}},
}
INPUTS = [InputFile("orders.csv", "ab" * 32, 10)]


def close(ledger: Ledger, month: str = "2026-10", **kwargs: object) -> object:
    return ledger.close_month(
        month, RESULTS, "cd" * 32, INPUTS, now=datetime(2026, 11, 1, 8, 0), **kwargs
    )


def table_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {
            t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("months", "revisions", "inputs", "results", "audit")
        }


def test_close_then_read_back(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite")
    close(ledger)
    [closed] = ledger.closed_months()
    assert (closed.month, closed.revision, closed.closed_at) == (
        "2026-10",
        1,
        "2026-11-01 08:00:00",
    )
    scores = ledger.results("score")
    assert [(r["staff_id"], r["score"]) for r in scores] == [("1001", 9.0), ("1002", 4.5)]
    assert ledger.inputs("2026-10") == INPUTS
    assert [a["action"] for a in ledger.audit()] == ["close"]


def test_closing_twice_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite")
    close(ledger)
    before = table_counts(ledger.path)
    with pytest.raises(LedgerError, match=r"2026-10 was closed on 2026-11-01 08:00:00 .*--reopen"):
        close(ledger)
    assert table_counts(ledger.path) == before


def test_reopen_keeps_earlier_result_and_reason(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite")
    close(ledger)
    changed = {"score": {"1001": {"score": 8.5, "level": "ok"}}}
    ledger.close_month("2026-10", changed, "ef" * 32, INPUTS, reopen_reason="迟到记录更正")
    assert [(r["staff_id"], r["score"]) for r in ledger.results("score")] == [("1001", 8.5)]
    audit = ledger.audit()
    assert [(a["action"], a["revision"], a["previous_revision"]) for a in audit] == [
        ("close", 1, None),
        ("reopen", 2, 1),
    ]
    assert audit[1]["reason"] == "迟到记录更正"
    with sqlite3.connect(ledger.path) as conn:  # revision 1 is still there
        kept = conn.execute("SELECT COUNT(*) FROM results WHERE revision = 1").fetchone()[0]
    assert kept == 3


def test_reopen_of_an_open_month_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="2026-10 is not closed yet"):
        close(Ledger(tmp_path / "l.sqlite"), reopen_reason="x")


def test_crash_between_writes_leaves_ledger_as_it_was(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite")
    close(ledger, month="2026-09")
    before = table_counts(ledger.path)

    def crash() -> None:
        raise KeyboardInterrupt  # e.g. Ctrl-C after the inputs were written

    with pytest.raises(KeyboardInterrupt):
        close(ledger, _between_writes=crash)
    assert table_counts(ledger.path) == before
    assert [c.month for c in ledger.closed_months()] == ["2026-09"]


def _close_in_process(path: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    try:
        Ledger(Path(path)).close_month("2026-10", RESULTS, "cd" * 32, INPUTS)
        queue.put("closed")
    except LedgerError as exc:
        queue.put("refused" if "was closed on" in exc.message else exc.message)


def test_concurrent_closes_one_wins_one_is_refused(tmp_path: Path) -> None:
    path = str(tmp_path / "ledger.sqlite")
    Ledger(Path(path)).closed_months()  # nothing yet
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_close_in_process, args=(path, queue)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    outcomes = sorted(queue.get(timeout=5) for _ in procs)
    assert outcomes == ["closed", "refused"]
    assert table_counts(Path(path))["results"] == 3


def _die_mid_transaction(path: str) -> None:
    import os

    def die() -> None:
        os._exit(9)  # the process is killed between two writes

    Ledger(Path(path)).close_month("2026-10", RESULTS, "cd" * 32, INPUTS, _between_writes=die)


def test_killed_process_mid_close_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    close(Ledger(path), month="2026-09")
    before = table_counts(path)
    proc = multiprocessing.get_context("spawn").Process(
        target=_die_mid_transaction, args=(str(path),)
    )
    proc.start()
    proc.join(60)
    assert proc.exitcode == 9
    assert table_counts(path) == before


def test_damaged_ledger_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(LedgerError, match="not a csops ledger or damaged"):
        close(Ledger(path))


def test_input_file_hash(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_bytes(b"abc")
    assert InputFile.of(f, "a.csv") == InputFile(
        "a.csv", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 3
    )
