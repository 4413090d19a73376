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

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from csops.report.detail import CsvPart
from csops.report.labels import label
from csops.report.output import Column, ColumnType, Sheet, _plain, cell_text

MONEY = "#,##0.00"
NUMBER_FORMATS: dict[ColumnType, str] = {
    "money": MONEY,
    "rate": "0.0%",
    "datetime": "yyyy-mm-dd hh:mm:ss",
    "date": "yyyy-mm-dd",
    "seconds": "0.0",
    "int": "0",
    "number": "General",
}
# Row styles of report sheets (Rich style names) → fill colour and font.
FILLS = {
    "yellow": "#FFF2CC",
    "red": "#F8CBAD",
    "bold red": "#F4B084",
    "green": "#E2EFDA",
}
LEVEL_COLOURS = {
    "ok": "#70AD47",
    "warning": "#FFC000",
    "punishment": "#E0533D",
    "serious": "#C00000",
}
HEADER_FILL = "#DDEBF7"
BORDER = "#BFBFBF"
TITLE: dict[str, Any] = {"bold": True, "size": 14, "border": 0, "valign": "vcenter"}
MAX_WIDTH = 48  # characters; longer text wraps in the cell
ROW_PX = 20  # XlsxWriter's default row height, for placing charts
PAGE_ROWS = 30  # rows of ROW_PX that fit on a landscape A4 page (margins 0.4")
EXCEL_ROWS = 1_048_576
_BAD_NAME = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Chart:
    """A horizontal bar chart of some columns of a sheet, one bar per row (staff member)."""

    title: str  # label key
    category: str  # column key whose values name the bars
    values: list[str]  # column keys, one series each
    rows: int | None = None  # chart the first `rows` data rows (None: all)
    colour_by: str | None = None  # a frame column of level ids: each bar in its level colour
    palette: dict[str, str] = field(default_factory=lambda: dict(LEVEL_COLOURS))
    axis_title: str | None = None  # label key of the value axis


@dataclass
class BookSheet:
    sheet: Sheet
    tab: str | None = None  # label key of the sheet's tab (default: sheet.key)
    notes: list[str] = field(default_factory=list)
    freeze_columns: int = 0
    formats: dict[str, str] = field(default_factory=dict)  # column key → Excel number format
    charts: list[Chart] = field(default_factory=list)
    csv_name: str | None = None  # `<stem>.<csv_name>.csv` when the rows go beside the book
    # The CSV files the rows went to (set by the caller): one, or more when Excel would
    # not open them in one (`detail.part_bounds`).
    moved_to: list[CsvPart] | None = None

    @property
    def rows(self) -> int:
        return len(self.sheet.frame)


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
        target: Path,
        lang: str,
        *,
        title: str,
        created: datetime,
        detail_limit: int,
        first_tab: str,
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
        self.book = xlsxwriter.Workbook(str(target), options)
        self.book.set_properties({"title": title, "author": "csops", "created": created})
        self.formats = _Formats(self.book)
        self.used: set[str] = set()
        self.first_name = _tab_name(first_tab, lang, self.used)
        self.first_ws = self.book.add_worksheet(self.first_name)
        # The charts come right after the first (summary) sheet; drawn by `close`.
        self.charts_ws = self.book.add_worksheet(
            _BAD_NAME.sub("_", label("title.charts", lang))[:31]
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
        if self.placed:
            _write_charts(
                self.book, self.charts_ws, self.placed, self.lang, self.formats, self.title
            )
        else:
            self.charts_ws.hide()  # reserved, but no sheet had a chart
        self.book.close()


def _write_sheet(
    ws: Any, book_sheet: BookSheet, lang: str, formats: _Formats, title: str, limit: int
) -> int:
    """Title, notes, header and rows; returns the header's row index."""
    sheet = book_sheet.sheet
    columns = sheet.columns
    frame = sheet.frame
    widths = [_column_width(book_sheet, c, lang) for c in columns]
    ws.write_string(0, 0, f"{label(sheet.key, lang)} · {title}", formats.get(**TITLE))
    notes = list(book_sheet.notes)
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
        ws.autofilter(header_row, 0, header_row + written, len(columns) - 1)
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
    if type_ == "rate":
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


def _column_plan(
    book_sheet: BookSheet, formats: _Formats, widths: list[int], styles: list[str | None]
) -> list[tuple[pd.Series | None, dict[str | None, Any], float | None]]:
    """Per column: its values (None: not in the frame), its format per row style, the
    width its text wraps at."""
    sheet = book_sheet.sheet
    frame = sheet.frame
    plan = []
    for j, col in enumerate(sheet.columns):
        values = frame[col.key] if col.key in frame else None
        num_format = book_sheet.formats.get(col.key) or NUMBER_FORMATS.get(col.type)
        wrap = col.type == "text" and widths[j] >= MAX_WIDTH
        by_style = {s: formats.get(num_format, s or None, wrap) for s in styles}
        plan.append((values, by_style, widths[j] + 0.5 if wrap else None))
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
    listed = [_column_cells(values, n) for values, _, _ in plan]
    for i in range(n):
        row = first + i
        style = styles[i]
        lines = 1  # text lines of the row (long text wraps; the row is made taller)
        for j, (_, by_style, wrap_at) in enumerate(plan):
            kind, value = listed[j][i]
            fmt = by_style[style]
            if kind == "blank":
                ws.write_blank(row, j, None, fmt)
            elif kind == "string":
                ws.write_string(row, j, value, fmt)
                if wrap_at:
                    lines = max(lines, math.ceil(display_width(value) / wrap_at))
            elif kind == "bool":
                ws.write_boolean(row, j, value, fmt)
            elif kind == "number":
                ws.write_number(row, j, value, fmt)
            else:
                ws.write_datetime(row, j, value, fmt)
        if lines > 1:
            ws.set_row(row, _row_height(lines))


def _write_charts(
    book: Any,
    ws: Any,
    placed: list[tuple[Chart, str, BookSheet, int]],
    lang: str,
    formats: _Formats,
    title: str,
) -> None:
    """Every chart, one under the other, each on a printed page of its own; a chart of
    more rows (staff) than a page holds is drawn as several, a page each."""
    ws.write_string(0, 0, f"{label('title.charts', lang)} · {title}", formats.get(**TITLE))
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.4, bottom=0.4)
    ws.hide_gridlines(2)
    row = 2
    page_end = PAGE_ROWS
    breaks = []
    for chart_spec, sheet_name, book_sheet, header_row in placed:
        n = len(book_sheet.sheet.frame)
        n = n if chart_spec.rows is None else min(chart_spec.rows, n)
        series = len(chart_spec.values)
        per_bar = 20 if series == 1 else 13 * series  # pixels a row (staff member) takes
        per_chart = max(5, (PAGE_ROWS * ROW_PX - 140) // per_bar)
        for start in range(0, n, per_chart):
            stop = min(start + per_chart, n)
            chart = _bar_chart(
                book, chart_spec, sheet_name, book_sheet, header_row, lang, start, stop
            )
            if n > per_chart:
                name = f"{label(chart_spec.title, lang)} ({start + 1}–{stop})"
                chart.set_title({"name": name, "name_font": {"size": 12}})
            height = max(240, 110 + (stop - start) * per_bar)
            chart.set_size({"width": 760, "height": height})
            rows = math.ceil(height / ROW_PX) + 1
            if row + rows > page_end and row > 2:
                # Start a new printed page rather than cut the chart in two.
                breaks.append(row)
                page_end = row + PAGE_ROWS
            ws.insert_chart(row, 0, chart, {"x_offset": 10, "y_offset": 5})
            row += rows
    if breaks:
        ws.set_h_pagebreaks(breaks)


def _bar_chart(
    book: Any,
    spec: Chart,
    sheet_name: str,
    book_sheet: BookSheet,
    header_row: int,
    lang: str,
    start: int,
    stop: int,
) -> Any:
    """Rows start..stop (data rows, 0-based) of the sheet as horizontal bars."""
    keys = [c.key for c in book_sheet.sheet.columns]
    chart = book.add_chart({"type": "bar"})
    first, last = header_row + 1 + start, header_row + stop
    category_col = keys.index(spec.category)
    for key in spec.values:
        col = keys.index(key)
        series: dict[str, Any] = {
            "name": label(key, lang),
            "categories": [sheet_name, first, category_col, last, category_col],
            "values": [sheet_name, first, col, last, col],
            "data_labels": {"value": True, "num_format": _chart_format(book_sheet, key)},
            "gap": 60,
        }
        if spec.colour_by is not None and len(spec.values) == 1:
            levels = book_sheet.sheet.frame[spec.colour_by].iloc[start:stop]
            series["points"] = [
                {"fill": {"color": spec.palette.get(str(lv), "#5B9BD5")}} for lv in levels
            ]
        chart.add_series(series)
    chart.set_title({"name": label(spec.title, lang), "name_font": {"size": 12}})
    # The first row on top, its name left of the plot even beside a negative bar, and
    # the value axis at the bottom.
    chart.set_y_axis(
        {"reverse": True, "label_position": "low", "crossing": "max", "num_font": {"size": 9}}
    )
    x_axis: dict[str, Any] = {"major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}
    if spec.axis_title:
        x_axis["name"] = label(spec.axis_title, lang)
    chart.set_x_axis(x_axis)
    chart.set_legend({"none": True} if len(spec.values) == 1 else {"position": "bottom"})
    return chart


def _chart_format(book_sheet: BookSheet, key: str) -> str:
    column = next(c for c in book_sheet.sheet.columns if c.key == key)
    fmt = book_sheet.formats.get(key) or NUMBER_FORMATS.get(column.type) or "General"
    return "0.0" if fmt == "General" else fmt
