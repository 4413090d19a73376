"""The month-end run: every figure computed once from one read of the exports, detail a
manager reads by default, files staged and put in place only when all are written, and
the same files whatever `--jobs` is."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from csops.domain.period import Month
from csops.errors import InputError
from csops.ingest.discover import Inputs
from csops.jobs import month as jobs_month
from csops.jobs import monthly
from csops.jobs.monthly import MonthlyRun, monthly_report, run_monthly
from csops.report.book import BookSheet
from csops.report.detail import write_detail_csv
from csops.rules import RuleSet, load_rules

from ..conftest import REPO, chats_of

DATA = REPO / "samples" / "2026-10"
MONTH = Month(2026, 10)


def run_sample(rules: RuleSet, tmp_path: Path, data: Path = DATA, **kw: Any) -> MonthlyRun:
    """`run_monthly` of the month on `data` (the sample month), with no ledger."""
    return run_monthly(rules, data, MONTH, "zh", ledger=tmp_path / "none.sqlite", **kw)


def report(rules: RuleSet, tmp_path: Path, out: Path, **kw: Any) -> tuple[MonthlyRun, list[Path]]:
    return monthly_report(rules, DATA, MONTH, "zh", out, ledger=tmp_path / "none.sqlite", **kw)


def test_computing_the_month_changes_no_input_frame(
    rules: RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frames: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}
    real_compute = monthly.figures_to_close

    def compute(data: jobs_month.MonthData, *args: Any, **kw: Any) -> Any:
        for kind in ("attendance", "leave", "incidents", "orders", "chats", "qa"):
            frame = getattr(data, kind)
            if frame is not None:
                frames[kind] = (frame, frame.copy(deep=True))
        return real_compute(data, *args, **kw)

    monkeypatch.setattr(monthly, "figures_to_close", compute)
    run_sample(rules, tmp_path)
    assert {"orders", "chats", "attendance", "leave", "incidents", "qa"} <= set(frames)
    for kind, (frame, before) in frames.items():
        pd.testing.assert_frame_equal(frame, before, obj=kind)


def test_each_figure_is_computed_once_and_the_sections_show_those_results(
    rules: RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chat log is sorted once and the score worked out once: the KPI scorecard and the
    commission read the very results the score and chats sections show."""
    calls = {"normalize": 0, "score": 0}
    real_normalize, real_score = jobs_month.normalize_messages, jobs_month._score

    def normalize(*args: Any) -> Any:
        calls["normalize"] += 1
        return real_normalize(*args)

    def score(*args: Any) -> Any:
        calls["score"] += 1
        return real_score(*args)

    monkeypatch.setattr(jobs_month, "normalize_messages", normalize)
    monkeypatch.setattr(jobs_month, "_score", score)
    run = run_sample(rules, tmp_path)
    assert calls == {"normalize": 1, "score": 1}
    assert [s.key for s in run.sections] == [
        "score",
        "commission",
        "chats",
        "kpi",
        "overdue",
        "inputs",
    ]
    alone = chats_of(Inputs.scan(rules, DATA), rules, MONTH)
    pd.testing.assert_frame_equal(run.figures.chats.staff, alone.staff)


def _waits_sheet(run: MonthlyRun) -> BookSheet:
    (waits,) = [b for b in run.section("chats").sheets if b.csv_name == "waits"]
    return waits


def test_the_waits_listed_by_default_are_those_that_broke_a_rule(
    rules: RuleSet, tmp_path: Path
) -> None:
    """Never answered, or answered after unanswered_s (600 s): 751 of the sample's 10,274
    waits; `--detail all` lists all of them. The sheet says which it holds."""
    run = run_sample(rules, tmp_path)
    waits = _waits_sheet(run).sheet.frame
    every = run.figures.chats.waits
    response = every["response_s"]
    assert len(waits) == int((response.isna() | (response > 600)).sum()) == 751
    assert len(every) == 10_274
    shown = pd.to_numeric(waits["chats.response_s"])
    assert (shown.isna() | (shown > 600)).all()
    assert "10,274 次等待中的 751 次" in _waits_sheet(run).notes[0]
    full = run_sample(rules, tmp_path, detail="all")
    assert len(_waits_sheet(full).sheet.frame) == 10_274
    assert "全部 10,274 次等待" in _waits_sheet(full).notes[0]


def test_a_kpi_timeliness_limit_shorter_than_unanswered_s_lists_the_slower_waits(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(REPO / "rules", folder)
    kpi = folder / "kpi.yaml"
    text = kpi.read_text(encoding="utf-8")
    kpi.write_text(text.replace("reply_timeliness_limit_s: null", "reply_timeliness_limit_s: 120"))
    run = run_sample(load_rules(folder), tmp_path)
    response = run.figures.chats.waits["response_s"]
    assert len(_waits_sheet(run).sheet.frame) == int((response.isna() | (response > 120)).sum())


@pytest.fixture
def small_limit(tmp_path: Path) -> RuleSet:
    """The shipped rules with a detail limit of 3 rows: the sample month's big sheets
    (the waits among them) go to CSV files."""
    folder = tmp_path / "rules"
    shutil.copytree(REPO / "rules", folder)
    (folder / "settings.yaml").write_text("detail_row_limit: 3\n", encoding="utf-8")
    return load_rules(folder)


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def _cells(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
    finally:
        book.close()


@pytest.mark.parametrize("detail", ["rules", "all"])
def test_one_job_or_four_write_the_same_files(
    tmp_path: Path, small_limit: RuleSet, detail: str
) -> None:
    """The same JSON, CSV bytes and workbook cells with --jobs 1 and --jobs 4 (the CSV
    files are written beside the workbook by the runner's threads)."""
    written = {}
    for jobs in (1, 4):
        out = tmp_path / f"out{jobs}"
        report(small_limit, tmp_path, out, jobs=jobs, detail=detail)
        written[jobs] = _files(out)
    one, four = written[1], written[4]
    assert sorted(one) == sorted(four)
    assert [n for n in one if n.endswith(".csv")]  # detail files were written
    for name in one:
        if name.endswith(".xlsx"):
            assert _cells(tmp_path / "out1" / name) == _cells(tmp_path / "out4" / name)
        else:
            assert one[name] == four[name], name


def test_the_json_names_the_detail_files_and_does_not_repeat_them(
    tmp_path: Path, small_limit: RuleSet
) -> None:
    out = tmp_path / "out"
    run, paths = report(small_limit, tmp_path, out)
    doc = json.loads((out / "csops-2026-10.json").read_text(encoding="utf-8"))
    moved = [b.csv_name for s in run.sections for b in s.sheets if b.moved_to]
    assert list(doc["files"]["csv"]) == moved and "waits" in moved and "orders" in moved
    assert [p.name for p in paths[2:]] == [f"csops-2026-10.{name}.csv" for name in moved]
    assert "waits" not in doc["chats"] and "orders" not in doc["commission"]
    # The file holds the sheet the section was built with.
    waits = _waits_sheet(run)
    expected = write_detail_csv(waits.sheet, "zh", tmp_path / "expected.csv")
    assert (out / "csops-2026-10.waits.csv").read_bytes() == expected[0].read_bytes()


def test_a_failure_while_the_files_are_written_leaves_the_previous_report(
    tmp_path: Path, small_limit: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    report(small_limit, tmp_path, out)
    before = _files(out)
    assert "csops-2026-10.waits.csv" in before

    def broken_summary(*args: Any) -> Any:
        raise ValueError("broken summary")

    monkeypatch.setattr(monthly, "summary_sheet", broken_summary)
    with pytest.raises(ValueError, match="broken summary"):
        report(small_limit, tmp_path, out, jobs=4)
    assert _files(out) == before  # no part file, nothing changed
    assert [p.name for p in out.iterdir() if p.is_dir()] == []


def test_a_sheet_longer_than_excel_opens_goes_to_numbered_files_and_replaces_the_last_runs(
    tmp_path: Path, small_limit: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With files of at most 2,100 rows (Excel: 1,048,575), the sample's 10,274 waits of
    8 staff members (151 to 2,016 each) go to `.waits.1.csv`, `.waits.2.csv`, …: every
    row once, in order, no file over 2,100 rows, each staff member's waits in one file;
    the JSON and the sheet's note name every file, the note with the staff in it. A later
    run with one file removes the numbered ones, and the other way round."""
    out = tmp_path / "out"

    def run() -> tuple[BookSheet, list[Path]]:
        result, paths = report(small_limit, tmp_path, out, detail="all")
        return _waits_sheet(result), paths

    waits, _ = run()
    assert [p.name for p in out.glob("*.waits*.csv")] == ["csops-2026-10.waits.csv"]
    header, *rows = (
        (out / "csops-2026-10.waits.csv").read_text(encoding="utf-8-sig").splitlines(True)
    )

    monkeypatch.setattr(monthly, "CSV_FILE_ROWS", 2100)
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
    notes = [row[0] for row in book["等待明细"].iter_rows(min_row=2, max_row=3, values_only=True)]
    book.close()
    note = next(n for n in notes if "个文件" in n)
    first = waits.moved_to[0]
    assert f"{len(names)} 个文件" in note
    assert (
        f"{names[0]}: {first.stop - first.start:,} 行，客服 {staff.iloc[0]} 至 "
        f"{staff.iloc[first.stop - 1]}"
    ) in note
    assert all(name in note for name in names)

    monkeypatch.setattr(monthly, "CSV_FILE_ROWS", 10**6)
    run()
    assert [p.name for p in out.glob("*.waits*.csv")] == ["csops-2026-10.waits.csv"]


def test_a_run_that_fails_as_its_files_go_in_place_leaves_the_earlier_csv_files(
    tmp_path: Path, small_limit: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Last run wrote one waits file; this one cuts them into numbered files and fails
    when its JSON is put in place. The earlier report and the files it names are all still
    there, byte for byte (the earlier files are removed only once the run succeeded)."""
    import os

    import csops.report.files

    out = tmp_path / "out"
    report(small_limit, tmp_path, out, detail="all")
    before = _files(out)
    assert "csops-2026-10.waits.csv" in before
    real_replace = os.replace

    def full_disk(src: Any, dst: Any) -> None:
        if str(dst).endswith(".json"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(monthly, "CSV_FILE_ROWS", 2100)
    monkeypatch.setattr(csops.report.files.os, "replace", full_disk)
    with pytest.raises(csops.report.files.UsageError, match="No space left"):
        report(small_limit, tmp_path, out, detail="all")
    after = _files(out)
    assert {name: after.get(name) for name in before} == before
    assert not [p.name for p in out.iterdir() if p.name.endswith(".part")]


def _sample_copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    return data


def test_an_error_in_the_chat_log_is_the_chats_commands_error(
    rules: RuleSet, tmp_path: Path
) -> None:
    data = _sample_copy(tmp_path)
    log = data / "聊天记录_2026-10.csv"
    text = log.read_text(encoding="utf-8-sig")
    log.write_text(text.replace(",客服,", ",路人,", 1), encoding="utf-8-sig")
    with pytest.raises(InputError) as alone:
        chats_of(Inputs.scan(rules, data), rules, MONTH)
    assert "neither buyer nor staff" in alone.value.message
    with pytest.raises(InputError) as caught:
        run_sample(rules, tmp_path, data)
    assert caught.value.message == alone.value.message
