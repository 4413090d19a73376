"""The thread helpers: results in order, exceptions where the result is used."""

from __future__ import annotations

import threading
import time

import pytest

import csops.ingest.parallel
from csops.ingest.parallel import background, ordered_map


def test_ordered_map_yields_in_order_whatever_finishes_first() -> None:
    def slow_first(i: int) -> int:
        time.sleep(0.05 if i == 0 else 0)
        return i * i

    assert list(ordered_map(slow_first, range(6), workers=2)) == [0, 1, 4, 9, 16, 25]
    assert list(ordered_map(slow_first, range(3), workers=1)) == [0, 1, 4]


def test_ordered_map_holds_few_results_ahead() -> None:
    started: list[int] = []
    lock = threading.Lock()

    def record(i: int) -> int:
        with lock:
            started.append(i)
        return i

    results = ordered_map(record, range(20), workers=2)
    assert next(results) == 0
    time.sleep(0.05)
    assert len(started) <= 4  # not all 20 started while the first is used


def test_ordered_map_raises_the_error_at_its_place() -> None:
    def fails_at_2(i: int) -> int:
        if i == 2:
            raise ValueError("chunk 2")
        return i

    got: list[int] = []
    with pytest.raises(ValueError, match="chunk 2"):
        for value in ordered_map(fails_at_2, range(5), workers=2):
            got.append(value)
    assert got == [0, 1]


@pytest.mark.parametrize("threshold", [0, 10**9])  # in a thread, and at once
def test_background_gives_the_value_or_raises(
    threshold: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csops.ingest.parallel, "PARALLEL_ROWS", threshold)
    where: list[bool] = []

    def work(x: int) -> int:
        where.append(threading.current_thread() is threading.main_thread())
        return x + 1

    assert background(work, 1, rows=100).result() == 2
    assert where == [threshold > 100]

    def broken() -> None:
        raise KeyError("gone")

    with pytest.raises(KeyError, match="gone"):
        background(broken, rows=100).result()
