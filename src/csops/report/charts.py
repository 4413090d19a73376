"""Bar charts of a workbook's sheets, drawn on its Charts sheet (XlsxWriter's public API).

A sheet declares its `Chart`s; `write_charts` draws every one, one under the other, a
printed page each, with its data taken from the sheet that declares it."""

from __future__ import annotations

import math
from typing import Any

from csops.report.book import BookSheet, Chart
from csops.report.cells import NUMBER_FORMATS
from csops.report.labels import label

ROW_PX = 20  # XlsxWriter's default row height, for placing charts
PAGE_ROWS = 30  # rows of ROW_PX that fit on a landscape A4 page (margins 0.4")


def write_charts(
    book: Any,
    ws: Any,
    placed: list[tuple[Chart, str, BookSheet, int]],
    lang: str,
    title_format: Any,
    title: str,
) -> None:
    """Every chart, one under the other, each on a printed page of its own; a chart of
    more rows (staff) than a page holds is drawn as several, a page each."""
    ws.write_string(0, 0, f"{label('title.charts', lang)} · {title}", title_format)
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
