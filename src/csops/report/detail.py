"""The one CSV writer: `--format csv` of every command (`write_csv`) and the detail files
beside a workbook (`write_csv_parts`, `write_detail_csv`), whole-column.

A workbook holds row-level detail only up to `settings.detail_row_limit` rows (a workbook
cell costs about 20 µs); beyond that a sheet goes to a CSV file (UTF-8 with BOM, so Excel
opens it) next to the workbook. The cells are those of `report.cells.csv_cell`, made with
Arrow compute: each column formatted once
(Python formatting only for each distinct number or Decimal, dates by `strftime` in
C++), text made inert (a leading `'` before = + - @ tab CR), quoted as Python's csv
module quotes (a cell holding a comma, a quote or a line feed), and the rows joined into
one buffer per chunk of rows.

Excel opens only the first 1,048,576 lines of a CSV file, so a sheet of more rows goes to
numbered files `<stem>.1.csv`, `<stem>.2.csv`, … of at most `CSV_FILE_ROWS` rows and the
header each (`csv_files`), cut where the first column changes (`part_bounds`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from csops.domain.chatlog import changes
from csops.report.cells import (
    DANGEROUS_PREFIXES,
    LONG_DIGITS,
    Column,
    ColumnType,
    Sheet,
    csv_cell,
)
from csops.report.files import _remove_stale_parts, atomic_path
from csops.report.labels import label

CHUNK_ROWS = 500_000  # rows formatted at a time (bounds the memory of the text)
# Excel shows at most 1,048,576 lines of a CSV file: the header and this many rows.
CSV_FILE_ROWS = 1_048_575


@dataclass(frozen=True)
class CsvPart:
    """Rows `start:stop` of a sheet, written to the file `name`."""

    name: str
    start: int
    stop: int


def part_bounds(
    frame: pd.DataFrame, key: str | None, most: int = CSV_FILE_ROWS
) -> list[tuple[int, int]]:
    """The row ranges of the CSV files a sheet goes to, so that Excel opens each whole: one
    file when the rows fit, else files of at most `most` rows, each cut where `frame[key]`
    changes (one staff member's waits, one order's lines stay in one file) unless a single
    value has more rows than a file holds."""
    if most < 1:
        raise ValueError(f"a CSV file holds at least one row, not {most}")
    n = len(frame)
    if n <= most:
        return [(0, n)]
    heads = _group_heads(frame[key]) if key is not None and key in frame else np.arange(n)
    bounds = []
    start = 0
    while n - start > most:
        limit = start + most
        cut = int(heads[np.searchsorted(heads, limit, side="right") - 1])  # last head ≤ limit
        if cut <= start:  # one value fills the file: cut inside it
            cut = limit
        bounds.append((start, cut))
        start = cut
    bounds.append((start, n))
    return bounds


def _group_heads(values: pd.Series) -> np.ndarray:
    """The rows whose value differs from the row before (and row 0)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
    else:
        codes = pd.factorize(values)[0]  # missing values: one code, -1
    return np.flatnonzero(changes(codes))


def csv_files(
    sheet: Sheet, target: Path, most: int = CSV_FILE_ROWS
) -> list[tuple[Path, tuple[int, int]]]:
    """The files `sheet` goes to as CSV, with their rows: `target` when it fits in one,
    else `<stem>.1.csv`, `<stem>.2.csv`, … cut by `part_bounds` at its first column."""
    key = sheet.columns[0].key if sheet.columns else None
    bounds = part_bounds(sheet.frame, key, most)
    if len(bounds) == 1:
        return [(target, bounds[0])]
    return [
        (target.with_name(f"{target.stem}.{i}{target.suffix}"), rows)
        for i, rows in enumerate(bounds, 1)
    ]


def _text_buffers(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The offsets (one more than the rows) and the UTF-8 bytes of a string array with no
    nulls, as numpy views."""
    width = np.int64 if pa.types.is_large_string(text.type) else np.int32
    offsets = np.frombuffer(text.buffers()[1], dtype=width)[
        text.offset : text.offset + len(text) + 1
    ]
    data = text.buffers()[2]
    return offsets, np.frombuffer(data, dtype=np.uint8) if data is not None else np.empty(
        0, np.uint8
    )


def _byte_table(chars: str) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[list(chars.encode())] = True
    return table


# Each dangerous prefix is one ASCII character (a test checks it): a first byte.
_DANGEROUS_FIRST = _byte_table("".join(DANGEROUS_PREFIXES))
_QUOTE_BYTES = _byte_table(',"\r\n')  # as Python's csv module quotes


def _starting_with(text: pa.Array, table: np.ndarray) -> np.ndarray:
    """Rows whose first byte is in `table` (a numpy look at the first bytes: 10× faster
    than a regex over the column)."""
    if len(text) == 0:
        return np.zeros(0, dtype=bool)
    offsets, data = _text_buffers(text)
    starts = offsets[:-1]
    filled = offsets[1:] > starts
    out = np.zeros(len(text), dtype=bool)
    out[filled] = table[data[starts[filled]]]
    return out


def _holding(text: pa.Array, table: np.ndarray) -> np.ndarray:
    """Rows holding any byte in `table` (ASCII bytes never occur inside a multi-byte
    UTF-8 character)."""
    if len(text) == 0:
        return np.zeros(0, dtype=bool)
    offsets, data = _text_buffers(text)
    at = np.flatnonzero(table[data[offsets[0] : offsets[-1]]]) + offsets[0]
    out = np.zeros(len(text), dtype=bool)
    out[np.searchsorted(offsets, at, side="right") - 1] = True
    return out


def _changed(text: pa.Array, rows: np.ndarray, change: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """`text` with the cells at `rows` (bool) replaced by `change` of them."""
    if len(text) == 0 or not rows.any():
        return text
    mask = pa.array(rows)
    return pc.replace_with_mask(text, mask, change(text.filter(mask)))


def _inert(text: pa.Array) -> pa.Array:
    """`output.inert` on a whole column of text (no nulls)."""
    text = _single(text)
    return _changed(
        text,
        _starting_with(text, _DANGEROUS_FIRST),
        lambda cells: pc.binary_join_element_wise("'", cells, ""),
    )


def _excel_text(text: pa.Array) -> pa.Array:
    """`cells.excel_text` on a whole column: long digit strings as `="…"`."""
    text = _single(text)
    digits = pc.fill_null(pc.match_substring_regex(text, LONG_DIGITS), False)
    return _changed(
        text,
        digits.to_numpy(zero_copy_only=False),
        lambda cells: pc.binary_join_element_wise('="', cells, '"', ""),
    )


def _single(text: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One array with no nulls (a missing cell is written as nothing either way)."""
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    return pc.fill_null(text, "") if text.null_count else text


def _by_distinct(values: pd.Series, type_: ColumnType) -> pa.Array:
    """Python formatting of each distinct value, spread back over the rows."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = pa.array([csv_cell(v, type_) for v in uniques] + [""], type=pa.string())
    return texts.take(pa.array(np.where(codes < 0, len(uniques), codes)))


_CLOCK = np.frombuffer(
    "".join(f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86_400)).encode(),
    dtype=np.uint8,
).reshape(86_400, 8)  # "HH:MM:SS" of every second of a day


def _datetimes(values: pd.Series, type_: ColumnType) -> pa.Array:
    """`YYYY-MM-DD HH:MM:SS` (or the date) from tables of the days the column spans and of
    the seconds of a day, gathered as fixed-width records: C speed, where Arrow's strftime
    and numpy's ISO text take about a microsecond a value. The cast to seconds floors, as
    datetime.strftime does."""
    missing = values.isna().to_numpy()
    seconds = values.to_numpy().astype("datetime64[s]").astype(np.int64)
    seconds = np.where(missing, 0, seconds)
    days = np.floor_divide(seconds, 86_400)
    n = len(values)
    fields = [("date", "V10")] + ([("gap", "V1"), ("clock", "V8")] if type_ == "datetime" else [])
    out = np.empty(n, dtype=np.dtype(fields))
    if n:
        first = int(days.min())
        span = np.arange(first, int(days.max()) + 1).astype("datetime64[D]")
        dates = np.frombuffer("".join(str(d) for d in span).encode(), dtype="V10")
        out["date"] = dates[days - first]
        if type_ == "datetime":
            out["gap"] = np.frombuffer(b" ", dtype="V1")[0]
            out["clock"] = _CLOCK.view("V8").ravel()[seconds - days * 86_400]
    width = out.dtype.itemsize
    big = n * width >= 2**31  # beyond 32-bit offsets
    kind = np.int64 if big else np.int32
    if not missing.any():
        offsets = np.arange(0, (n + 1) * width, width, dtype=kind)
        data = pa.py_buffer(out)
    else:
        offsets = np.zeros(n + 1, dtype=kind)
        np.cumsum(np.where(missing, 0, width), out=offsets[1:])
        data = pa.py_buffer(out[~missing].tobytes())
    array_type = pa.LargeStringArray if big else pa.StringArray
    return array_type.from_buffers(n, pa.py_buffer(offsets), data)


def _category_cells(dtype: pd.CategoricalDtype, type_: ColumnType) -> pa.Array:
    """The cells of each category, and "" (for a missing value) last."""
    texts = csv_cells(pd.Series(dtype.categories), type_)
    return pa.concat_arrays([texts, pa.array([""], texts.type)])


def _spread(cells: pa.Array, values: pd.Series) -> pa.Array:
    codes = values.cat.codes.to_numpy()
    return cells.take(pa.array(np.where(codes < 0, len(cells) - 1, codes)))


def csv_cells(values: pd.Series, type_: ColumnType, categories: pa.Array | None = None) -> pa.Array:
    """The cells of one column as `report.cells.csv_cell` makes them, quoted where needed.
    `categories`: the `_category_cells` of a categorical column, when already made."""
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        # Each category once, then spread by the codes.
        return _spread(_category_cells(dtype, type_) if categories is None else categories, values)
    if pd.api.types.is_datetime64_dtype(dtype):
        return _datetimes(values, type_)
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        text = pc.fill_null(pa.array(values, type=pa.string(), from_pandas=True), "")
        # Digits wrapped last, unquoted: `="4017…"` as Taobao writes it.
        return _excel_text(_quoted(_inert(text)))
    if pd.api.types.is_integer_dtype(dtype) and type_ in ("text", "int", "number"):
        ints = pa.array(values, from_pandas=True)
        return pc.fill_null(pc.cast(ints, pa.string()), "")
    cells = _by_distinct(values, type_)
    return _excel_text(_quoted(cells)) if pd.api.types.is_object_dtype(dtype) else cells


def _quoted(text: pa.Array) -> pa.Array:
    """Python's csv quoting: a cell holding a comma, a quote or a line feed."""
    text = _single(text)
    return _changed(
        text,
        _holding(text, _QUOTE_BYTES),
        lambda cells: pc.binary_join_element_wise(
            '"', pc.replace_substring(cells, '"', '""'), '"', ""
        ),
    )


def _column(frame: pd.DataFrame, column: Column) -> pd.Series:
    if column.key in frame:
        return frame[column.key]
    return pd.Series("", index=frame.index, dtype=object)


def write_csv_file(
    sheet: Sheet, lang: str, path: Path, rows: tuple[int, int] | None = None
) -> None:
    """`sheet` (its rows `start:stop` with `rows`) as a CSV file (UTF-8 with BOM) at
    `path`: the text `write_csv` writes, with a BOM."""
    write_csv_parts(sheet, lang, [(path, (0, len(sheet.frame)) if rows is None else rows)])


def _header(sheet: Sheet, lang: str) -> str:
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow([label(c.key, lang) for c in sheet.columns])
    return header.getvalue()


def _categories(sheet: Sheet) -> dict[str, pa.Array]:
    """A categorical column's categories formatted once, not once per chunk of rows (a
    million buyers' nicks took 0.15 s a chunk)."""
    out = {}
    for column in sheet.columns:
        dtype = sheet.frame[column.key].dtype if column.key in sheet.frame else None
        if isinstance(dtype, pd.CategoricalDtype):
            out[column.key] = _category_cells(dtype, column.type)
    return out


def _lines(sheet: Sheet, categories: dict[str, pa.Array], start: int, stop: int) -> memoryview:
    """Rows `start:stop` as CSV lines, joined."""
    part = sheet.frame.iloc[start:stop]
    cells = [
        csv_cells(_column(part, column), column.type, categories.get(column.key))
        for column in sheet.columns
    ]
    if len(cells) == 1:
        # csv writes a row of one empty cell as "" (an empty line is no row).
        cells[0] = pc.if_else(pc.equal(cells[0], ""), '""', cells[0])
    # The line feed goes on the last cell (short), not on the joined row (long).
    cells[-1] = pc.binary_join_element_wise(cells[-1], "\n", "")
    joined = pc.binary_join_element_wise(*cells, ",") if len(cells) > 1 else cells[0]
    return _joined_bytes(joined)


def write_csv(sheet: Sheet, lang: str, stream: IO[str]) -> None:
    """`sheet` as CSV text (`--format csv` of a command; no BOM: the caller adds one to a
    file)."""
    if not sheet.columns:
        stream.write("\n")
        return
    stream.write(_header(sheet, lang))
    categories = _categories(sheet)
    for start in range(0, len(sheet.frame), CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, len(sheet.frame))
        stream.write(bytes(_lines(sheet, categories, start, stop)).decode("utf-8"))


def write_csv_parts(sheet: Sheet, lang: str, files: Sequence[tuple[Path, tuple[int, int]]]) -> None:
    """`sheet` as CSV files (UTF-8 with BOM), each with the header and its rows
    `start:stop` (`csv_files`), a chunk of rows at a time (the memory of the text stays
    bounded)."""
    head = _header(sheet, lang).encode("utf-8-sig")
    categories = _categories(sheet)
    with ExitStack() as stack:
        for path, (first, stop) in files:  # every file gets its header, a file of no rows too
            handle = stack.enter_context(path.open("wb"))
            handle.write(head)
            for start in range(first, stop, CHUNK_ROWS):
                handle.write(_lines(sheet, categories, start, min(start + CHUNK_ROWS, stop)))


def _joined_bytes(lines: pa.Array | pa.ChunkedArray) -> memoryview:
    """The concatenated bytes of a string array: its data buffer between its offsets."""
    if isinstance(lines, pa.ChunkedArray):  # a column that came chunked (e.g. KPI detail)
        lines = lines.combine_chunks()
    if len(lines) == 0:
        return memoryview(b"")
    offsets, data = _text_buffers(lines)
    return data[offsets[0] : offsets[-1]].data  # a view of the bytes, no copy


def remove_other_csv(target: Path, keep: Collection[Path]) -> None:
    """Remove the CSV files of `target`'s sheet that are not in `keep` — `target` itself and
    numbered `<stem>.<n>.csv` of an earlier run (the sheet now in the workbook, or cut into
    fewer or more files) — and the temporary files of killed runs writing any of them."""
    finals = re.compile(rf"{re.escape(target.stem)}(\.\d+)?\.csv")
    temporaries = re.compile(rf"\.({re.escape(target.stem)}(\.\d+)?\.csv)\.\d+\..*\.part")
    kept = {path.name for path in keep}
    for path in list(target.parent.iterdir()):
        if finals.fullmatch(path.name) and path.name not in kept:
            path.unlink(missing_ok=True)
        elif match := temporaries.fullmatch(path.name):
            _remove_stale_parts(target.with_name(match.group(1)))  # of processes gone


def write_detail_csv(
    sheet: Sheet, lang: str, target: Path, most: int = CSV_FILE_ROWS
) -> list[Path]:
    """`sheet` as CSV (UTF-8 with BOM) at `target`, or, when it has more rows than Excel
    opens, as files `<stem>.1.csv`, `<stem>.2.csv`, … (`part_bounds` by its first
    column); every file written atomically, then the files of an earlier write of another
    shape removed (`remove_other_csv`). Returns the paths written."""
    files = csv_files(sheet, target, most)
    with ExitStack() as stack:
        staged = [(stack.enter_context(atomic_path(path)), rows) for path, rows in files]
        write_csv_parts(sheet, lang, staged)
    paths = [path for path, _ in files]
    remove_other_csv(target, paths)
    return paths
