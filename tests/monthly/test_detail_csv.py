"""The whole-column CSV writer (`csops.report.detail`) against the cell-by-cell one, on
random text: its byte-level shortcuts (first bytes, quote bytes) must change nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import csops.report.detail
from csops.report.cells import DANGEROUS_PREFIXES, Column, Sheet, inert
from csops.report.detail import part_bounds, write_csv, write_detail_csv

# Cells made of the characters that matter: the dangerous prefixes, the bytes that need
# quoting, multi-byte text and plain letters.
CELL = st.one_of(
    st.none(),
    st.text(alphabet=list("=+-@\t\r,\"\n 'a1客服，“”") + ["😀"], max_size=8),
)


def test_every_dangerous_prefix_is_one_ascii_character() -> None:
    """The writer looks at the first byte of each cell only."""
    assert all(len(p) == 1 and p.isascii() for p in DANGEROUS_PREFIXES)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(CELL, CELL), max_size=12), st.integers(1, 5))
def test_random_text_reads_back_as_its_inert_cells_in_every_chunking(
    rows: list[tuple[str | None, str | None]], chunk: int
) -> None:
    """The one CSV writer: read back with Python's csv module, every cell is the value's
    text, made inert where a spreadsheet would run it (a leading `'` before = + - @ tab CR),
    however the rows are chunked; no cell Excel would evaluate, no row split by a CR or LF."""
    frame = pd.DataFrame(
        {
            "t": pd.array([r[0] for r in rows], dtype="str"),
            "c": pd.Categorical([r[1] for r in rows]),
        }
    )
    sheet = Sheet("s", frame, [Column("t"), Column("c")])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csops.report.detail, "CHUNK_ROWS", chunk)  # slices of one array
        written = _written(lambda path: write_detail_csv(sheet, "zh", path))
        text = io.StringIO()
        write_csv(sheet, "zh", text)
    assert written.decode("utf-8-sig") == text.getvalue()  # a file is the text with a BOM
    header, *back = list(csv.reader(io.StringIO(text.getvalue(), newline="")))
    expected = [["" if v is None else inert(v) for v in row] for row in rows]
    assert back == expected
    assert not any(cell.startswith(DANGEROUS_PREFIXES) for row in back for cell in row)


def _written(write: object) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.csv"
        write(path)  # type: ignore[operator]
        return path.read_bytes()


# ---------------------------------------------------------------- files Excel opens whole


def _cuts(values: list[str], most: int) -> list[tuple[int, int]]:
    return part_bounds(pd.DataFrame({"k": values}), "k", most)


def test_a_sheet_that_fits_goes_to_one_file() -> None:
    assert _cuts(list("aabbc"), 5) == [(0, 5)]
    assert _cuts([], 5) == [(0, 0)]


def test_files_are_cut_where_the_first_column_changes() -> None:
    """Each file holds at most `most` rows, and one value's rows stay in one file."""
    values = list("aaabbccccdde")
    assert _cuts(values, 5) == [(0, 5), (5, 9), (9, 12)]  # aaabb | cccc | dde


def test_a_value_with_more_rows_than_a_file_holds_is_cut_inside() -> None:
    assert _cuts(list("abbbbbbbc"), 3) == [(0, 1), (1, 4), (4, 7), (7, 9)]


def test_a_categorical_first_column_is_cut_by_its_codes() -> None:
    frame = pd.DataFrame({"k": pd.Categorical(list("xxyyyz"), categories=list("zyx"))})
    assert part_bounds(frame, "k", 4) == [(0, 2), (2, 6)]


def test_the_files_are_numbered_beside_the_name_and_hold_every_row_once(
    tmp_path: Path,
) -> None:
    """Each file has the header and its rows, as `write_csv` writes them; together they
    hold the sheet's rows in order."""
    frame = pd.DataFrame({"staff": list("aaabbccccdde"), "n": range(12)})
    sheet = Sheet("s", frame, [Column("staff"), Column("n", "int")])
    target = tmp_path / "book.waits.csv"
    paths = write_detail_csv(sheet, "zh", target, most=5)
    assert [p.name for p in paths] == ["book.waits.1.csv", "book.waits.2.csv", "book.waits.3.csv"]
    assert not target.exists()
    whole = io.StringIO()
    write_csv(sheet, "zh", whole)
    header, *rows = whole.getvalue().splitlines(keepends=True)
    texts = [p.read_text(encoding="utf-8-sig") for p in paths]
    assert all(t.startswith(header) for t in texts)
    assert "".join(t[len(header) :] for t in texts) == "".join(rows)
    assert [t.count("\n") - 1 for t in texts] == [5, 4, 3]


def test_writing_again_in_another_shape_removes_the_earlier_files(tmp_path: Path) -> None:
    """Three files, then two, then one: no file of an earlier write is left beside the new
    ones (orders would be counted twice), nor a killed writer's temporary file."""
    frame = pd.DataFrame({"order": [f"o{i // 2}" for i in range(12)], "n": range(12)})
    sheet = Sheet("s", frame, [Column("order"), Column("n", "int")])
    target = tmp_path / "c.orders.csv"
    other = tmp_path / "c.evidence.1.csv"  # another sheet's file stays
    other.write_text("x", encoding="utf-8")
    assert len(write_detail_csv(sheet, "zh", target, most=5)) == 3
    killed = tmp_path / ".c.orders.3.csv.999999999.k3j9.part"  # a writer that is gone
    killed.write_text("half", encoding="utf-8")
    assert [p.name for p in write_detail_csv(sheet, "zh", target, most=6)] == [
        "c.orders.1.csv",
        "c.orders.2.csv",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "c.evidence.1.csv",
        "c.orders.1.csv",
        "c.orders.2.csv",
    ]
    assert write_detail_csv(sheet, "zh", target) == [target]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.evidence.1.csv", "c.orders.csv"]


def test_a_file_holds_at_least_one_row() -> None:
    with pytest.raises(ValueError, match="at least one row"):
        _cuts(list("ab"), 0)
