"""One month-end run at a time per output folder."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from csops.errors import EXIT_BUSY, CsopsError

LOCK_NAME = ".csops-monthly.lock"


class BusyError(CsopsError):
    """Another run holds the output folder's lock."""

    exit_code = EXIT_BUSY


@contextmanager
def exclusive_lock(out_dir: Path, wait: float) -> Iterator[None]:
    """Hold `out_dir/.csops-monthly.lock` (flock) for the block. Another run holding it is
    waited for up to `wait` seconds, then a BusyError. The lock goes with the process, so
    a killed run never leaves the folder locked; the file itself stays."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                    raise BusyError(
                        f"{out_dir}: another csops monthly run (pid {holder}) is writing to "
                        f"this folder (lock {path}); waited {wait:g} s. Run again when it has "
                        "finished, or pass another --out"
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)
