"""The physical layer: sniff a file, find its encoding and header row, read its columns.

CSV files are parsed byte-wise by pyarrow (GB18030 keeps `,` `"` and newlines as single
ASCII bytes, so the structure can be split before decoding); only the columns a kind
maps are kept, and only their non-ASCII values are decoded, each distinct value once.
Excel files go through python-calamine. Either way the result is a set of text columns
plus the spreadsheet row number of every data row.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from csops.errors import InputError, Problem
from csops.ingest.columns import AliasIndex, Header, Match, clean_header, header_text
from csops.ingest.redact import redact
from csops.schemas import SCHEMAS

SAMPLE_BYTES = 256 * 1024
HEADER_SEARCH_ROWS = 30
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | EXCEL_SUFFIXES
_DATA_LIKE = re.compile(r"\d{3}")  # a date, an amount, an ID: no header cell looks so
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class SourceFile:
    """What probing found out about one file; enough to read it fully later."""

    path: Path
    display: str
    format: str  # csv | xlsx | xls
    size: int
    encoding: str | None = None
    delimiter: str = ","
    sheet: str | None = None
    header_row: int = 0  # 1-based spreadsheet row of the header; 0 when none was found
    headers: list[str] = field(default_factory=list)  # as shown: `上班1/打卡时间`
    match: Match | None = None
    rows: int | None = None  # data rows, once read
    notes: list[str] = field(default_factory=list)
    header_rows: int = 1  # 2: a group row above the header (DingTalk, 企业微信)
    # The file's own display name; `display` adds the sheet when a workbook holds two
    # exports (`订单.xlsx [子订单]`).
    file_name: str = ""
    # The other kinds the header could be, best first (for `inspect` and messages).
    candidates: list[Match] = field(default_factory=list)

    @property
    def kind(self) -> str | None:
        return self.match.kind if self.match else None

    @property
    def data_row(self) -> int:
        """1-based spreadsheet row of the first data row."""
        return max(self.header_row, 1) + self.header_rows

    def header_of(self, name: str) -> str:
        """The export's own header of a canonical field (the field name if unmapped)."""
        if self.match and name in self.match.mapping:
            return self.headers[self.match.mapping[name]]
        return name


@dataclass
class RawColumns:
    """Text columns of one file, by canonical field, with each row's spreadsheet number."""

    # Text (string or large_string, chunked as read); "" for an empty cell.
    columns: dict[str, pa.Array | pa.ChunkedArray]
    row_numbers: pa.Array  # int64
    problems: list[Problem] = field(default_factory=list)


# ---------------------------------------------------------------- probing


def probe(
    path: Path,
    display: str,
    index: AliasIndex,
    encoding: str | None = None,
    kinds: tuple[str, ...] | None = None,
) -> list[SourceFile]:
    """Sniff format, encoding, sheet and header row of a file; classify it by its header.

    A workbook gives one source per sheet that reads as an export (a 千牛 order workbook
    holds its orders and their items on two sheets), else its best sheet. `kinds` limits
    the classification (a file given as `--orders FILE` is read as orders).
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(SAMPLE_BYTES)
    except OSError as exc:
        raise InputError(f"{display}: cannot be opened ({exc.strerror})") from None
    if size == 0 or not head.strip():
        raise InputError(f"{display}: the file is empty; export it again from the shop backend")
    if head.startswith(_ZIP_MAGIC):
        return _probe_excel(path, display, size, "xlsx", index, kinds)
    if head.startswith(_OLE_MAGIC):
        return _probe_excel(path, display, size, "xls", index, kinds)
    if _looks_like_html(head):
        return [_probe_html(path, display, size, head, index, encoding, kinds)]
    return [_probe_text(path, display, size, head, index, encoding, kinds)]


def _detect_encoding(display: str, head: bytes, complete: bool) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(
            f"{display}: the file is UTF-16 encoded (Excel's 'Unicode text'); "
            "save it as 'CSV UTF-8' or pass --encoding utf-16"
        )
    if b"\x00" in head[:8192]:
        raise InputError(
            f"{display}: this is not a text file (it holds binary data) although its name "
            "says CSV; export the report again as CSV or xlsx"
        )
    sample = head if complete else head[: head.rfind(b"\n") + 1] or head
    for name in ("utf-8", "gb18030"):  # never the reverse: gb18030 decodes UTF-8 silently
        try:
            sample.decode(name)
        except UnicodeDecodeError:
            continue
        return "utf-8-sig" if name == "utf-8" and head.startswith(codecs.BOM_UTF8) else name
    # A file with a few damaged bytes is read in the encoding of the rest; the cells that
    # hold the damaged bytes are reported with their rows when their column is read.
    if _mostly_decodable(sample, "utf-8"):
        return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    if _mostly_decodable(sample, "gb18030"):
        return "gb18030"
    raise InputError(
        f"{display}: the file is neither UTF-8 nor GBK/GB18030 encoded; "
        "pass its encoding with --encoding (e.g. --encoding big5)"
    )


def _mostly_decodable(sample: bytes, encoding: str) -> bool:
    """At most one in 20 non-ASCII characters undecodable (a file with a few damaged bytes,
    whose damaged cells are reported when their column is read)."""
    text = sample.decode(encoding, errors="replace")
    damaged = text.count("\ufffd")
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    return damaged > 0 and non_ascii - damaged >= 20 * damaged


def _sniff_delimiter(lines: list[str]) -> str:
    """Tab when more of the first lines hold a tab than a comma; the total counts only
    break a tie. Tabs inside a few cells (pasted text, a name of tabs) do not make a
    comma-separated file tab-separated: a delimiter is on every line."""
    with_commas = sum(1 for line in lines if "," in line)
    with_tabs = sum(1 for line in lines if "\t" in line)
    if with_tabs != with_commas:
        return "\t" if with_tabs > with_commas else ","
    commas = sum(line.count(",") for line in lines)
    tabs = sum(line.count("\t") for line in lines)
    return "\t" if tabs > commas else ","


@dataclass
class HeaderChoice:
    """Where a file's header is and what it reads as."""

    index: int  # 0-based row of the (first) header row
    headers: list[Header]
    match: Match | None
    ranked: list[Match]
    rows: int = 1  # header rows: 2 when a row of sub-headers lies below


def _two_rows(upper: list[str], lower: list[str]) -> list[Header]:
    """Two header rows as one: a group cell in the upper row spans the columns to its
    right whose upper cell is empty and lower cell is not (Excel's merged group header)."""
    width = max(len(upper), len(lower))
    upper = upper + [""] * (width - len(upper))
    lower = lower + [""] * (width - len(lower))
    out: list[Header] = []
    group = ""
    for top, sub in zip(upper, lower, strict=True):
        if top:
            group = top if sub else ""
        elif not sub:
            group = ""
        out.append((top or group, sub))
    return out


def _is_sub_header(lower: list[str], match: Match, schema_fields: tuple[str, ...]) -> bool:
    """Whether the row below a header is a row of sub-headers: it has text, none of its
    cells looks like data (a date, an amount, an ID) and the columns every data row fills
    (who, the date, the order number) are empty in it (merged from the row above)."""
    cells = [c for c in lower if c]
    if not cells or any(_DATA_LIKE.search(c) for c in cells):
        return False
    for name in schema_fields:
        pos = match.mapping.get(name)
        if pos is not None and pos < len(lower) and lower[pos]:
            return False
    return True


def _best_header(
    rows: list[list[Any]], index: AliasIndex, kinds: tuple[str, ...] | None = None
) -> HeaderChoice:
    """The row (0-based) among the first rows that reads best as a header of some kind,
    with the row below it when that is a row of sub-headers."""
    best: HeaderChoice | None = None
    best_rank: tuple[int, int] = (-1, -1)
    texts = [[clean_header(c) for c in row] for row in rows[:HEADER_SEARCH_ROWS]]
    for i, headers in enumerate(texts):
        if sum(1 for h in headers if h) < 2:
            continue
        ranked = index.rank(headers, kinds)
        if not ranked:
            continue
        match = ranked[0]
        choice = HeaderChoice(i, list(headers), match, ranked)
        if i + 1 < len(texts):
            doubled = _two_rows(headers, texts[i + 1])
            ranked2 = index.rank(doubled, kinds)
            if ranked2 and ranked2[0].complete and ranked2[0].score >= match.score:
                top = ranked2[0]
                schema = SCHEMAS[top.kind]
                must = (*schema.required, *schema.identity)
                if _is_sub_header(texts[i + 1], top, must):
                    choice = HeaderChoice(i, doubled, top, ranked2, rows=2)
        assert choice.match is not None
        rank = (1 if choice.match.complete else 0, choice.match.score)
        if rank > best_rank:
            best, best_rank = choice, rank
    if best is None:
        first = next((r for r in texts if any(r)), [])
        return HeaderChoice(0, list(first), None, [])
    return best


def _source(
    path: Path, display: str, fmt: str, size: int, choice: HeaderChoice, **kw: Any
) -> SourceFile:
    return SourceFile(
        path=path,
        display=display,
        format=fmt,
        size=size,
        header_row=choice.index + 1 if choice.match else 0,
        headers=[header_text(h) for h in choice.headers],
        match=choice.match,
        header_rows=choice.rows,
        candidates=choice.ranked[1:],
        file_name=display,
        **kw,
    )


def _probe_text(
    path: Path,
    display: str,
    size: int,
    head: bytes,
    index: AliasIndex,
    encoding: str | None,
    kinds: tuple[str, ...] | None,
) -> SourceFile:
    complete = size <= len(head)
    enc = _encoding(display, head, complete, encoding)
    sample_bytes = head if complete else head[: head.rfind(b"\n") + 1] or head
    text = sample_bytes.decode(enc, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines()[:HEADER_SEARCH_ROWS]
    delimiter = _sniff_delimiter(lines)
    try:
        rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(f"{display}: the CSV cannot be parsed ({exc})") from None
    choice = _best_header(rows, index, kinds)
    return _source(path, display, "csv", size, choice, encoding=enc, delimiter=delimiter)


def _encoding(display: str, head: bytes, complete: bool, given: str | None) -> str:
    if given:
        try:
            codecs.lookup(given)
        except LookupError:
            raise InputError(f"unknown encoding {given!r} given with --encoding") from None
        return given
    return _detect_encoding(display, head, complete)


# ---------------------------------------------------------------- HTML saved as .xls

_HTML_START = re.compile(rb"^(\xef\xbb\xbf)?\s*<", re.S)
_HTML_TAG = re.compile(rb"<(table|html|tr)[\s>]", re.I)
_META_CHARSET = re.compile(rb"charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", re.I)


def _looks_like_html(head: bytes) -> bool:
    """Many back ends save an HTML table under an .xls name; Excel opens it as a sheet."""
    return bool(_HTML_START.match(head[:64])) and bool(_HTML_TAG.search(head[:8192]))


def _html_encoding(display: str, head: bytes, complete: bool, given: str | None) -> str:
    if given:
        return _encoding(display, head, complete, given)
    declared = _META_CHARSET.search(head[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        try:
            codecs.lookup(name)
        except LookupError:
            pass
        else:
            # GB2312 and GBK pages hold GB18030 characters as often as not.
            return "gb18030" if name in ("gb2312", "gbk") else name
    return _detect_encoding(display, head, complete)


def html_rows(path: Path, display: str, encoding: str) -> list[list[str]]:
    """The cells of the largest table of an HTML file, a list per row: a cell spanning
    columns or rows (colspan, rowspan) leaves empty cells where it spans, as a merged
    Excel cell does, so columns keep their places."""
    from lxml import etree, html

    try:
        text = path.read_bytes().decode(encoding, errors="replace")
        document = html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"{display}: the HTML table cannot be read ({exc})") from None
    tables = document.xpath("//table")
    if not tables:
        raise InputError(f"{display}: an HTML file without a table; export it again as xlsx")
    # The table with the most rows: pages sometimes wrap the data in a layout table.
    table = max(tables, key=lambda t: len(t.xpath(".//tr[not(ancestor::tr)]")))
    rows: list[list[str]] = []
    below: dict[int, int] = {}  # column → rows a cell above still covers (rowspan)
    for tr in table.xpath(".//tr[not(ancestor::tr)]"):
        row: list[str] = []
        for cell in tr.xpath("./td|./th"):
            _skip_covered(row, below)
            wide = _span(cell.get("colspan"))
            tall = _span(cell.get("rowspan"))
            for k in range(wide):
                if tall > 1:
                    below[len(row) + k] = tall - 1
            row.append(" ".join(cell.text_content().split()))
            row.extend([""] * (wide - 1))
        _skip_covered(row, below)
        rows.append(row)
    return rows


def _skip_covered(row: list[str], below: dict[int, int]) -> None:
    """Empty cells where a cell above spans down, as Excel shows a merged cell (its text
    in the first row only)."""
    while below.get(len(row), 0) > 0:
        below[len(row)] -= 1
        row.append("")


def _span(value: str | None) -> int:
    return min(int(value), 1000) if value and value.isdigit() and int(value) > 0 else 1


def _probe_html(
    path: Path,
    display: str,
    size: int,
    head: bytes,
    index: AliasIndex,
    encoding: str | None,
    kinds: tuple[str, ...] | None,
) -> SourceFile:
    enc = _html_encoding(display, head, size <= len(head), encoding)
    rows = html_rows(path, display, enc)
    choice = _best_header(rows[:HEADER_SEARCH_ROWS], index, kinds)
    return _source(path, display, "html", size, choice, encoding=enc)


# ---------------------------------------------------------------- Excel


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


# ---------------------------------------------------------------- reading


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


def _read_csv(src: SourceFile, wanted: dict[str, int], unquoted: frozenset[str]) -> RawColumns:
    width = len(src.headers)
    names = [f"c{i}" for i in range(width)]
    bad_rows: list[tuple[int | None, int, str]] = []

    def on_invalid(row: Any) -> str:
        # Not the row's text: it holds whatever the row holds (receiver names, phones).
        bad_rows.append((row.number, row.actual_columns, ""))
        return "skip"

    enc = (src.encoding or "utf-8").lower().replace("_", "-")
    native = enc in ("utf-8", "utf-8-sig", "utf8", "gb18030", "gbk", "gb2312", "cp936")
    source: Any = str(src.path)
    if not native:
        try:
            text = src.path.read_bytes().decode(enc)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{src.display}: cannot be decoded as {src.encoding} (byte {exc.start}); "
                "check the --encoding value"
            ) from None
        source = pa.BufferReader(text.encode("utf-8"))
        enc = "utf-8"
    # UTF-8 text is validated by pyarrow while it converts, on both cores; only a file
    # with bytes that are not UTF-8 is read again as bytes, to find the cells that hold them.
    table = None
    try:
        if enc.startswith("utf"):
            try:
                table = _arrow_csv(src, source, names, wanted, on_invalid, pa.large_string())
            except _NotUtf8:
                bad_rows.clear()
        if table is None:
            table = _arrow_csv(src, source, names, wanted, on_invalid)
    except _RowTextUndecodable:
        # pyarrow hands a bad row to `on_invalid` as UTF-8 text; a GB18030 row cannot be
        # made so, and pyarrow gives up. Read the file again as UTF-8 to list the bad rows.
        try:
            text = src.path.read_bytes().decode(enc)
        except UnicodeDecodeError:
            raise InputError(
                f"{src.display}: some rows do not have the header's {width} cells and the file "
                f"holds bytes that are not valid {enc.upper()} text; export it again"
            ) from None
        bad_rows.clear()
        enc = "utf-8"
        table = _arrow_csv(src, pa.BufferReader(text.encode("utf-8")), names, wanted, on_invalid)
    problems: list[Problem] = []
    n = table.num_rows
    first_data_row = src.data_row
    numbers: list[int] | range = range(first_data_row, first_data_row + n)
    if bad_rows:
        # pyarrow does not number the rows it skips (newlines may sit inside cells): number
        # the records again, slowly, now that the file is known to be damaged.
        good, bad = _record_numbers(src, src.encoding or "utf-8", width)
        if len(good) == n:
            numbers = good
        problems.append(
            Problem(
                file=src.display,
                message=f"{len(bad_rows)} rows do not have the header's {width} cells "
                "(a truncated or hand-edited file?)",
                rows=[r for r, _ in bad][:10],
                samples=[f"{cells} cells" for _, cells in bad][:3],
                count=len(bad_rows),
                expected=f"{width} cells in every row, as in the header",
            )
        )
    row_numbers = (
        pa.array(np.arange(numbers.start, numbers.stop, dtype=np.int64))
        if isinstance(numbers, range)  # pa.array(range) builds 10M Python ints: 2 s
        else pa.array(numbers, pa.int64())
    )

    def column_text(item: tuple[str, int]) -> tuple[pa.Array | pa.ChunkedArray, list[Problem]]:
        name, pos = item
        column = table.column(names[pos])
        if not pa.types.is_binary(column.type):
            return column, []  # UTF-8 text, validated while read; chunks kept (no copy)
        found: list[Problem] = []
        decoded = _decode(
            column.combine_chunks(), enc, src, pos, row_numbers, found, name not in unquoted
        )
        return decoded, found

    columns: dict[str, pa.Array | pa.ChunkedArray] = {}
    for name, (values, found) in zip(wanted, map(column_text, wanted.items()), strict=True):
        columns[name] = values
        problems.extend(found)
    src.notes[:] = dict.fromkeys(src.notes)  # a note made by two columns, once
    return RawColumns(columns, row_numbers, problems)


def _record_numbers(
    src: SourceFile, enc: str, width: int
) -> tuple[list[int], list[tuple[int, int]]]:
    """Spreadsheet row numbers of the well-formed data records, and (row, cells) of the
    records whose cell count is not `width` (blank lines are skipped, as pyarrow does)."""
    text = src.path.read_bytes().decode(enc, errors="replace").removeprefix("\ufeff")
    csv.field_size_limit(1 << 30)
    good: list[int] = []
    bad: list[tuple[int, int]] = []
    records = csv.reader(io.StringIO(text, newline=""), delimiter=src.delimiter)
    try:
        for number, record in enumerate(records, 1):
            if number < src.data_row or not record:
                continue
            if len(record) == width:
                good.append(number)
            else:
                bad.append((number, len(record)))
    except csv.Error:
        return [], []  # numbered as pyarrow read it; the problem then names no rows
    return good, bad


class _RowTextUndecodable(Exception):
    """pyarrow could not pass a malformed row's text (not UTF-8) to the row handler."""


_BYTES = pa.binary()


class _NotUtf8(Exception):
    """A column read as text holds bytes that are not UTF-8."""


def _arrow_csv(
    src: SourceFile,
    source: Any,
    names: list[str],
    wanted: dict[str, int],
    on_invalid: Any,
    cell_type: pa.DataType = _BYTES,
) -> pa.Table:
    failed: list[BaseException] = []

    def swallow(unraisable: Any) -> None:
        # pyarrow reports an exception raised while it builds the row handler's argument as
        # "Exception ignored …" with a traceback on stderr: keep it off the terminal.
        failed.append(unraisable.exc_value)

    previous = sys.unraisablehook
    sys.unraisablehook = swallow
    try:
        return pacsv.read_csv(
            source,
            read_options=pacsv.ReadOptions(
                column_names=names,
                skip_rows=src.data_row - 1,
                block_size=4 << 20,  # measured fastest on 2 cores (1, 4, 16, 64 MB)
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=src.delimiter,
                newlines_in_values=True,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=[names[p] for p in wanted.values()],
                column_types={names[p]: cell_type for p in wanted.values()},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        if any(isinstance(e, UnicodeDecodeError) for e in failed):
            raise _RowTextUndecodable() from None
        if not pa.types.is_binary(cell_type) and "invalid UTF8" in str(exc):
            raise _NotUtf8() from None
        raise InputError(
            f"{src.display}: the CSV cannot be parsed ({str(exc).splitlines()[0][:160]})"
        ) from None
    finally:
        sys.unraisablehook = previous


def _decode(
    raw: pa.Array,
    enc: str,
    src: SourceFile,
    pos: int,
    row_numbers: pa.Array,
    problems: list[Problem],
    quote: bool = True,
) -> pa.Array:
    """Binary cells → text, decoding each distinct non-ASCII value once."""
    as_text = raw.view(pa.string())
    is_ascii = pc.string_is_ascii(as_text)
    if pc.all(is_ascii).as_py() is not False:
        return as_text
    utf = enc.startswith("utf")
    if utf:
        try:
            return pc.cast(raw, pa.string())
        except pa.ArrowInvalid:
            pass  # some cells are not UTF-8: find them below
    non_ascii_mask = pc.invert(is_ascii)
    others = pc.filter(raw, non_ascii_mask)
    encoded = pc.dictionary_encode(others)
    decoded, bad_codes = _decode_distinct(encoded.dictionary, enc)
    if utf and 2 * len(bad_codes) > len(decoded):
        # Most text is not UTF-8 although the sample was: GB18030 after the first 256 KB (a
        # few damaged cells in a UTF-8 file are reported instead, never turned to mojibake).
        enc = "gb18030"
        src.encoding = "gb18030"
        src.notes.append("encoding: not UTF-8 after the first 256 KB; read as GB18030")
        decoded, bad_codes = _decode_distinct(encoded.dictionary, enc)
    values = pa.DictionaryArray.from_arrays(encoded.indices, pa.array(decoded, pa.string()))
    plain = values.dictionary_decode()
    if bad_codes:
        bad = pc.is_in(encoded.indices, pa.array(bad_codes, encoded.indices.type))
        rows = pc.filter(pc.filter(row_numbers, non_ascii_mask), bad).to_pylist()
        problems.append(
            Problem(
                file=src.display,
                column=src.headers[pos] if pos < len(src.headers) else f"#{pos + 1}",
                message=f"{len(rows)} cells hold bytes that are not valid "
                f"{enc.upper().removesuffix('-SIG')} text",
                rows=rows[:10],
                samples=[
                    redact(encoded.dictionary[c].as_py().decode(enc, errors="backslashreplace"))
                    for c in bad_codes[:3]
                    if quote
                ],
                count=len(rows),
                expected="text in one encoding (re-export the file)",
            )
        )
    base = pc.if_else(is_ascii, as_text, pa.scalar(None, pa.string()))
    return pc.replace_with_mask(base, non_ascii_mask, plain)


def _decode_distinct(values: pa.Array, enc: str) -> tuple[list[str], list[int]]:
    """Decode distinct byte strings: joined by NUL and decoded in one call (fast), or one by
    one when that fails, to find the undecodable ones."""
    if len(values) and values.null_count == 0:
        joined = pc.binary_join(
            pa.ListArray.from_arrays(pa.array([0, len(values)], pa.int32()), values), b"\x00"
        )[0].as_py()
        try:
            parts = joined.decode(enc).split("\x00")
        except UnicodeDecodeError:
            parts = []
        if len(parts) == len(values):
            return parts, []
    decoded: list[str] = []
    bad_codes: list[int] = []
    for code, value in enumerate(values.to_pylist()):
        try:
            decoded.append(value.decode(enc))
        except UnicodeDecodeError:
            decoded.append(value.decode(enc, errors="replace"))
            bad_codes.append(code)
    return decoded, bad_codes


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
