"""The month-end run's sections: an independent one is built in a thread beside the others,
which is safe only because no section changes the input frames."""

from __future__ import annotations

import io
import json
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from csops.errors import InputError
from csops.ingest.discover import Inputs
from csops.monthly import (
    SECTIONS,
    MonthContext,
    MonthlyFiles,
    Section,
    commission_section,
    independent,
    is_independent,
    monthly_report,
    run_monthly,
)
from csops.period import Month
from csops.report.output import write_csv
from csops.report.workbook import BookSheet
from csops.rules import RuleSet, load_rules

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


@pytest.fixture
def small_limit(tmp_path: Path) -> RuleSet:
    """The shipped rules with a detail limit of 3 rows: the sample month's big sheets
    (the waits among them) go to CSV files."""
    folder = tmp_path / "rules"
    shutil.copytree(REPO / "rules", folder)
    (folder / "settings.yaml").write_text("detail_row_limit: 3\n", encoding="utf-8")
    return load_rules(folder)


@dataclass
class Starts:
    """`MonthlyFiles.start_csv` calls: (csv name, from the main thread, already begun)."""

    calls: list[tuple[str | None, bool, bool]] = field(default_factory=list)
    waits_begun: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def starts(monkeypatch: pytest.MonkeyPatch) -> Starts:
    seen = Starts()
    real_start = MonthlyFiles.start_csv

    def start_csv(self: MonthlyFiles, book_sheet: BookSheet) -> None:
        seen.calls.append(
            (
                book_sheet.csv_name,
                threading.current_thread() is threading.main_thread(),
                book_sheet.moved_to is not None,
            )
        )
        real_start(self, book_sheet)
        if book_sheet.csv_name == "waits":
            seen.waits_begun.set()

    monkeypatch.setattr(MonthlyFiles, "start_csv", start_csv)
    return seen


def test_the_waits_csv_begins_in_the_chats_thread_before_the_section_is_built(
    tmp_path: Path, small_limit: RuleSet, starts: Starts
) -> None:
    """The waits (the biggest CSV file) start on their way as soon as the chat KPIs know
    them; the file is begun once, and the JSON lists the CSV files in the sections' order
    even when the waits began before the commission's orders."""

    def commission_after_the_waits(ctx: MonthContext) -> Section:
        assert starts.waits_begun.wait(timeout=30)  # the chats thread got there first
        return commission_section(ctx)

    out = tmp_path / "out"
    run, paths = monthly_report(
        small_limit,
        DATA,
        MONTH,
        "zh",
        out,
        ledger=tmp_path / "none.sqlite",
        sections=[commission_after_the_waits if b is commission_section else b for b in SECTIONS],
    )
    waits_calls = [c for c in starts.calls if c[0] == "waits"]
    # First from the chats thread, before the section was built; then from the
    # main thread's `add`, which finds it begun.
    assert waits_calls == [("waits", False, False), ("waits", True, True)]
    moved = [b.csv_name for s in run.sections for b in s.sheets if b.moved_to]
    assert moved.index("orders") < moved.index("waits")
    doc = json.loads((out / "csops-2026-10.json").read_text(encoding="utf-8"))
    assert list(doc["files"]["csv"]) == moved
    assert [p.name for p in paths[2:]] == [f"csops-2026-10.{name}.csv" for name in moved]
    # The file holds the sheet the section was built with.
    (waits,) = [b for b in run.section("chats").sheets if b.csv_name == "waits"]
    expected = io.StringIO()
    write_csv(waits.sheet, "zh", expected)
    written = (out / "csops-2026-10.waits.csv").read_text(encoding="utf-8-sig")
    assert written == expected.getvalue() and len(waits.sheet.frame) > 3


def test_a_failure_after_the_waits_csv_began_leaves_the_previous_report(
    tmp_path: Path, small_limit: RuleSet, starts: Starts, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The waits CSV is begun inside the chats section; when that section then fails, the
    run waits for the writer, removes its file and leaves last run's files as they were."""
    out = tmp_path / "out"
    monthly_report(small_limit, DATA, MONTH, "zh", out, ledger=tmp_path / "none.sqlite")
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert "csops-2026-10.waits.csv" in before

    import csops.chats

    def broken_sales(*args: Any) -> Any:
        raise InputError("orders: broken after the waits")

    monkeypatch.setattr(csops.chats, "_sales", broken_sales)
    starts.waits_begun.clear()  # set by the run above
    with pytest.raises(InputError, match="broken after the waits"):
        monthly_report(small_limit, DATA, MONTH, "zh", out, ledger=tmp_path / "none.sqlite")
    assert starts.waits_begun.is_set()
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before  # no part file, nothing changed
    assert [p.name for p in out.iterdir() if p.is_dir()] == []  # no scratch folder
