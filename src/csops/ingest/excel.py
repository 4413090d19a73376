"""Excel workbooks through python-calamine: their sheets probed, a cell as text, columns read."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from csops.errors import InputError
from csops.ingest.columns import AliasIndex
from csops.ingest.sniff import _best_header, _source
from csops.ingest.source import HEADER_SEARCH_ROWS, RawColumns, SourceFile


def _open_workbook(path: Path, display: str, fmt: str) -> Any:
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several unrelated types
        name = type(exc).__name__
        if "Password" in name or (fmt == "xls" and path.suffix.lower() == ".xlsx"):
            raise InputError(
                f"{display}: the workbook is password-protected (encrypted); "
                "open it in Excel, remove the password (文件 → 信息 → 保护工作簿) and save a copy"
            ) from None
        raise InputError(
            f"{display}: the workbook cannot be read ({name}: {str(exc)[:120]}); it may be "
            "truncated or damaged; export it again"
        ) from None


def _cell_text(value: Any) -> str:
    """An Excel cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, timedelta):
        secs = int(value.total_seconds())
        return f"{secs // 3600:02d}:{secs % 3600 // 60:02d}:{secs % 60:02d}"
    return str(value)


def _sheet_rows(workbook: Any, display: str, sheet: str, nrows: int | None) -> list[list[Any]]:
    try:
        rows: list[list[Any]] = workbook.get_sheet_by_name(sheet).to_python(
            skip_empty_area=False, nrows=nrows
        )
        return rows
    except Exception as exc:
        raise InputError(
            f"{display}: sheet {sheet!r} cannot be read ({type(exc).__name__}); the workbook "
            "may be truncated or damaged; export it again"
        ) from None


def _probe_excel(
    path: Path,
    display: str,
    size: int,
    fmt: str,
    index: AliasIndex,
    kinds: tuple[str, ...] | None,
) -> list[SourceFile]:
    workbook = _open_workbook(path, display, fmt)
    found: list[SourceFile] = []
    for sheet in workbook.sheet_names:
        rows = _sheet_rows(workbook, display, sheet, HEADER_SEARCH_ROWS)
        if not rows:
            continue
        choice = _best_header([[_cell_text(c) for c in r] for r in rows], index, kinds)
        found.append(_source(path, display, fmt, size, choice, sheet=sheet))
    if not found:
        raise InputError(f"{display}: the workbook has no data on any sheet")
    complete = [s for s in found if s.match is not None and s.match.complete]
    if len(complete) > 1:
        # Several sheets are exports (主订单 and 子订单): each is its own source.
        for src in complete:
            src.display = f"{display} [{src.sheet}]"
        return complete
    return [max(found, key=_rank)]


def _rank(src: SourceFile) -> tuple[int, int]:
    if src.match is None:
        return (-1, 0)
    return (1 if src.match.complete else 0, src.match.score)


def _read_excel(src: SourceFile, wanted: dict[str, int]) -> RawColumns:
    workbook = _open_workbook(src.path, src.display, src.format)
    assert src.sheet is not None
    rows = _sheet_rows(workbook, src.display, src.sheet, None)
    return _columns_of_rows(src, rows, wanted)


def _columns_of_rows(src: SourceFile, rows: list[list[Any]], wanted: dict[str, int]) -> RawColumns:
    """The wanted columns of a sheet's rows (Excel cells or HTML text) below its header."""
    data = rows[src.data_row - 1 :]
    # Drop trailing blank rows (Excel keeps formatted empty rows in the used range).
    while data and not any(c not in (None, "") for c in data[-1]):
        data.pop()
    first_data_row = src.data_row
    columns = {
        name: pa.array(
            [_cell_text(r[pos]).strip() if pos < len(r) else "" for r in data], pa.string()
        )
        for name, pos in wanted.items()
    }
    row_numbers = pa.array(range(first_data_row, first_data_row + len(data)), pa.int64())
    return RawColumns(columns, row_numbers, [])
