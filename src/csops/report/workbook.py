"""The rich Excel workbook of `csops monthly` (XlsxWriter): titled sheets, frozen headers,
filters, widths, number formats, level colours and bar charts.

A workbook is written by a `WorkbookWriter` one `BookSheet` at a time, as the month-end
run builds its sections; each wraps a report `Sheet` (frame + columns + row styles) and
may carry notes (written under the title), frozen columns, Excel number formats per
column and `Chart`s. The first sheet (the summary, made from all the others) and a Charts
sheet after it are reserved when the writer opens and filled when it closes; every chart
is drawn on the Charts sheet, with its data taken from the sheet that declares it, so
adding a sheet with a chart to the workbook is one more `BookSheet`. Every cell goes
through XlsxWriter's public `write_*` methods (about 20 µs a cell, its XML included):
what keeps a workbook quick is that it holds what a person reads, and detail beyond
`detail_limit` rows goes to CSV.

A row-level detail sheet (one with a `csv_name`) longer than `detail_limit` rows is not
put in the workbook: the caller writes its rows to a CSV file beside it
(`<workbook stem>.<csv_name>.csv`, UTF-8 with BOM, see `csops.report.detail`) and sets
`moved_to`; the sheet then holds only a note saying where they went, so Excel's
1,048,576-row limit is never reached.

Text from input files is written inert: XlsxWriter's strings_to_formulas / urls / numbers
are off, so a cell `=HYPERLINK(…)` stays text. The workbook's created/modified date is a
fixed moment given by the caller (the end of the month), never the time of the run, and
XlsxWriter stamps the zip entries with a fixed 1980 date: the same data gives the same
bytes.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from csops.messages import localize
from csops.report.book import BookSheet, Chart
from csops.report.cells import (
    DANGEROUS_PREFIXES,
    NUMBER_FORMATS,
    Column,
    ColumnType,
    Sheet,
    _plain,
    cell_text,
)
from csops.report.charts import write_charts
from csops.report.detail import CsvPart
from csops.report.files import atomic_path
from csops.report.labels import label

# Row styles of report sheets (Rich style names) → fill colour and font.
FILLS = {
    "yellow": "#FFF2CC",
    "red": "#F8CBAD",
    "bold red": "#F4B084",
    "green": "#E2EFDA",
}
HEADER_FILL = "#DDEBF7"
BORDER = "#BFBFBF"
TITLE: dict[str, Any] = {"bold": True, "size": 14, "border": 0, "valign": "vcenter"}
MAX_WIDTH = 48  # characters; longer text wraps in the cell
EXCEL_ROWS = 1_048_576
_BAD_NAME = re.compile(r"[\[\]:*?/\\]")


def csv_path(workbook: Path, csv_name: str) -> Path:
    return workbook.with_name(f"{workbook.stem}.{csv_name}.csv")


def display_width(text: str) -> int:
    """Columns a text takes in Excel: CJK and full-width characters count twice."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


# ---------------------------------------------------------------- formats


class _Formats:
    """XlsxWriter formats, made once per combination."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.cache: dict[tuple[Any, ...], Any] = {}

    def get(
        self,
        num_format: str | None = None,
        style: str | None = None,
        wrap: bool = False,
        **extra: Any,
    ) -> Any:
        key = (num_format, style, wrap, tuple(sorted(extra.items())))
        if key not in self.cache:
            props: dict[str, Any] = {"valign": "top", "border": 1, "border_color": BORDER}
            if num_format:
                props["num_format"] = num_format
            if style in FILLS:
                props["bg_color"] = FILLS[style]
            if style in ("bold", "bold red"):
                props["bold"] = True
            if style == "dim":
                props["font_color"] = "#808080"
            if wrap:
                props["text_wrap"] = True
            props.update(extra)
            self.cache[key] = self.workbook.add_format(props)
        return self.cache[key]


# ---------------------------------------------------------------- writing


def _tab_name(key: str, lang: str, used: set[str]) -> str:
    """A unique tab name for the label `key` (Excel: at most 31 characters, none of
    []:*?/\\); adds it to `used`."""
    name = _BAD_NAME.sub("_", label(key, lang))[:31]
    base, n = name, 2
    while name.lower() in used:
        name = f"{base[:28]}~{n}"
        n += 1
    used.add(name.lower())
    return name


def _tab_key(book_sheet: BookSheet) -> str:
    return book_sheet.tab or book_sheet.sheet.key


class WorkbookWriter:
    """A workbook written sheet by sheet (`add`), through XlsxWriter's public API only. The
    first sheet (the summary, made from every other) and the Charts sheet after it are
    reserved when the writer opens and filled by `close`, which writes the file. The
    caller makes `target` atomic. A sheet whose rows went to a CSV file has `moved_to`
    set; it gets the note and the header only. The workbook is built in memory: a sheet
    holds at most `detail_limit` rows, the rest goes to CSV."""

    def __init__(
        self,
        target: Path | BinaryIO,
        lang: str,
        *,
        title: str,
        created: datetime,
        detail_limit: int,
        first_tab: str,
        charts: bool = True,
    ) -> None:
        import xlsxwriter

        self.lang = lang
        self.title = title
        self.limit = detail_limit
        options: dict[str, Any] = {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
            "in_memory": True,  # no temporary files left behind by a killed run
        }
        self.book = xlsxwriter.Workbook(
            target if not isinstance(target, Path) else str(target), options
        )
        self.book.set_properties({"title": title, "author": "csops", "created": created})
        self.formats = _Formats(self.book)
        self.used: set[str] = set()
        self.first_name = _tab_name(first_tab, lang, self.used)
        self.first_ws = self.book.add_worksheet(self.first_name)
        # The charts come right after the first (summary) sheet; drawn by `close`.
        self.charts_ws = (
            self.book.add_worksheet(_BAD_NAME.sub("_", label("title.charts", lang))[:31])
            if charts
            else None
        )
        self.placed: list[tuple[Chart, str, BookSheet, int]] = []  # chart, tab, sheet, header row

    def add(self, book_sheet: BookSheet) -> None:
        """Write one sheet now, after those added before it."""
        name = _tab_name(_tab_key(book_sheet), self.lang, self.used)
        self.placed += self._write(self.book.add_worksheet(name), name, book_sheet)

    def _write(
        self, ws: Any, name: str, book_sheet: BookSheet
    ) -> list[tuple[Chart, str, BookSheet, int]]:
        """Write the sheet; returns its charts, placed on its data."""
        if book_sheet.moved_to is None and book_sheet.rows > EXCEL_ROWS - 100:
            raise ValueError(f"{book_sheet.sheet.key}: {book_sheet.rows} rows; write them as CSV")
        header_row = _write_sheet(ws, book_sheet, self.lang, self.formats, self.title, self.limit)
        if book_sheet.moved_to is not None:
            return []
        return [(chart, name, book_sheet, header_row) for chart in book_sheet.charts]

    def close(self, first: BookSheet) -> None:
        """Write the first sheet (its charts before the others') and the charts; save."""
        first_charts = self._write(self.first_ws, self.first_name, first)
        self.placed[:0] = first_charts
        if self.charts_ws is None:
            pass
        elif self.placed:
            title_format = self.formats.get(**TITLE)
            write_charts(
                self.book, self.charts_ws, self.placed, self.lang, title_format, self.title
            )
        else:
            self.charts_ws.hide()  # reserved, but no sheet had a chart
        from xlsxwriter.exceptions import FileCreateError

        try:
            self.book.close()
        except FileCreateError as exc:  # XlsxWriter's wrapper of the OSError (disk full …)
            cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else None
            raise cause or OSError(str(exc)) from None


def _write_sheet(
    ws: Any, book_sheet: BookSheet, lang: str, formats: _Formats, title: str, limit: int
) -> int:
    """Title, notes, header and rows; returns the header's row index."""
    sheet = book_sheet.sheet
    columns = sheet.columns
    frame = sheet.frame
    widths = [_column_width(book_sheet, c, lang) for c in columns]
    heading = label(sheet.key, lang) + (f" · {title}" if title else "")
    ws.write_string(0, 0, heading, formats.get(**TITLE))
    notes = [localize(note, lang) for note in book_sheet.notes]
    if book_sheet.moved_to is not None:
        notes.insert(0, _moved_note(book_sheet, book_sheet.moved_to, lang, limit))
    # Notes wrap inside the table's width: text running past it would widen every page.
    span = max(len(columns), 1)
    room = max(sum(widths), 60)
    if span == 1:
        ws.set_column(0, 0, max(widths[0] if widths else 0, 60))
    note_format = formats.get(font_color="#595959", text_wrap=True, border=0)
    for i, note in enumerate(notes):
        lines = sum(max(1, math.ceil(display_width(part) / room)) for part in note.split("\n"))
        if span > 1:
            ws.merge_range(1 + i, 0, 1 + i, span - 1, note, note_format)
        else:
            ws.write_string(1 + i, 0, note, note_format)
        ws.set_row(1 + i, 15 * lines + 2)
    header_row = 2 + len(notes)
    header_format = formats.get(
        bold=True, bg_color=HEADER_FILL, border=1, border_color=BORDER, text_wrap=True,
        valign="vcenter",
    )  # fmt: skip
    header_lines = 1
    for j, col in enumerate(columns):
        text = label(col.key, lang)
        header_lines = max(header_lines, math.ceil(display_width(text) / max(widths[j] - 1, 1)))
        ws.write_string(header_row, j, text, header_format)
        ws.set_column(j, j, widths[j] + 1)
    ws.set_row(header_row, 15 * min(header_lines, 4) + 6)
    written = 0
    if book_sheet.moved_to is None:
        _write_rows(ws, book_sheet, header_row + 1, formats, widths)
        written = len(frame)
    ws.freeze_panes(header_row + 1, book_sheet.freeze_columns)
    if len(columns):
        filtered = written - (book_sheet.total_rows if written else 0)
        ws.autofilter(header_row, 0, header_row + filtered, len(columns) - 1)
    _page_setup(ws, sum(w + 1 for w in widths), book_sheet.freeze_columns)
    ws.repeat_rows(header_row)
    return header_row


def _moved_note(book_sheet: BookSheet, parts: list[CsvPart], lang: str, limit: int) -> str:
    """Where the rows went: the file, or each file with the first column's first and last
    value in it (which staff member's waits are in which file)."""
    rows, limit_text = f"{book_sheet.rows:,}", f"{limit:,}"
    if len(parts) == 1:
        return label("monthly.detail_csv", lang).format(
            rows=rows, limit=limit_text, file=parts[0].name
        )
    first = book_sheet.sheet.columns[0]
    values = book_sheet.sheet.frame[first.key] if first.key in book_sheet.sheet.frame else None
    key = label(first.key, lang)
    lines = [
        label("monthly.detail_csv_parts", lang).format(
            rows=rows, limit=limit_text, count=len(parts), key=key
        )
    ]
    for part in parts:
        span = (
            ""
            if values is None
            else label("monthly.detail_csv_span", lang).format(
                key=key,
                first=cell_text(values.iloc[part.start], first.type) or "—",
                last=cell_text(values.iloc[part.stop - 1], first.type) or "—",
            )
        )
        lines.append(f"{part.name}: {part.stop - part.start:,} {label('monthly.rows', lang)}{span}")
    return "\n".join(lines)


def _page_setup(ws: Any, total_width: int, freeze_columns: int) -> None:
    """A4 landscape; one page wide up to 200 characters of columns, else as many pages
    wide as keep the text readable, with 工号/姓名 repeated on each of them."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    pages = 1 if total_width <= 200 else math.ceil(total_width / 170)
    ws.fit_to_pages(pages, 0)
    if pages > 1 and freeze_columns:
        ws.repeat_columns(0, freeze_columns - 1)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.hide_gridlines(2)  # the table has its own borders


def _column_width(book_sheet: BookSheet, column: Column, lang: str) -> int:
    """Characters: the values' width; a number's header may wrap on two lines."""
    frame = book_sheet.sheet.frame
    override = book_sheet.formats.get(column.key)
    if override is not None and column.type in ("datetime", "date"):
        data = len(override) + 1
    else:
        data = _data_width(frame[column.key], column.type) if column.key in frame else 4
    text = label(column.key, lang)
    head = display_width(text)
    wrapped = math.ceil(head / 2) + 1 if column.type != "text" else min(head, 12)
    # A header wraps between words, never inside one ("Conversat|ions").
    word = max((display_width(w) for w in text.split()), default=0) + 1
    return min(max(data, wrapped, word, 6), MAX_WIDTH)


def _data_width(values: pd.Series, type_: ColumnType) -> int:
    """The width the column's values need (from a sample of them)."""
    if type_ == "datetime":
        return 19
    if type_ == "date":
        return 10
    if type_ in ("rate", "percent"):
        return 7
    sample = _first_values(values, 2000)
    if type_ in ("money", "seconds", "int", "number"):
        numbers = pd.to_numeric(sample.map(_plain), errors="coerce").dropna()
        if numbers.empty:
            return 4
        biggest = float(numbers.abs().max())
        text = f"{biggest:,.2f}" if type_ == "money" else f"{biggest:.1f}"
        return len(text) + 2
    texts = sample.astype(str)
    if texts.empty:
        return 4
    return max(display_width(t) for t in texts.drop_duplicates().head(500)) + 1


@dataclass
class _ColumnPlan:
    values: pd.Series | None  # None: the column is not in the frame
    by_style: dict[str | None, Any]  # the cell format per row style
    quoted: dict[str | None, Any]  # the same with Excel's quote prefix (formula-like text)
    wrap_at: float | None  # the width its text wraps at


def _column_plan(
    book_sheet: BookSheet, formats: _Formats, widths: list[int], styles: list[str | None]
) -> list[_ColumnPlan]:
    sheet = book_sheet.sheet
    frame = sheet.frame
    plan = []
    for j, col in enumerate(sheet.columns):
        values = frame[col.key] if col.key in frame else None
        num_format = book_sheet.formats.get(col.key) or NUMBER_FORMATS.get(col.type)
        wrap = col.type == "text" and widths[j] >= MAX_WIDTH
        by_style = {s: formats.get(num_format, s or None, wrap) for s in styles}
        quoted = {s: formats.get(num_format, s or None, wrap, quote_prefix=True) for s in styles}
        plan.append(_ColumnPlan(values, by_style, quoted, widths[j] + 0.5 if wrap else None))
    return plan


def _cell(value: Any) -> tuple[str, Any]:
    """A cell's kind (blank, string, bool, number, datetime) and the value to write."""
    value = _plain(value)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "blank", None
    if isinstance(value, str):
        return "string", value
    if isinstance(value, bool):
        return "bool", value
    if isinstance(value, Decimal | int | float):
        return "number", float(value)
    if isinstance(value, datetime | date):
        return "datetime", value
    return "string", str(value)


_BLANK = ("blank", None)


def _column_cells(values: pd.Series | None, n: int) -> list[tuple[str, Any]]:
    """Each row's `_cell` of one column, worked out a column at a time: numbers and times
    by their dtype, anything else once per distinct value."""
    if values is None:
        return [_BLANK] * n
    dtype = values.dtype
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        numbers = values.to_numpy(dtype="float64", na_value=np.nan).tolist()
        return [("number", x) if math.isfinite(x) else _BLANK for x in numbers]
    if pd.api.types.is_datetime64_dtype(dtype):
        stamps = values.dt.to_pydatetime().tolist()
        return [_BLANK if pd.isna(x) else ("datetime", x) for x in stamps]
    seen: dict[Any, tuple[str, Any]] = {}
    out = []
    for value in values.tolist():
        try:
            cell = seen.get(value)
            if cell is None:
                cell = seen[value] = _cell(value)
        except TypeError:  # an unhashable value
            cell = _cell(value)
        out.append(cell)
    return out


def _row_height(lines: int) -> float:
    """Points of a row whose longest text wraps on `lines` lines (at most 8 shown)."""
    return 15 * min(lines, 8) + 2


def _first_values(values: pd.Series, count: int) -> pd.Series:
    """The first `count` values that are not missing, without scanning a long column
    (a detail sheet's column may hold millions of rows)."""
    stop = 2 * count
    while True:
        sample = values.iloc[:stop].dropna()
        if len(sample) >= count or stop >= len(values):
            return sample.head(count)
        stop *= 8


def _write_rows(
    ws: Any, book_sheet: BookSheet, first: int, formats: _Formats, widths: list[int]
) -> None:
    """The data rows, cell by cell through XlsxWriter's public `write_*` methods."""
    frame = book_sheet.sheet.frame
    n = len(frame)
    styles = [None] * n if book_sheet.sheet.styles is None else list(book_sheet.sheet.styles)
    plan = _column_plan(book_sheet, formats, widths, list(dict.fromkeys(styles)))
    listed = [_column_cells(column.values, n) for column in plan]
    for i in range(n):
        row = first + i
        style = styles[i]
        lines = 1  # text lines of the row (long text wraps; the row is made taller)
        for j, column in enumerate(plan):
            kind, value = listed[j][i]
            fmt = column.by_style[style]
            if kind == "blank":
                ws.write_blank(row, j, None, fmt)
            elif kind == "string":
                if value.startswith(DANGEROUS_PREFIXES):
                    # Text, and it stays text when someone edits the cell (F2, Enter).
                    fmt = column.quoted[style]
                ws.write_string(row, j, value, fmt)
                if column.wrap_at:
                    lines = max(lines, math.ceil(display_width(value) / column.wrap_at))
            elif kind == "bool":
                ws.write_boolean(row, j, value, fmt)
            elif kind == "number":
                ws.write_number(row, j, value, fmt)
            else:
                ws.write_datetime(row, j, value, fmt)
        if lines > 1:
            ws.set_row(row, _row_height(lines))


def write_report(
    sheets: list[Sheet],
    notes: list[str],
    lang: str,
    target: Path,
    *,
    title: str,
    created: datetime,
) -> None:
    """A command's report as a workbook (`--format xlsx`): a sheet per report sheet, laid
    out as the month-end workbook's (title, the report's notes under the first sheet's
    title, frozen header, filter). Built in memory and written in one go at the end: a
    run killed while the workbook is built leaves no file at all."""
    buffer = io.BytesIO()
    writer = WorkbookWriter(
        buffer,
        lang,
        title=title,
        created=created,
        detail_limit=EXCEL_ROWS,
        first_tab=sheets[0].key,
        charts=False,
    )
    for sheet in sheets[1:]:
        writer.add(BookSheet(sheet))
    writer.close(BookSheet(sheets[0], notes=list(notes)))
    with atomic_path(target) as tmp:
        tmp.write_bytes(buffer.getvalue())
