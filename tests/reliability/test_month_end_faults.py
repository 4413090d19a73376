"""Faults of the month-end run end in one line (issue 21, class 10).

A full disk while the workbook is saved, and an --out folder csops cannot write, used to
end in an ENOSPC / EROFS traceback (XlsxWriter's FileCreateError, the lock's os.open).
Two `monthly --close` runs into different --out folders on one ledger both wrote a
report; the one whose close was refused now writes none."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from csops.cli.app import app
from csops.ingest.discover import Inputs
from csops.jobs import lock
from csops.jobs.closing import close_month
from csops.jobs.lock import ledger_lock
from csops.rules import load_rules

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "2026-10"
RULES = Path(__file__).resolve().parents[2] / "rules"


def monthly(out: Path, ledger: Path, *more: str) -> list[str]:
    return [
        "monthly", "--month", "2026-10", "--data", str(SAMPLE), "--out", str(out),
        "--ledger", str(ledger), "--quiet", *more,
    ]  # fmt: skip


def test_disk_full_while_the_workbook_is_saved_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "reports"
    runner = CliRunner()
    assert runner.invoke(app, monthly(out, tmp_path / "l.sqlite")).exit_code == 0
    book = out / "csops-2026-10.xlsx"
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(zipfile.ZipFile, "writestr", full)
    failed = runner.invoke(app, monthly(out, tmp_path / "l.sqlite"))
    assert failed.exit_code == 2
    assert failed.stderr.strip() == (
        f"Error: cannot write {book} (No space left on device); any earlier file there is unchanged"
    )
    assert "Traceback" not in failed.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no part, same bytes


def test_an_out_folder_that_cannot_be_written_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "readonly"
    real_open = os.open

    def read_only(path: object, *args: object, **kwargs: object) -> int:
        if str(path).startswith(str(out)):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(lock.os, "open", read_only)
    failed = CliRunner().invoke(app, monthly(out, tmp_path / "l.sqlite"))
    assert failed.exit_code == 2
    assert failed.stderr.strip() == (
        f"Error: --out {out}: cannot write there (Read-only file system); nothing was written"
    )
    assert "Traceback" not in failed.output


def test_of_two_closes_on_one_ledger_the_refused_one_writes_no_report(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    second = tmp_path / "second"
    rules = load_rules(RULES)
    with ledger_lock(ledger, wait=0):  # the first run, closing the month
        run = subprocess.Popen(
            [sys.executable, "-m", "csops", *monthly(second, ledger, "--close")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(1.5)  # the second run is started (and, before the fix, past its check)
        close_month(Inputs.scan(rules, SAMPLE), rules, "2026-10", ledger)
    _, stderr = run.communicate(timeout=120)
    assert run.returncode == 1, stderr
    assert "2026-10 was closed on" in stderr and "Traceback" not in stderr
    written = sorted(p.name for p in second.iterdir()) if second.exists() else []
    assert not [name for name in written if name.startswith("csops-2026-10")], written


def test_a_close_waits_for_the_ledger_and_then_works(tmp_path: Path) -> None:
    """The lock is not a refusal: a run that waited closes when the month is still open."""
    ledger = tmp_path / "ledger.sqlite"
    out = tmp_path / "out"
    with ledger_lock(ledger, wait=0):
        run = subprocess.Popen(
            [sys.executable, "-m", "csops", *monthly(out, ledger, "--close")],
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(0.5)
    _, stderr = run.communicate(timeout=120)
    assert run.returncode == 0, stderr
    assert (out / "csops-2026-10.xlsx").is_file()
    shutil.rmtree(out)
