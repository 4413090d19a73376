"""The physical layer: sniff a file, find its encoding and header row, read its columns.

CSV files are parsed byte-wise by pyarrow (GB18030 keeps `,` `"` and newlines as single
ASCII bytes, so the structure can be split before decoding); only the columns a kind
maps are kept, and only their non-ASCII values are decoded, each distinct value once.
Excel files go through python-calamine. Either way the result is a set of text columns
plus the spreadsheet row number of every data row.

This module is the way in: `probe` and `read_columns` hand a file to its reader —
`sniff` (encoding, delimiter, header row), `html_table`, `excel`, `csv_read` (pyarrow)
with `decode` — and the types of `source` are re-exported here.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

from csops.errors import InputError
from csops.ingest.columns import AliasIndex
from csops.ingest.csv_read import _read_csv
from csops.ingest.excel import _columns_of_rows, _probe_excel, _read_excel
from csops.ingest.html_table import _looks_like_html, _probe_html, html_rows
from csops.ingest.sniff import _probe_text
from csops.ingest.source import (
    EXCEL_SUFFIXES,
    HEADER_SEARCH_ROWS,
    SAMPLE_BYTES,
    SUPPORTED_SUFFIXES,
    TEXT_SUFFIXES,
    Limits,
    RawColumns,
    SourceFile,
)
from csops.messages import Msg

__all__ = [
    "EXCEL_SUFFIXES",
    "HEADER_SEARCH_ROWS",
    "SAMPLE_BYTES",
    "SUPPORTED_SUFFIXES",
    "TEXT_SUFFIXES",
    "Limits",
    "RawColumns",
    "SourceFile",
    "html_rows",
    "probe",
    "read_columns",
]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


def probe(
    path: Path,
    display: str,
    index: AliasIndex,
    encoding: str | None = None,
    kinds: tuple[str, ...] | None = None,
    limits: Limits | None = None,
) -> list[SourceFile]:
    """Sniff format, encoding, sheet and header row of a file; classify it by its header.

    A workbook gives one source per sheet that reads as an export (a 千牛 order workbook
    holds its orders and their items on two sheets), else its best sheet. `kinds` limits
    the classification (a file given as `--orders FILE` is read as orders). A file beyond
    the `limits` (settings.yaml) is refused before it is read.
    """
    limits = limits or Limits()
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise InputError(
                f"{display}: {not_regular(info.st_mode)}, not a file; csops reads only files"
            )
        size = info.st_size
        with path.open("rb") as fh:
            head = fh.read(SAMPLE_BYTES)
    except OSError as exc:
        raise InputError(f"{display}: cannot be opened ({exc.strerror})") from None
    if size == 0 or not head.strip():
        raise InputError(f"{display}: the file is empty; export it again from the shop backend")
    if head.startswith(_ZIP_MAGIC):
        _check_inflated_size(path, display, limits)
        sources = _probe_excel(path, display, size, "xlsx", index, kinds)
    elif head.startswith(_OLE_MAGIC):
        sources = _probe_excel(path, display, size, "xls", index, kinds)
    elif _looks_like_html(head):
        sources = [_probe_html(path, display, size, head, index, encoding, kinds)]
    else:
        sources = [_probe_text(path, display, size, head, index, encoding, kinds, limits)]
    for src in sources:
        src.limits = limits
        if len(src.headers) > limits.columns:
            raise _too_wide(display, src.header_row or 1, len(src.headers), limits)
    return sources


def not_regular_kind(mode: int) -> str:
    """What a path that is no regular file is: fifo, socket, device, folder or other."""
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "folder" if stat.S_ISDIR(mode) else "other"


def not_regular(mode: int) -> str:
    """What a path that is no regular file is, in words (English: a usage error's)."""
    return Msg(f"read.what.{not_regular_kind(mode)}").text("en")


def _check_inflated_size(path: Path, display: str, limits: Limits) -> None:
    """A workbook is a zip: refuse one that would inflate beyond the limit (a zip bomb)
    before any of it is uncompressed. A damaged zip is left to the workbook reader."""
    try:
        with zipfile.ZipFile(path) as book:
            inflated = sum(member.file_size for member in book.infolist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return
    if inflated > limits.workbook_bytes:
        raise InputError(
            f"{display}: the workbook would take {inflated / (1 << 20):,.0f} MB once "
            f"uncompressed, over the limit of {limits.workbook_bytes >> 20:,} MB "
            "(limits.workbook_mb in rules/settings.yaml); it was not read. A real export is "
            "far smaller: export it again, or as CSV"
        )


def _too_wide(display: str, row: int, columns: int, limits: Limits) -> InputError:
    return InputError(
        f"{display}: row {row} has {columns:,} columns, over the limit of {limits.columns:,} "
        "(limits.columns in rules/settings.yaml); no export csops reads has so many: check "
        "that it is the export meant"
    )


def read_columns(
    src: SourceFile, wanted: dict[str, int], unquoted: frozenset[str] = frozenset()
) -> RawColumns:
    """Read the columns at the `wanted` positions (field → position) of a probed file.
    Problems in the `unquoted` fields (free text where buyers type phone numbers and
    addresses) name rows but quote no values."""
    if src.format == "csv":
        return _read_csv(src, wanted, unquoted)
    if src.format == "html":
        rows = html_rows(src.path, src.display, src.encoding or "utf-8")
        return _columns_of_rows(src, rows, wanted)
    return _read_excel(src, wanted)
