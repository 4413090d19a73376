"""The month-end run's sections: an independent one is built in a thread beside the others,
which is safe only because no section changes the input frames."""

from __future__ import annotations

import io
import json
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from csops import chats, monthly
from csops.chats import chats_month
from csops.errors import InputError
from csops.ingest import parallel
from csops.ingest.discover import Inputs
from csops.monthly import (
    SECTIONS,
    MonthContext,
    MonthlyFiles,
    MonthlyRun,
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


def run_sample(rules: RuleSet, tmp_path: Path, data: Path = DATA, **kw: Any) -> MonthlyRun:
    """`run_monthly` of the month on `data` (the sample month), with no ledger."""
    return run_monthly(rules, data, MONTH, "zh", ledger=tmp_path / "none.sqlite", **kw)


def test_no_section_changes_the_input_frames(
    rules: RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}
    real_load = Inputs.load

    def load(self: Inputs, kinds: Any, **kw: Any) -> Inputs:
        heard = kw.pop("on_loaded", None)

        def on_loaded(kind: str) -> None:
            # A copy as each kind is read, before the run's own `on_loaded` (the chat
            # messages begin there) could work on it.
            frame = self.frames[kind]
            loaded.setdefault(kind, (frame, frame.copy(deep=True)))
            if heard is not None:
                heard(kind)

        result = real_load(self, kinds, on_loaded=on_loaded, **kw)
        for kind, frame in self.frames.items():
            loaded.setdefault(kind, (frame, frame.copy(deep=True)))
        return result

    monkeypatch.setattr(Inputs, "load", load)
    run = run_sample(rules, tmp_path)
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
    run = run_sample(
        rules,
        tmp_path,
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
        run_sample(rules, tmp_path, sections=[lambda ctx: _section("first"), broken])


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


def test_a_sheet_longer_than_excel_opens_goes_to_numbered_files_and_replaces_the_last_runs(
    tmp_path: Path, small_limit: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With files of at most 2,100 rows (Excel: 1,048,575), the sample's 10,274 waits of
    8 staff members (151 to 2,016 each) go to `.waits.1.csv`, `.waits.2.csv`, …: every
    row once, in order, no file over 2,100 rows, each staff member's waits in one file;
    the JSON and the sheet's note name every file, the note with the staff in it. A later
    run with one file removes the numbered ones, and the other way round."""
    import openpyxl

    import csops.monthly

    out = tmp_path / "out"

    def run() -> tuple[BookSheet, list[Path]]:
        result, paths = monthly_report(
            small_limit, DATA, MONTH, "zh", out, ledger=tmp_path / "none.sqlite"
        )
        (waits,) = [b for b in result.section("chats").sheets if b.csv_name == "waits"]
        return waits, paths

    waits, _ = run()
    assert [p.name for p in out.glob("*.waits*.csv")] == ["csops-2026-10.waits.csv"]
    whole = io.StringIO()
    write_csv(waits.sheet, "zh", whole)
    header, *rows = whole.getvalue().splitlines(keepends=True)

    monkeypatch.setattr(csops.monthly, "CSV_FILE_ROWS", 2100)
    waits, paths = run()
    assert waits.moved_to is not None and len(waits.moved_to) >= 5
    names = [f"csops-2026-10.waits.{i}.csv" for i in range(1, len(waits.moved_to) + 1)]
    assert sorted(p.name for p in out.glob("*.waits*.csv")) == sorted(names)
    assert [p.name for p in paths if ".waits" in p.name] == names
    doc = json.loads((out / "csops-2026-10.json").read_text(encoding="utf-8"))
    assert doc["files"]["csv"]["waits"] == names
    texts = [(out / name).read_text(encoding="utf-8-sig") for name in names]
    assert all(t.startswith(header) and t.count("\n") - 1 <= 2100 for t in texts)
    assert "".join(t[len(header) :] for t in texts) == "".join(rows)
    staff = waits.sheet.frame["chats.staff"]
    files_of: dict[str, set[int]] = {}
    for part_no, part in enumerate(waits.moved_to):
        for name in set(staff.iloc[part.start : part.stop]):
            files_of.setdefault(name, set()).add(part_no)
    assert len(files_of) == 8 and all(len(parts) == 1 for parts in files_of.values())
    book = openpyxl.load_workbook(out / "csops-2026-10.xlsx", read_only=True)
    (note,) = [row[0] for row in book["等待明细"].iter_rows(min_row=2, max_row=2, values_only=True)]
    book.close()
    first = waits.moved_to[0]
    assert f"{len(names)} 个文件" in note
    assert (
        f"{names[0]}: {first.stop - first.start:,} 行，客服 {staff.iloc[0]} 至 "
        f"{staff.iloc[first.stop - 1]}"
    ) in note
    assert all(name in note for name in names)

    monkeypatch.setattr(csops.monthly, "CSV_FILE_ROWS", 10**6)
    run()
    assert [p.name for p in out.glob("*.waits*.csv")] == ["csops-2026-10.waits.csv"]


def test_a_run_that_fails_as_its_files_go_in_place_leaves_the_earlier_csv_files(
    tmp_path: Path, small_limit: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Last run wrote one waits file; this one cuts them into numbered files and fails
    when its JSON is put in place. The earlier report and the files it names are all still
    there, byte for byte (the earlier files are removed only once the run succeeded)."""
    import os

    import csops.monthly
    import csops.report.output

    out = tmp_path / "out"
    monthly_report(small_limit, DATA, MONTH, "zh", out, ledger=tmp_path / "none.sqlite")
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert "csops-2026-10.waits.csv" in before

    real_replace = os.replace

    def full_disk(src: Any, dst: Any) -> None:
        if str(dst).endswith(".json"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(csops.monthly, "CSV_FILE_ROWS", 2100)
    monkeypatch.setattr(csops.report.output.os, "replace", full_disk)
    with pytest.raises(csops.report.output.UsageError, match="No space left"):
        monthly_report(small_limit, DATA, MONTH, "zh", out, ledger=tmp_path / "none.sqlite")
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert {name: after.get(name) for name in before} == before
    assert not [p.name for p in out.iterdir() if p.name.endswith(".part")]


@dataclass
class Prepared:
    """`month_messages` calls of a run: whether the orders were read yet, the thread, and
    the calls of `chats.normalize_messages` (the chat KPIs'; the commission's chat
    attribution modes, not used by the shipped rules, sort the log on their own)."""

    orders_read: list[bool] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)
    normalized: int = 0


@pytest.fixture
def prepared(monkeypatch: pytest.MonkeyPatch) -> Prepared:
    seen = Prepared()
    real_prepare, real_normalize = monthly.month_messages, chats.normalize_messages

    def month_messages(inputs: Inputs, rules: RuleSet) -> pd.DataFrame:
        seen.orders_read.append("orders" in inputs.frames)
        seen.threads.append(threading.current_thread())
        return real_prepare(inputs, rules)

    def normalize(*args: Any) -> pd.DataFrame:
        seen.normalized += 1
        return real_normalize(*args)

    monkeypatch.setattr(monthly, "month_messages", month_messages)
    monkeypatch.setattr(chats, "normalize_messages", normalize)
    # Every row count is "many": the messages are sorted in a thread, as in a big month.
    monkeypatch.setattr(parallel, "PARALLEL_ROWS", 1)
    return seen


def test_the_messages_are_sorted_while_the_orders_are_read_and_only_once(
    rules: RuleSet, tmp_path: Path, prepared: Prepared
) -> None:
    run = run_sample(rules, tmp_path)
    assert prepared.orders_read == [False]
    assert prepared.threads[0] is not threading.main_thread()
    assert prepared.normalized == 1  # the chats section used them
    alone = Inputs.scan(rules, DATA)
    expected = chats_month(alone, rules, MONTH)
    pd.testing.assert_frame_equal(run.section("chats").result.staff, expected.staff)
    assert run.section("chats").result.total == expected.total


def test_no_messages_are_sorted_when_no_section_reads_them(
    rules: RuleSet, tmp_path: Path, prepared: Prepared
) -> None:
    run_sample(rules, tmp_path, sections=[commission_section])
    assert prepared.orders_read == [] and prepared.normalized == 0


def _sample_copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    return data


def test_an_error_in_the_sorted_messages_is_the_chats_commands_error(
    rules: RuleSet, tmp_path: Path, prepared: Prepared
) -> None:
    data = _sample_copy(tmp_path)
    log = data / "聊天记录_2026-10.csv"
    text = log.read_text(encoding="utf-8-sig")
    log.write_text(text.replace(",客服,", ",路人,", 1), encoding="utf-8-sig")
    with pytest.raises(InputError) as alone:
        chats_month(Inputs.scan(rules, data), rules, MONTH)
    assert "neither buyer nor staff" in alone.value.message
    with pytest.raises(InputError) as caught:
        run_sample(rules, tmp_path, data)
    assert caught.value.message == alone.value.message
    assert prepared.orders_read == [False]


def test_an_orders_error_stops_the_run_once_the_messages_thread_is_done(
    rules: RuleSet, tmp_path: Path, prepared: Prepared, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _sample_copy(tmp_path)
    orders = data / "ExportOrderList202610.csv"
    text = orders.read_text(encoding="gb18030")
    orders.write_text(text.replace("2026-10-31 23:23:04", "2026-13-31 23:23:04", 1), "gb18030")
    slow = monthly.month_messages
    finished = threading.Event()

    def slow_messages(inputs: Inputs, rules: RuleSet) -> pd.DataFrame:
        messages = slow(inputs, rules)
        time.sleep(0.5)  # still at work when the orders' error is found
        finished.set()
        return messages

    monkeypatch.setattr(monthly, "month_messages", slow_messages)
    with pytest.raises(InputError) as caught:
        run_sample(rules, tmp_path, data)
    assert "2026-13-31" in caught.value.message and orders.name in caught.value.message
    assert prepared.orders_read == [False]
    assert prepared.threads[0] is not threading.main_thread()
    assert finished.is_set()  # the run waited for the thread
