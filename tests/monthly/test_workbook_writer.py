"""The workbook written sheet by sheet: the summary and Charts sheets reserved first and
filled last, whatever order the work was done in."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd

from csops.report.book import BookSheet, Chart
from csops.report.output import Column, Sheet
from csops.report.workbook import WorkbookWriter, write_report


def _sheet(key: str, rows: int, charts: list[Chart] | None = None) -> BookSheet:
    frame = pd.DataFrame({"name": [f"n{i}" for i in range(rows)], "v": list(range(rows))})
    return BookSheet(Sheet(key, frame, [Column("name"), Column("v", "int")]), charts=charts or [])


def _writer(path: Path, lang: str = "en") -> WorkbookWriter:
    return WorkbookWriter(
        path,
        lang,
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


# ------------------------------------------------------------ every kind of cell

_TEXTS = [
    "王小明", "a & b < c > d", "  leading", "trailing ", "_x0041_ literal", "bell\x07here",
    "line\nbreak", "=HYPERLINK(\"x\")", "", "宽" * 40, "word " * 30, "\ufffe",
]  # fmt: skip


_READ_AS_WRITTEN = {t for t in _TEXTS if t and "_x" not in t and t.isprintable()} | {"line\nbreak"}


def _mixed_sheet(rows: int, seed: int) -> BookSheet:
    """Every kind of cell the report sheets hold: text (CJK, XML specials, control
    characters, long text that wraps), numbers as int/float/Decimal/numpy, missing values,
    booleans, datetimes and dates, categoricals, and row styles."""
    import random
    from decimal import Decimal

    rnd = random.Random(seed)

    def pick(options: list[object]) -> list[object]:
        return [rnd.choice(options) for _ in range(rows)]

    frame = pd.DataFrame(
        {
            "name": pick(list(_TEXTS) + [None]),
            "staff": pd.Categorical(pick(["张三", "李四", None])),
            "amount": pick([Decimal("12.30"), Decimal("-0.01"), None, Decimal("1234567.89")]),
            "count": pd.array(pick([0, 7, None, 2**40]), dtype="Int64"),
            "rate": pick([0.125, float("nan"), 1 / 3, float("inf")]),
            "flag": pick([True, False, None]),
            "at": pd.to_datetime(pick(["2026-10-01 09:30:15", None, "2026-10-31 23:59:59"])),
            "day": pick([datetime(2026, 10, 5).date(), None]),
            # Excel's 1900 quirks: a column reaching before 1900-03-01 goes cell by cell.
            "early": pd.to_datetime(
                pick(["1900-01-01 06:00:00", "1900-02-28 00:00:00", "1900-03-01 00:00:00", None])
            ),
            "late": pd.to_datetime(
                pick(["1900-03-01 00:00:01.500000", "2099-12-31 23:59:59.000000", None])
            ),
            "other": pick([("tuple", 1), 3, "x"]),
        }
    )
    columns = [
        Column("name"), Column("staff"), Column("amount", "money"), Column("count", "int"),
        Column("rate", "rate"), Column("flag"), Column("at", "datetime"), Column("day", "date"),
        Column("other"), Column("absent", "int"), Column("early", "datetime"),
        Column("late", "datetime"),
    ]  # fmt: skip
    styles = pd.Series(pick([None, "red", "bold", "dim", "green"]))
    return BookSheet(
        Sheet("title.scores", frame, columns, styles), notes=["a note"], freeze_columns=1
    )


def _book_parts(path: Path, sheets: list[BookSheet]) -> dict[str, bytes]:
    import zipfile

    writer = _writer(path, "zh")
    for sheet in sheets:
        writer.add(sheet)
    writer.close(_sheet("title.summary", 2))
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_rows_read_back_as_written(tmp_path: Path) -> None:
    sheet = _mixed_sheet(40, 3)
    _book_parts(tmp_path / "book.xlsx", [sheet])
    ws = openpyxl.load_workbook(tmp_path / "book.xlsx")[_tab_name_of(sheet)]
    frame = sheet.sheet.frame
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "姓名")
    assert {frame["name"][i] for i in range(len(frame))} & _READ_AS_WRITTEN
    for i in range(len(frame)):
        name = frame["name"][i]
        if name in _READ_AS_WRITTEN:  # openpyxl leaves the _xHHHH_ escapes as they are
            assert ws.cell(header + 1 + i, 1).value == name
        at = frame["at"][i]
        assert ws.cell(header + 1 + i, 7).value == (None if pd.isna(at) else at.to_pydatetime())
        assert ws.cell(header + 1 + i, 3).number_format == "#,##0.00"


def _tab_name_of(sheet: BookSheet) -> str:
    from csops.report.labels import label

    return label(sheet.tab or sheet.sheet.key, "zh")


def test_special_text_long_text_and_control_characters_come_out_right(tmp_path: Path) -> None:
    """XML specials and leading spaces read back as written; a long text wraps and makes
    its row taller; a control character is kept as Excel's escape, not dropped and not a
    broken file."""
    import zipfile

    texts = ["a & b < c > d", "  leading", "word " * 30, "bell\x07here", '=HYPERLINK("x")']
    frame = pd.DataFrame({"name": texts})
    sheet = BookSheet(Sheet("title.scores", frame, [Column("name")]))
    parts = _book_parts(tmp_path / "book.xlsx", [sheet])
    xml = parts["xl/sharedStrings.xml"].decode()
    assert "bell_x0007_here" in xml
    ws = openpyxl.load_workbook(tmp_path / "book.xlsx")[_tab_name_of(sheet)]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "姓名")
    values = [ws.cell(header + 1 + i, 1).value for i in range(len(texts))]
    assert values[:3] == texts[:3] and values[4] == texts[4]  # a formula-like text stays text
    assert ws.cell(header + 5, 1).data_type == "s"
    tall = ws.row_dimensions[header + 3].height
    assert tall is not None and tall > 15  # the long text's row
    assert ws.row_dimensions[header + 1].height is None  # a short one keeps the default
    assert zipfile.ZipFile(tmp_path / "book.xlsx").testzip() is None


def test_a_command_report_is_written_by_the_same_writer_with_its_notes(tmp_path: Path) -> None:
    """`--format xlsx`: the sheets laid out as the month-end workbook's, the report's notes
    under the first title (they were dropped before), no Charts sheet, formula-like text
    with Excel's quote prefix, built in memory and written once."""
    path = tmp_path / "report.xlsx"
    first = Sheet(
        "title.scores",
        pd.DataFrame({"name": ["=1+2", "小美"], "v": [1, 2]}),
        [Column("name"), Column("v", "int")],
    )
    second = _sheet("title.summary", 2).sheet
    notes = ["1 incident row names a 工号 not on the roster"]
    write_report(
        [first, second], notes, "en", path, title="2026-10", created=datetime(2026, 10, 31)
    )
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Monthly scores", "Monthly summary"]
    ws = book["Monthly scores"]
    assert ws["A1"].value == "Monthly scores · 2026-10"
    assert ws["A2"].value == notes[0]
    assert ws.freeze_panes == "A5"  # title, note, a blank row, the header
    header, *rows = [list(r) for r in ws.iter_rows(min_row=4, values_only=True)]
    assert header[0] == "Name"
    assert rows == [["=1+2", 1], ["小美", 2]]
    assert ws["A5"].quotePrefix and not ws["A6"].quotePrefix
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]
