"""CSV files read by pyarrow: the wanted columns as bytes or UTF-8 text, and the ragged rows."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from csops.errors import InputError, Problem
from csops.ingest.decode import _decode
from csops.ingest.source import RawColumns, SourceFile


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
    # pyarrow hands a ragged row to `on_invalid` as UTF-8 text; a row that is not UTF-8
    # (GB18030 text, a damaged byte) it cannot, and then it prints an "Exception ignored"
    # traceback on stderr. So the file's own bytes are read with no handler (a ragged row
    # stops the read), and with `on_invalid` once every ragged row is known to be UTF-8.
    handler = on_invalid if not native else None

    def arrow(cell_type: pa.DataType = _BYTES) -> pa.Table:
        nonlocal handler
        try:
            return _arrow_csv(src, source, names, wanted, handler, cell_type)
        except _Ragged:
            if not _ragged_rows_are_utf8(src, names, wanted):
                raise _RowTextUndecodable() from None
            handler = on_invalid
            return _arrow_csv(src, source, names, wanted, handler, cell_type)

    # UTF-8 text is validated by pyarrow while it converts, on both cores; only a file
    # with bytes that are not UTF-8 is read again as bytes, to find the cells that hold them.
    table = None
    try:
        if enc.startswith("utf"):
            try:
                table = arrow(pa.large_string())
            except _NotUtf8:
                bad_rows.clear()
        if table is None:
            table = arrow()
    except _RowTextUndecodable:
        # A ragged row is not UTF-8 text (a GB18030 row): read the file again as UTF-8,
        # which pyarrow can hand to `on_invalid`, to list the bad rows.
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
    """A ragged row's text is not UTF-8: pyarrow cannot pass it to a row handler."""


class _Ragged(Exception):
    """A row does not have the header's cell count, and no row handler was given."""


_BYTES = pa.binary()
_MISMATCH = re.compile(r"CSV parse error: Expected \d+ columns, got \d+")


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
    """The wanted columns of a CSV (a path or a buffer), as `cell_type`. Ragged rows go to
    `on_invalid`; with no handler the first one raises `_Ragged`."""
    try:
        return pacsv.read_csv(
            source,
            read_options=pacsv.ReadOptions(
                column_names=names,
                skip_rows=src.data_row - 1,
                # A row must fit one block: the row limit (4 MB by default, measured
                # fastest on 2 cores of 1, 4, 16 and 64 MB).
                block_size=src.limits.csv_row_bytes,
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
        if on_invalid is None and _MISMATCH.match(str(exc)):
            raise _Ragged() from None
        if not pa.types.is_binary(cell_type) and "invalid UTF8" in str(exc):
            raise _NotUtf8() from None
        if "straddling object" in str(exc):
            raise _long_row(src) from None
        raise InputError(
            f"{src.display}: the CSV cannot be parsed ({str(exc).splitlines()[0][:160]})"
        ) from None


def _long_row(src: SourceFile) -> InputError:
    """The error of a row longer than the reader's block (`limits.csv_row_mb`): the row
    and column where it is, found from the file's line breaks and delimiters."""
    limit = src.limits.csv_row_bytes
    data = np.frombuffer(src.path.read_bytes(), dtype=np.uint8)
    breaks = np.flatnonzero(data == ord("\n"))
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(data)]))
    long = np.flatnonzero(ends - starts > limit)
    where = ""
    if len(long):
        line = int(long[0])
        row = data[starts[line] : ends[line]]
        cuts = np.concatenate(([-1], np.flatnonzero(row == ord(src.delimiter)), [len(row)]))
        widest = int(np.argmax(np.diff(cuts)))
        size = int(np.diff(cuts)[widest]) - 1
        header = src.headers[widest] if widest < len(src.headers) else f"#{widest + 1}"
        where = f"row {line + 1}, column {header}: a cell of {size / (1 << 20):,.0f} MB; "
    return InputError(
        f"{src.display}: {where}a row is longer than {limit >> 20} MB, the limit "
        "(limits.csv_row_mb in rules/settings.yaml); no export holds such a cell: export it "
        "again, or raise the limit"
    )


def _ragged_rows_are_utf8(src: SourceFile, names: list[str], wanted: dict[str, int]) -> bool:
    """Whether every ragged row of the file is UTF-8 text, as pyarrow must make it to
    hand the row to a row handler. Only a damaged file is read so.

    The rows are found in copies of the file that split into the same rows and cells as
    the file: every ASCII byte stays in its place, and only ASCII bytes end cells and rows
    (`,` `"` tab CR LF). First each non-ASCII byte is one control byte the file lacks: a
    ragged row without it is ASCII. Else the bytes that are not UTF-8 are replaced by a
    mark the file does not hold, and a ragged row was not UTF-8 where it holds the mark."""
    data = src.path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return True
    first = dict(list(wanted.items())[:1])  # any column: only the rows are looked at
    spare = next((b for b in _SPARE_BYTES if b not in data), None)
    if spare is not None:
        ascii_only = data.translate(bytes.maketrans(bytes(range(128, 256)), bytes([spare]) * 128))
        rows = _ragged_texts(src, pa.py_buffer(ascii_only), names, first)
        if not any(chr(spare) in row for row in rows):
            return True
    if "\ufffd".encode() not in data:
        mark, text = "\ufffd", data.decode("utf-8", errors="replace")
    else:  # the file holds U+FFFD itself: the mark is a private-use character it lacks
        text = data.decode("utf-8", errors="surrogateescape")
        mark = next((chr(c) for c in range(0xF0000, 0x110000) if chr(c) not in text), "")
        if not mark:
            return False  # all 131,072 of them: read as if a ragged row were not UTF-8
        text = re.sub("[\udc80-\udcff]+", mark, text)
    rows = _ragged_texts(src, pa.py_buffer(text.encode("utf-8")), names, first)
    return not any(mark in row for row in rows)


# Control bytes pyarrow's CSV parser treats as any other byte of a cell (not tab, LF, CR).
_SPARE_BYTES = (*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))


def _ragged_texts(
    src: SourceFile, data: pa.Buffer, names: list[str], wanted: dict[str, int]
) -> list[str]:
    """The text of each ragged row of `data` (UTF-8 bytes) split as the file is."""
    texts: list[str] = []

    def keep(row: Any) -> str:
        texts.append(row.text)
        return "skip"

    _arrow_csv(src, pa.BufferReader(data), names, wanted, keep)
    return texts
