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
from rich.cells import cell_len
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


# Text columns that may wrap in a narrow terminal (a title, a detail, a note); every other
# column — money, counts, times, IDs, names — is never cut.
_WRAPPABLE = {"title", "detail", "note", "notes", "problems", "value", "memo", "reason", "reasons",
              "tier", "key", "candidates", "from", "range"}  # fmt: skip
_WRAP_MIN = 12  # the narrowest a wrappable column gets
_COLUMN_EXTRA = 3  # a column's padding and border in a Rich table


def _fit(widths: list[int], wrappable: list[bool], lead: list[bool], room: int) -> list[int]:
    """Which columns fit in `room`, shown in their order: first the first two (who), then
    the `lead` ones (the results), then the others that are never cut, in order, until
    one does not fit; then the wrappable ones that still fit at their narrowest."""
    first = [j for j in range(min(2, len(widths)))]
    order = first + [j for j in range(len(widths)) if lead[j] and j not in first]
    order += [j for j in range(len(widths)) if j not in order and not wrappable[j]]
    used = 1  # the table's left border
    shown: list[int] = []
    for j in order:
        # A lead column that wraps (inspect's 问题) takes its narrowest.
        need = (min(widths[j], _WRAP_MIN) if wrappable[j] else widths[j]) + _COLUMN_EXTRA
        if used + need > room and len(shown) >= 2:
            break
        shown.append(j)
        used += need
    for j, width in enumerate(widths):
        need = min(width, _WRAP_MIN) + _COLUMN_EXTRA
        if wrappable[j] and j not in shown and used + need <= room:
            shown.append(j)
            used += need
    return sorted(shown)


def render_table(report: Report, lang: str, console: Console) -> None:
    """The report's first sheet as a table that fits the console: a money, ID or name
    cell is never cut; when the columns do not fit, the first ones are shown and a note
    says which were left out and how to see them."""
    # The period the figures are of, in the title: a month taken by default is never silent.
    period = _period_of(report.document)
    notes = list(report.notes)
    for sheet in report.sheets[:1]:
        title = label(sheet.key, lang) + (f" · {period}" if period else "")
        frame, n = sheet.frame, len(sheet.frame)
        cells = [frame[c.key].tolist() if c.key in frame else [None] * n for c in sheet.columns]
        # Text, never markup: a buyer nick `[/bold]` or `[link=…]` is shown as written.
        texts = [
            [visible(cell_text(v, c.type)) for v in column]
            for column, c in zip(cells, sheet.columns, strict=True)
        ]
        heads = [visible(label(c.key, lang)) for c in sheet.columns]
        widths = [
            max([cell_len(h), *(cell_len(x) for x in column)])
            for h, column in zip(heads, texts, strict=True)
        ]
        wrappable = [
            c.type == "text" and c.key.rsplit(".", 1)[-1] in _WRAPPABLE for c in sheet.columns
        ]
        lead = [c.lead for c in sheet.columns]
        shown = _fit(widths, wrappable, lead, console.width)
        table = Table(title=Text(title), header_style="bold", title_style="bold")
        for j in shown:
            col = sheet.columns[j]
            numeric = col.type not in ("text", "datetime", "date")
            table.add_column(
                Text(heads[j]),
                justify="right" if numeric else "left",
                no_wrap=not wrappable[j],
                overflow="fold",
                min_width=min(widths[j], _WRAP_MIN) if wrappable[j] else widths[j],
            )
        styles = [None] * n if sheet.styles is None else sheet.styles.tolist()
        for i in range(n):
            table.add_row(*(Text(texts[j][i]) for j in shown), style=styles[i])
        console.print(table)
        if len(shown) < len(sheet.columns):
            left = [h for j, h in enumerate(heads) if j not in set(shown)]
            notes.insert(
                0,
                label("note.columns_left_out", lang).format(
                    count=len(left), columns="、".join(left) if lang == "zh" else ", ".join(left)
                ),
            )
    for note in notes:
        say(console, note)


def file_console(buffer: io.StringIO) -> Console:
    """A console for a table written to a file: as wide as the widest table needs (no
    terminal to fit), so every column is there."""
    return Console(file=buffer, width=FILE_WIDTH, color_system=None)


FILE_WIDTH = 1000


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
            render_table(report, lang, file_console(buffer))
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
