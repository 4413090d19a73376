"""Work on every core.

pyarrow's and numpy's kernels leave the GIL, so the columns of a big file are decoded and
cleaned side by side in threads (the CSV parse itself already uses every core), the chat
KPIs work out conversion beside the waits (`background`) and a big CSV file is formatted
a chunk per thread (`ordered_map`). Small data stays on one thread: starting threads
would cost more than it saves, and one order is easier to debug.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

PARALLEL_ROWS = 100_000

T = TypeVar("T")
R = TypeVar("R")


def map_columns(func: Callable[[T], R], items: Iterable[T], rows: int) -> list[R]:
    """`[func(item) for item in items]`, in threads when the file has many rows; results in
    the order of `items`, the first exception raised as is."""
    todo = list(items)
    workers = min(len(todo), os.cpu_count() or 1)
    if rows < PARALLEL_ROWS or workers < 2:
        return [func(item) for item in todo]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(func, todo))


def background(func: Callable[..., R], *args: object, rows: int) -> Future[R]:
    """`func(*args)` in a thread of its own when the data has many rows, else at once; the
    future's `result()` gives its value or raises its exception."""
    future: Future[R] = Future()

    def run() -> None:
        future.set_running_or_notify_cancel()
        try:
            future.set_result(func(*args))
        except BaseException as exc:  # handed to whoever waits for the result
            future.set_exception(exc)

    if rows >= PARALLEL_ROWS:
        threading.Thread(target=run, daemon=True).start()
    else:
        run()
    return future


def ordered_map(func: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    """`func(item)` for each item, `workers` at a time in threads, yielded in the order of
    `items`; at most `workers` results are held ahead of the one being used (memory stays
    bounded when each result is big). The first exception is raised at its place."""
    if workers < 2:
        yield from map(func, items)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        running: deque[Future[R]] = deque()
        try:
            for item in items:
                running.append(pool.submit(func, item))
                if len(running) > workers:
                    yield running.popleft().result()
            while running:
                yield running.popleft().result()
        finally:
            for job in running:
                job.cancel()
