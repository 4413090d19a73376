"""`csops monthly` as cron runs it: a killed run, two runs at once, a second identical run,
closing the month. Real processes (`python -m csops`) where the behaviour is about them."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from csops.cli.app import app
from csops.jobs.ledger import Ledger

DATA = Path(__file__).parent / "data" / "2026-10"
runner = CliRunner()


def monthly(out: Path, *args: str, data: Path = DATA) -> Any:
    return runner.invoke(
        app, ["monthly", "--month", "2026-10", "--data", str(data), "--out", str(out), *args]
    )


def start(out: Path, data: Path, *args: str, seed: str = "0") -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    return subprocess.Popen(
        [sys.executable, "-m", "csops", "monthly", "--month", "2026-10", "--data", str(data),
         "--out", str(out), "--quiet", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )  # fmt: skip


def finish(proc: subprocess.Popen[bytes]) -> int:
    """Wait for the run; its exit code (stderr shown when a test fails on it)."""
    _, err = proc.communicate(timeout=600)
    if proc.returncode:
        print(err.decode(errors="replace"))
    return proc.returncode


def wait_for(condition: Any, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert proc.poll() is None, finish(proc)
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def written(paths: Any) -> bool:
    """Some of the files exist and are not empty (one may vanish while we look)."""
    for path in paths:
        try:
            if path.stat().st_size:
                return True
        except FileNotFoundError:
            pass
    return False


@pytest.fixture(scope="module")
def sample_month(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated sample month (3,000 orders, 30,000 messages): its workbook takes a
    second or more to write, long enough to kill a run in the middle of it."""
    from tools.samplegen import generate

    folder = tmp_path_factory.mktemp("sample") / "2026-10"
    generate(folder, month="2026-10")
    return folder


def test_a_killed_run_leaves_the_previous_report_intact(sample_month: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = start(out, sample_month)
    assert finish(first) == 0
    workbook, report = out / "csops-2026-10.xlsx", out / "csops-2026-10.json"
    old = {p.name: p.read_bytes() for p in (workbook, report)}

    # The same month in English: every file would change. Kill it while it writes the
    # workbook: its JSON is written (still under the temporary name) just before.
    second = start(out, sample_month, "--lang", "en")
    wait_for(lambda: written(out.glob(".csops-2026-10.json.*.part")), second)
    assert second.poll() is None, "the run ended before it could be killed"
    second.send_signal(signal.SIGKILL)
    assert finish(second) == -signal.SIGKILL
    parts = lambda: list(out.glob(".csops-2026-10.*.part"))  # noqa: E731

    assert {p.name: p.read_bytes() for p in (workbook, report)} == old
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == ["csops-2026-10.json", "csops-2026-10.xlsx"]
    assert parts(), "the killed run's temporary file is hidden, under a .part name"

    # The next run replaces the report and clears what the killed one left.
    third = start(out, sample_month, "--lang", "en")
    assert finish(third) == 0
    assert workbook.read_bytes() != old[workbook.name]
    assert not list(out.glob("*.part")) and not list(out.glob(".*.part"))


def test_a_second_run_on_the_same_folder_refuses_or_waits(
    sample_month: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    lock = out / ".csops-monthly.lock"
    first = start(out, sample_month)
    wait_for(lambda: lock.exists() and lock.read_text().strip() == str(first.pid), first)
    refused = monthly(out, "--wait", "0", data=sample_month)
    assert refused.exit_code == 4
    assert f"another csops monthly run (pid {first.pid}) is writing to this folder" in (
        refused.stderr
    )
    assert finish(first) == 0
    assert (out / "csops-2026-10.xlsx").exists()


def test_a_second_run_waits_for_the_lock(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    fd = os.open(out / ".csops-monthly.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    threading.Timer(1.0, os.close, [fd]).start()  # closing the file releases the lock
    started = time.monotonic()
    result = monthly(out, "--wait", "30")
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started >= 1.0
    assert (out / "csops-2026-10.xlsx").exists()


def test_running_twice_gives_the_same_files(tmp_path: Path) -> None:
    """Byte for byte, even with another string-hash seed: nothing of the run's time or
    of set order gets into the workbook or the JSON."""
    runs = [start(tmp_path / f"out{seed}", DATA, seed=seed) for seed in ("1", "2")]
    for proc in runs:
        assert finish(proc) == 0
    for name in ("csops-2026-10.xlsx", "csops-2026-10.json"):
        assert (tmp_path / "out1" / name).read_bytes() == (tmp_path / "out2" / name).read_bytes()


def test_close_records_what_the_workbook_shows(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    out = tmp_path / "out"
    result = monthly(out, "--close", "--ledger", str(ledger))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith(f"; 已关账: 2026-10 第 1 版, 账本 {ledger}")
    doc = json.loads((out / "csops-2026-10.json").read_text(encoding="utf-8"))
    closed = Ledger(ledger).closed_months()
    assert [(c.month, c.revision) for c in closed] == [("2026-10", 1)]
    stored = {r["staff_id"]: r for r in Ledger(ledger).results("score", ["2026-10"])}
    assert {k: (v["score"], v["level"]) for k, v in stored.items()} == {
        s["staff_id"]: (s["score"], s["level"]) for s in doc["score"]["staff"]
    }
    commission = {r["staff_id"]: r["total"] for r in Ledger(ledger).results("commission")}
    assert commission == {"1001": "206.00", "1002": "2.00", "1003": "0.40"}
    files = {f.name for f in Ledger(ledger).inputs("2026-10")}
    assert files == {
        "attendance.csv", "chats.csv", "incidents.csv", "leave.csv", "orders.csv", "roster.csv"
    }  # fmt: skip

    # Closed months do not change: a second --close is refused before anything is written.
    before = (out / "csops-2026-10.xlsx").stat().st_mtime_ns
    again = monthly(out, "--close", "--ledger", str(ledger))
    assert again.exit_code == 1
    assert "2026-10 was closed on" in again.stderr
    assert "csops close --month 2026-10 --reopen" in again.stderr
    assert (out / "csops-2026-10.xlsx").stat().st_mtime_ns == before


def test_the_serious_level_looks_back_over_closed_months(tmp_path: Path) -> None:
    """阿杰 (5 points: warning) after two closed months at warning is `serious`
    (rules/scoring.yaml: ≤ 5 for 3 months in a row); the others stay as they are."""
    ledger = Ledger(tmp_path / "ledger.sqlite")
    for month in ("2026-08", "2026-09"):
        levels = {"1001": "ok", "1002": "warning", "1003": "punishment"}
        results = {"score": {s: {"level": lv} for s, lv in levels.items()}}
        ledger.close_month(month, results, "0" * 64, [])
    result = monthly(tmp_path / "out", "--ledger", str(ledger.path))
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "out" / "csops-2026-10.json").read_text(encoding="utf-8"))
    levels = {s["staff_id"]: s["level"] for s in doc["score"]["staff"]}
    assert levels == {"1001": "ok", "1002": "serious", "1003": "ok"}
