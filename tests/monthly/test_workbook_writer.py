"""The workbook written sheet by sheet: the summary and Charts sheets reserved first and
filled last, whatever order the work was done in."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd

from csops.report.output import Column, Sheet
from csops.report.workbook import BookSheet, Chart, WorkbookWriter


def _sheet(key: str, rows: int, charts: list[Chart] | None = None) -> BookSheet:
    frame = pd.DataFrame({"name": [f"n{i}" for i in range(rows)], "v": list(range(rows))})
    return BookSheet(Sheet(key, frame, [Column("name"), Column("v", "int")]), charts=charts or [])


def _writer(path: Path) -> WorkbookWriter:
    return WorkbookWriter(
        path,
        "en",
        title="2026-10",
        created=datetime(2026, 11, 1),
        detail_limit=50_000,
        first_tab="title.summary",
    )


def test_sheets_added_one_by_one_come_after_the_summary_and_charts(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    writer = _writer(path)
    writer.add(_sheet("title.scores", 3))
    writer.add(_sheet("title.scores", 2))  # the same tab twice gets a second name
    writer.close(_sheet("title.summary", 4, [Chart("monthly.chart.score", "name", ["v"])]))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:2] == ["Monthly summary", "Charts"]
    assert len(book.sheetnames) == 4 and book.sheetnames[2] != book.sheetnames[3]
    assert book["Charts"].sheet_state == "visible"
    assert len(book["Charts"]._charts) == 1
    summary = book["Monthly summary"]
    header = next(
        r for r in range(1, 10) if summary.cell(r, 1).value == "Name"
    )  # title, then the header
    assert [summary.cell(header + i, 2).value for i in (1, 2, 3, 4)] == [0, 1, 2, 3]
    assert [book[book.sheetnames[2]].cell(header + i, 1).value for i in (1, 2, 3)] == [
        "n0", "n1", "n2",
    ]  # fmt: skip


def test_the_reserved_charts_sheet_is_hidden_when_nothing_has_a_chart(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    writer = _writer(path)
    writer.add(_sheet("title.scores", 1))
    writer.close(_sheet("title.summary", 1))
    book = openpyxl.load_workbook(path)
    assert book["Charts"].sheet_state == "hidden"
    assert book.active.title == "Monthly summary"
