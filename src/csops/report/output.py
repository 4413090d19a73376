"""Write reports: Rich table to the terminal, JSON, CSV or xlsx to stdout or a file.

Files are written to a temporary name in the target folder and renamed into place, so a
killed run never leaves a half-written report and an older report stays intact. Text
from input files is written inert: CSV cells starting with = + - @ tab or CR get a
leading `'` (OWASP CSV injection), and XlsxWriter never turns strings into formulas.
"""

from __future__ import annotations

import csv
import glob
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from csops.errors import UsageError
from csops.report.labels import label

Format = Literal["table", "json", "csv", "xlsx"]
ColumnType = Literal["text", "int", "number", "money", "rate", "datetime", "date", "seconds"]
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Column:
    key: str  # canonical name: the frame's column and the label key
    type: ColumnType = "text"


@dataclass
class Sheet:
    """One table of a report: a frame, which columns to show and how, optional row styles."""

    key: str  # label key of the sheet / table title
    frame: pd.DataFrame
    columns: list[Column]
    styles: pd.Series | None = None  # per row: a Rich style name (also used for xlsx fills)


@dataclass
class Report:
    document: dict[str, Any]  # the JSON document (keys: English canonical names)
    sheets: list[Sheet]
    notes: list[str] = field(default_factory=list)  # printed under the table


# ---------------------------------------------------------------- atomic files


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`; renamed onto it only if the block succeeds.

    The temporary name carries the writer's process id (`.report.xlsx.4242.k3j9.part`):
    a run killed while writing leaves its part behind, and the next write to the same
    target removes the parts of processes that are gone. An OSError (disk full, no
    permission) becomes a UsageError naming the file; the previous file stays as it was.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_parts(target)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=".part", dir=target.parent
        )
        os.close(fd)
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp makes 0600 files: give the report the mode a plain file would get, so a
        # report written by cron as one user can be opened by the manager.
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp_path, 0o666 & ~mask)
        os.replace(tmp_path, target)
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    finally:
        tmp_path.unlink(missing_ok=True)


def _cannot_write(target: Path, exc: OSError) -> UsageError:
    return UsageError(
        f"cannot write {target} ({exc.strerror or exc}); any earlier file there is unchanged"
    )


def _remove_stale_parts(target: Path) -> None:
    """Delete `.NAME.PID.*.part` files beside `target` left by processes that are gone (and
    the scratch folders earlier versions of csops made there)."""
    prefix = f".{target.name}."
    for part in target.parent.glob(f"{glob.escape(prefix)}*.part"):
        pid = part.name[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            if part.is_dir():
                shutil.rmtree(part, ignore_errors=True)
            else:
                part.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def write_text_atomic(target: Path, text: str, encoding: str = "utf-8") -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding=encoding)


# ---------------------------------------------------------------- cell values


def inert(value: str) -> str:
    """Text that a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(DANGEROUS_PREFIXES) else value


def _plain(value: Any) -> Any:
    if value is None or (not isinstance(value, str | bytes) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        # numpy int64/float64/bool_ are not int/float/bool: without this the xlsx writer
        # stores them as text.
        return value.item()
    return value


def cell_text(value: Any, type_: ColumnType) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if type_ == "money" and isinstance(value, Decimal | int | float):
        return f"{Decimal(value):.2f}" if not isinstance(value, Decimal) else f"{value:.2f}"
    if type_ == "rate" and isinstance(value, int | float | Decimal):
        return f"{float(value) * 100:.1f}%"
    if type_ == "number" and isinstance(value, float):
        return f"{value:g}"
    if type_ == "seconds" and isinstance(value, int | float):
        return f"{value:.1f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" if type_ == "datetime" else "%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


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


def write_csv(sheet: Sheet, lang: str, stream: IO[str]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([label(c.key, lang) for c in sheet.columns])
    frame = sheet.frame
    for values in zip(
        *(frame[c.key] if c.key in frame else [None] * len(frame) for c in sheet.columns),
        strict=True,
    ):
        writer.writerow([_csv_cell(v, c.type) for v, c in zip(values, sheet.columns, strict=True)])


def _csv_cell(value: Any, type_: ColumnType) -> str:
    """Text is made inert; a number csops computed (−2, −0.5) stays a number."""
    text = cell_text(value, type_)
    plain = _plain(value)
    if isinstance(plain, int | float | Decimal) and not isinstance(plain, bool):
        return text
    return inert(text)


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
