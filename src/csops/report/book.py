"""What a workbook is made of, as its builders declare it: sheets (`BookSheet`) and the
bar charts drawn from them (`Chart`). `csops.report.workbook` writes them and
`csops.report.charts` draws the charts."""

from __future__ import annotations

from dataclasses import dataclass, field

from csops.report.cells import Sheet
from csops.report.detail import CsvPart

LEVEL_COLOURS = {
    "ok": "#70AD47",
    "warning": "#FFC000",
    "punishment": "#E0533D",
    "serious": "#C00000",
}


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
    # colour_by's values → their names, for the legend of the colours under the chart.
    legend: dict[str, str] = field(default_factory=dict)


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
    # Rows at the end that sum up the others (a 合计 row): outside the filter's range, so
    # sorting or filtering the sheet leaves them at the bottom.
    total_rows: int = 0

    @property
    def rows(self) -> int:
        return len(self.sheet.frame)
