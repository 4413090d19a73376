"""Column work on every core.

pyarrow's kernels leave the GIL, so the columns of a big file are decoded and cleaned side
by side in threads (the CSV parse itself already uses every core). Small files stay on one
thread: starting threads would cost more than it saves, and one order is easier to debug.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
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
