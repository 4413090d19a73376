"""The month-end run's sections: an independent one is built in a thread beside the others,
which is safe only because no section changes the input frames."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from csops.errors import InputError
from csops.ingest.discover import Inputs
from csops.monthly import (
    SECTIONS,
    MonthContext,
    Section,
    independent,
    is_independent,
    run_monthly,
)
from csops.period import Month
from csops.rules import RuleSet

from ..conftest import REPO

DATA = REPO / "samples" / "2026-10"
MONTH = Month(2026, 10)


def test_no_section_changes_the_input_frames(
    rules: RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}
    real_load = Inputs.load

    def load(self: Inputs, kinds: Any, **kw: Any) -> Inputs:
        result = real_load(self, kinds, **kw)
        for kind, frame in self.frames.items():
            loaded.setdefault(kind, (frame, frame.copy(deep=True)))
        return result

    monkeypatch.setattr(Inputs, "load", load)
    run = run_monthly(rules, DATA, MONTH, "zh", ledger=tmp_path / "none.sqlite")
    assert len(run.sections) == len(SECTIONS)
    assert {"orders", "chats", "attendance", "roster"} <= set(loaded)
    for kind, (frame, before) in loaded.items():
        pd.testing.assert_frame_equal(frame, before, obj=kind)


def test_the_chat_kpis_and_the_overdue_list_are_the_independent_sections() -> None:
    assert [b.__name__ for b in SECTIONS if is_independent(b)] == [
        "chats_section",
        "overdue_section",
    ]


def _section(key: str) -> Section:
    return Section(key=key, document={}, sheets=[], result=key)


def test_an_independent_section_runs_beside_the_others_and_keeps_its_place(
    rules: RuleSet, tmp_path: Path
) -> None:
    background_started = threading.Event()
    seen: dict[str, Any] = {}

    def first(ctx: MonthContext) -> Section:
        # Listed before the independent section: it sees that one start only if it was
        # started at the beginning of the run, in another thread.
        seen["overlapped"] = background_started.wait(timeout=10)
        return _section("first")

    @independent
    def background(ctx: MonthContext) -> Section:
        background_started.set()
        seen["thread"] = threading.current_thread() is not threading.main_thread()
        return _section("background")

    def last(ctx: MonthContext) -> Section:
        seen["results"] = dict(ctx.results)
        return _section("last")

    order: list[str] = []
    run = run_monthly(
        rules,
        DATA,
        MONTH,
        "zh",
        ledger=tmp_path / "none.sqlite",
        sections=[first, background, last],
        on_section=lambda s: order.append(s.key),
    )
    assert seen["overlapped"] and seen["thread"]
    assert [s.key for s in run.sections] == order == ["first", "background", "last"]
    assert seen["results"] == {"first": "first", "background": "background"}


def test_an_error_in_the_independent_section_stops_the_run(rules: RuleSet, tmp_path: Path) -> None:
    @independent
    def broken(ctx: MonthContext) -> Section:
        raise InputError("chats: broken")

    with pytest.raises(InputError, match="chats: broken"):
        run_monthly(
            rules,
            DATA,
            MONTH,
            "zh",
            ledger=tmp_path / "none.sqlite",
            sections=[lambda ctx: _section("first"), broken],
        )
