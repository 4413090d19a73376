"""Write reports: Rich table to the terminal, JSON, CSV or xlsx to stdout or a file.

Files are written atomically (`report.files`). Text from input files is written inert
(`report.cells.inert`): CSV cells starting with = + - @ tab or CR get a leading `'` (OWASP
CSV injection), and XlsxWriter never turns strings into formulas. CSV has one writer,
`report.detail`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from rich.console import Console
from rich.table import Table

from csops.errors import UsageError
from csops.report.cells import (  # noqa: F401 (the writers' names, re-exported)
    DANGEROUS_PREFIXES,
    Column,
    ColumnType,
    Sheet,
    _plain,
    cell_text,
    inert,
)
from csops.report.detail import write_csv
from csops.report.files import (  # noqa: F401 (re-exported)
    _remove_stale_parts,
    atomic_path,
    write_text_atomic,
)
from csops.report.labels import label

Format = Literal["table", "json", "csv", "xlsx"]


@dataclass
class Report:
    document: dict[str, Any]  # the JSON document (keys: English canonical names)
    sheets: list[Sheet]
    notes: list[str] = field(default_factory=list)  # printed under the table


# ---------------------------------------------------------------- renderers


def render_table(report: Report, lang: str, console: Console) -> None:
    # The period the figures are of, in the title: a month taken by default is never silent.
    period = report.document.get("month") or report.document.get("period")
    for sheet in report.sheets[:1]:
        title = label(sheet.key, lang) + (f" · {period}" if isinstance(period, str) else "")
        table = Table(title=title, header_style="bold", title_style="bold")
        for col in sheet.columns:
            numeric = col.type not in ("text", "datetime", "date")
            table.add_column(label(col.key, lang), justify="right" if numeric else "left")
        frame, n = sheet.frame, len(sheet.frame)
        cells = [frame[c.key].tolist() if c.key in frame else [None] * n for c in sheet.columns]
        styles = [None] * n if sheet.styles is None else sheet.styles.tolist()
        for i in range(n):
            texts = (cell_text(cells[j][i], c.type) for j, c in enumerate(sheet.columns))
            table.add_row(*texts, style=styles[i])
        console.print(table)
    for note in report.notes:
        console.print(note, markup=False, highlight=False)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, default=_json_default) + "\n"


_FILLS = {"red": "#F8CBAD", "yellow": "#FFF2CC", "bold red": "#F4B084", "green": "#E2EFDA"}


def write_xlsx(report: Report, lang: str, target: Path) -> None:
    import xlsxwriter

    # Built in memory, written in one go at the end: a run killed while the workbook is
    # built (the slow part) leaves no file at all; XlsxWriter makes no temporary files.
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
            "in_memory": True,
        },
    )
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    formats = {
        "money": workbook.add_format({"num_format": "#,##0.00"}),
        "rate": workbook.add_format({"num_format": "0.0%"}),
        "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "number": workbook.add_format({"num_format": "0.##"}),
        "seconds": workbook.add_format({"num_format": "0.0"}),
    }
    used: set[str] = set()
    for sheet in report.sheets:
        name = label(sheet.key, lang)[:31]
        while name in used:
            name = name[:28] + f"~{len(used)}"
        used.add(name)
        ws = workbook.add_worksheet(name)
        _write_sheet(workbook, ws, sheet, lang, header, formats)
    workbook.close()
    with atomic_path(target) as tmp:
        tmp.write_bytes(buffer.getvalue())


def _write_sheet(
    workbook: Any, ws: Any, sheet: Sheet, lang: str, header: Any, formats: dict[str, Any]
) -> None:
    fills = {s: workbook.add_format({"bg_color": c}) for s, c in _FILLS.items()}
    quoted: dict[int, Any] = {}  # id(format) → the same format with Excel's quote prefix
    widths = []
    for j, col in enumerate(sheet.columns):
        title = label(col.key, lang)
        ws.write_string(0, j, title, header)
        widths.append(max(8, len(title.encode("gbk", "replace")) + 2))
    frame = sheet.frame
    n = len(frame)
    # Whole columns as Python lists once: a pandas lookup per cell costs 10× the writing.
    cells = [frame[c.key].tolist() if c.key in frame else [None] * n for c in sheet.columns]
    row_styles = [None] * n if sheet.styles is None else sheet.styles.tolist()
    for i in range(n):
        style = row_styles[i]
        for j, col in enumerate(sheet.columns):
            value = _plain(cells[j][i])
            fmt = formats.get(col.type)
            if style in fills and j == 0:
                fmt = fills[style]
            if value is None:
                ws.write_blank(i + 1, j, None, fmt)
            elif isinstance(value, str):
                if value.startswith(DANGEROUS_PREFIXES):
                    # Text, and it stays text when someone edits the cell (F2, Enter).
                    fmt = quoted.get(id(fmt)) or quoted.setdefault(
                        id(fmt), _quote_prefixed(workbook, fmt)
                    )
                ws.write_string(i + 1, j, value, fmt)
                widths[j] = max(widths[j], min(60, len(value.encode("gbk", "replace")) + 2))
            elif isinstance(value, bool):
                ws.write_boolean(i + 1, j, value, fmt)
            elif isinstance(value, Decimal | int | float):
                ws.write_number(i + 1, j, float(value), fmt)
            elif isinstance(value, datetime | date):
                ws.write_datetime(i + 1, j, value, fmt)
            else:
                ws.write_string(i + 1, j, str(value), fmt)
    for j, width in enumerate(widths):
        ws.set_column(j, j, min(width, 60))
    ws.freeze_panes(1, 0)
    if len(frame):
        ws.autofilter(0, 0, len(frame), len(sheet.columns) - 1)


def _quote_prefixed(workbook: Any, fmt: Any) -> Any:
    """A new format like `fmt` (or plain) with the quote prefix (Excel's leading `'`)."""
    quoted = workbook.add_format({"quote_prefix": True})
    if fmt is not None:
        for name in ("num_format", "bg_color"):
            value = getattr(fmt, name, None)
            if value:
                getattr(quoted, f"set_{name}")(value)
    return quoted


def emit(
    report: Report,
    fmt: Format,
    out: Path | None,
    lang: str,
    console: Console,
    stdout_write: Callable[[str], Any] | None = None,
) -> None:
    """Print or write `report` in `fmt`; files are written atomically."""
    write = stdout_write or console.file.write
    if fmt == "table":
        if out is not None:
            buffer = io.StringIO()
            render_table(report, lang, Console(file=buffer, width=160, color_system=None))
            write_text_atomic(out, buffer.getvalue())
        else:
            render_table(report, lang, console)
    elif fmt == "json":
        text = to_json(report.document)
        if out is not None:
            write_text_atomic(out, text)
        else:
            write(text)
    elif fmt == "csv":
        buffer = io.StringIO()
        write_csv(report.sheets[0], lang, buffer)
        if out is not None:
            write_text_atomic(out, buffer.getvalue(), encoding="utf-8-sig")
        else:
            write(buffer.getvalue())
    elif fmt == "xlsx":
        if out is None:
            raise UsageError(
                "--format xlsx needs --out FILE.xlsx (a workbook cannot go to the terminal)"
            )
        write_xlsx(report, lang, out)
    else:  # pragma: no cover - Typer restricts the choices
        raise UsageError(f"unsupported format {fmt!r}; expected one of: table, json, csv, xlsx")


def sheets_by_key(sheets: Sequence[Sheet]) -> dict[str, Sheet]:
    return {s.key: s for s in sheets}
