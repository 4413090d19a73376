"""Bar charts of a workbook's sheets, drawn on its Charts sheet (XlsxWriter's public API).

A sheet declares its `Chart`s; `write_charts` draws every one, two side by side to a
printed page's row, the bars sorted highest first. Each chart's data — the sheet's
values, sorted — is written in hidden columns of the Charts sheet, so the sheet that
declares it keeps its own order; a chart coloured by level has its legend under it."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pandas as pd

from csops.report.book import BookSheet, Chart
from csops.report.cells import NUMBER_FORMATS
from csops.report.labels import label

ROW_PX = 20  # XlsxWriter's default row height, for placing charts
PAGE_ROWS = 30  # rows of ROW_PX that fit on a landscape A4 page (margins 0.4")
CHART_PX = 510  # a chart's width: two side by side on a landscape A4 page
GAP_PX = 16
COLUMN_PX = 64  # XlsxWriter's default column width
DATA_COLUMN = 40  # the first hidden column holding the charts' data (AO)


def write_charts(
    book: Any,
    ws: Any,
    placed: list[tuple[Chart, str, BookSheet, int]],
    lang: str,
    title_format: Any,
    title: str,
) -> None:
    """Every chart, two to a row of the page; a chart of more rows (staff) than a page
    holds is drawn as several. A pair that would not fit on the page starts a new one."""
    ws.write_string(0, 0, f"{label('title.charts', lang)} · {title}", title_format)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.4, bottom=0.4)
    ws.hide_gridlines(2)
    drawn: list[tuple[Any, int, Chart]] = []  # chart, height in rows, its spec
    column = DATA_COLUMN
    for chart_spec, _sheet_name, book_sheet, _header_row in placed:
        frame = book_sheet.sheet.frame
        n = len(frame) if chart_spec.rows is None else min(chart_spec.rows, len(frame))
        order = _sorted_rows(frame, chart_spec, n)
        series = len(chart_spec.values)
        per_bar = 20 if series == 1 else 13 * series  # pixels a row (staff member) takes
        per_chart = max(5, (PAGE_ROWS * ROW_PX - 140) // per_bar)
        for start in range(0, n, per_chart):
            rows = order[start : start + per_chart]
            chart = _bar_chart(book, ws, chart_spec, book_sheet, lang, rows, column)
            column += 1 + series
            if n > per_chart:
                name = f"{label(chart_spec.title, lang)} ({start + 1}–{start + len(rows)})"
                chart.set_title({"name": name, "name_font": {"size": 12}})
            height = max(240, 110 + len(rows) * per_bar)
            chart.set_size({"width": CHART_PX, "height": height})
            legend_rows = 1 if chart_spec.legend else 0
            drawn.append((chart, math.ceil(height / ROW_PX) + 1 + legend_rows, chart_spec))
    ws.set_column(DATA_COLUMN, max(column, DATA_COLUMN + 1), None, None, {"hidden": True})
    _place(ws, drawn, book, lang)


def _place(ws: Any, drawn: list[tuple[Any, int, Chart]], book: Any, lang: str) -> None:
    row, page_end, breaks = 2, PAGE_ROWS, []
    for at in range(0, len(drawn), 2):
        pair = drawn[at : at + 2]
        rows = max(h for _, h, _ in pair)
        if row + rows > page_end and row > 2:
            breaks.append(row)  # a new printed page rather than a chart cut in two
            page_end = row + PAGE_ROWS
        for slot, (chart, height, spec) in enumerate(pair):
            x = 10 + slot * (CHART_PX + GAP_PX)
            ws.insert_chart(row, 0, chart, {"x_offset": x, "y_offset": 5})
            if spec.legend:
                _legend(ws, book, spec, row + height - 1, x // COLUMN_PX)
        row += rows
    if breaks:
        ws.set_h_pagebreaks(breaks)


def _legend(ws: Any, book: Any, spec: Chart, row: int, first_column: int) -> None:
    """The colours of a chart coloured by level, one cell each, under the chart."""
    for j, (key, text) in enumerate(spec.legend.items()):
        colour = spec.palette.get(key)
        if colour is None:
            continue
        red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        dark = 0.299 * red + 0.587 * green + 0.114 * blue < 128  # white text on it
        cell = book.add_format(
            {
                "bg_color": colour,
                "font_size": 9,
                "align": "center",
                "font_color": "#FFFFFF" if dark else "#000000",
            }
        )
        ws.write_string(row, first_column + j, text, cell)


def _number(value: Any) -> float | None:
    if value is None or (not isinstance(value, Decimal) and pd.isna(value)):
        return None
    return float(value)


def _sorted_rows(frame: pd.DataFrame, spec: Chart, n: int) -> list[int]:
    """The first `n` rows, highest value (of the first series) first, missing ones last."""
    values = [_number(v) for v in frame[spec.values[0]].iloc[:n]]
    return sorted(range(n), key=lambda i: (values[i] is None, -(values[i] or 0.0), i))


def _bar_chart(
    book: Any,
    ws: Any,
    spec: Chart,
    book_sheet: BookSheet,
    lang: str,
    rows: list[int],
    column: int,
) -> Any:
    """The `rows` of the sheet as horizontal bars, their data written, in order, in the
    hidden columns `column`… of the Charts sheet (names, then a column per series)."""
    frame = book_sheet.sheet.frame
    first, last = 2, 2 + len(rows) - 1
    names = frame[spec.category]
    for k, i in enumerate(rows):
        ws.write_string(first + k, column, str(names.iloc[i]))
    chart = book.add_chart({"type": "bar"})
    chart.show_hidden_data()
    sheet = ws.get_name()
    for s, key in enumerate(spec.values, start=1):
        values = frame[key]
        for k, i in enumerate(rows):
            number = _number(values.iloc[i])
            if number is not None:
                ws.write_number(first + k, column + s, number)
        series: dict[str, Any] = {
            "name": label(key, lang),
            "categories": [sheet, first, column, last, column],
            "values": [sheet, first, column + s, last, column + s],
            "data_labels": {"value": True, "num_format": _chart_format(book_sheet, key)},
            "gap": 60,
        }
        if spec.colour_by is not None and len(spec.values) == 1:
            levels = frame[spec.colour_by]
            series["points"] = [
                {"fill": {"color": spec.palette.get(str(levels.iloc[i]), "#5B9BD5")}} for i in rows
            ]
        chart.add_series(series)
    chart.set_title({"name": label(spec.title, lang), "name_font": {"size": 12}})
    # The first (highest) row on top, its name left of the plot even beside a negative
    # bar, and the value axis at the bottom.
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
