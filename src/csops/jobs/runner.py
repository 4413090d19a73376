"""The one place csops works in parallel: the independent jobs of a run.

A month-end run writes several files that share nothing — the workbook, each detail CSV
file — and `Runner` writes the CSV files on an executor of `jobs` threads while the
workbook is written (pyarrow and the file system leave the GIL). Every job writes only its
own file, so the files are the same whatever `jobs` is (a test runs 1 and 4). With
`jobs=1` a job runs at once, in the caller's thread: no thread is started.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

R = TypeVar("R")


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


class Runner:
    """`submit` jobs; leaving the `with` block waits for every one of them (a job's error
    is raised by `wait`, or by the block's end when nobody asked)."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = default_jobs() if jobs is None else max(1, jobs)
        # The caller's thread is one of the `jobs`: the others are the executor's.
        self._pool = ThreadPoolExecutor(self.jobs - 1) if self.jobs > 1 else None
        self._pending: list[Future[Any]] = []

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.wait()
        self.stop()

    def stop(self) -> None:
        """Cancel the jobs not begun and wait for those running: no thread still writes
        after this (a failed run calls it before it removes its temporary files)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._pending = []

    def submit(self, func: Callable[..., R], *args: Any) -> Future[R]:
        if self._pool is None and self.jobs > 1:
            raise RuntimeError("the runner was stopped")
        if self._pool is not None:
            future = self._pool.submit(func, *args)
        else:
            future = Future()
            try:
                future.set_result(func(*args))
            except Exception as error:  # raised by `wait`, as from a thread
                future.set_exception(error)
        self._pending.append(future)
        return future

    def wait(self) -> None:
        """Wait for every job submitted; the first error (in submission order) is raised."""
        pending, self._pending = self._pending, []
        for future in pending:
            future.result()
