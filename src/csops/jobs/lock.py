"""One month-end run at a time per output folder, and one close at a time per ledger."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from csops.errors import EXIT_BUSY, CsopsError, UsageError

LOCK_NAME = ".csops-monthly.lock"


class BusyError(CsopsError):
    """Another run holds the output folder's lock."""

    exit_code = EXIT_BUSY


@contextmanager
def exclusive_lock(out_dir: Path, wait: float) -> Iterator[None]:
    """Hold `out_dir/.csops-monthly.lock` (flock) for the block. Another run holding it is
    waited for up to `wait` seconds, then a BusyError. The lock goes with the process, so
    a killed run never leaves the folder locked; the file itself stays."""
    path = out_dir / LOCK_NAME
    with held(
        path,
        wait,
        busy=lambda holder: (
            f"{out_dir}: another csops monthly run (pid {holder}) is writing "
            f"to this folder (lock {path}); waited {wait:g} s. Run again when it has finished, "
            "or pass another --out"
        ),
        what=f"--out {out_dir}",
    ):
        yield


@contextmanager
def ledger_lock(ledger: Path, wait: float) -> Iterator[None]:
    """Hold `LEDGER.lock` for the block: one `monthly --close` at a time per ledger, from
    the check that the month is open until it is closed, whatever --out each run writes
    to; the run that waited then finds the month closed and writes no report."""
    path = ledger.with_name(ledger.name + ".lock")
    with held(
        path,
        wait,
        busy=lambda holder: (
            f"{ledger}: another csops monthly --close (pid {holder}) is "
            f"closing a month in this ledger; waited {wait:g} s. Run again when it has finished"
        ),
        what=f"the ledger {ledger}",
    ):
        yield


@contextmanager
def held(path: Path, wait: float, *, busy: Callable[[str], str], what: str) -> Iterator[None]:
    """An exclusive flock on `path` (made if need be) for the block, waiting up to `wait`
    seconds (then a BusyError with `busy(holder pid)`). A folder csops cannot write (read
    only, full, no permission) is one UsageError naming `what`."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise UsageError(
            f"{what}: cannot write there ({exc.strerror or exc}); nothing was written"
        ) from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                    raise BusyError(busy(holder)) from None
                time.sleep(0.1)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError as exc:
            raise UsageError(
                f"{what}: cannot write there ({exc.strerror or exc}); nothing was written"
            ) from None
        yield
    finally:
        os.close(fd)
