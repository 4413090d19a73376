"""Write reports: Rich table to the terminal, JSON, CSV or xlsx to stdout or a file.

Files are written atomically (`report.files`). Text from input files is written inert
(`report.cells.inert`): CSV cells starting with = + - @ tab or CR get a leading `'` (OWASP
CSV injection), and XlsxWriter never turns strings into formulas. CSV has one writer,
`report.detail`.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from csops.errors import UsageError
from csops.report.cells import (  # noqa: F401 (the writers' names, re-exported)
    DANGEROUS_PREFIXES,
    Column,
    ColumnType,
    Sheet,
    _plain,
    cell_text,
    inert,
    visible,
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
    period = _period_of(report.document)
    for sheet in report.sheets[:1]:
        title = label(sheet.key, lang) + (f" · {period}" if period else "")
        table = Table(title=Text(title), header_style="bold", title_style="bold")
        for col in sheet.columns:
            numeric = col.type not in ("text", "datetime", "date")
            table.add_column(
                Text(visible(label(col.key, lang))), justify="right" if numeric else "left"
            )
        frame, n = sheet.frame, len(sheet.frame)
        cells = [frame[c.key].tolist() if c.key in frame else [None] * n for c in sheet.columns]
        styles = [None] * n if sheet.styles is None else sheet.styles.tolist()
        for i in range(n):
            # Text, never markup: a buyer nick `[/bold]` or `[link=…]` is shown as written.
            texts = (
                Text(visible(cell_text(cells[j][i], c.type))) for j, c in enumerate(sheet.columns)
            )
            table.add_row(*texts, style=styles[i])
        console.print(table)
    for note in report.notes:
        say(console, note)


def say(console: Console, message: str, style: str | None = None, prefix: str = "") -> None:
    """A note, warning or error line: text, never markup, control characters escaped."""
    head = Text.assemble((prefix, style or ""), " ") if prefix else Text("")
    console.print(Text.assemble(head, visible(message)), soft_wrap=True, highlight=False)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _finite(value: Any) -> Any:
    """The document with every NaN or infinite number as null: JSON has no NaN, and a
    reader must never meet `NaN` where a figure should be."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def to_json(document: dict[str, Any]) -> str:
    text = json.dumps(
        _finite(document), ensure_ascii=False, indent=2, default=_json_default, allow_nan=False
    )
    return text + "\n"


def _period_of(document: dict[str, Any]) -> str:
    period = document.get("month") or document.get("period")
    return period if isinstance(period, str) else ""


def write_xlsx(report: Report, lang: str, target: Path) -> None:
    """The report as a workbook, by the one workbook writer (`report.workbook`); its
    notes under the first sheet's title; dated the end of its period (the same data gives
    the same bytes)."""
    from csops.report.workbook import write_report

    period = _period_of(report.document)
    as_of = report.document.get("as_of")
    created = datetime.now()
    try:
        moment = pd.Period(period).end_time if period else pd.Timestamp(str(as_of))
        if not pd.isna(moment):
            created = moment.to_pydatetime()
    except (ValueError, TypeError):
        pass
    title = period or (f"{as_of}" if as_of else "")
    write_report(
        report.sheets, report.notes, lang, target, title=title,
        created=created.replace(microsecond=0),
    )  # fmt: skip


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
