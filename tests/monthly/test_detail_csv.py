"""The whole-column CSV writer (`csops.report.detail`) against the cell-by-cell one, on
random text: its byte-level shortcuts (first bytes, quote bytes) must change nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

import csops.report.detail
from csops.report.detail import write_detail_csv
from csops.report.output import DANGEROUS_PREFIXES, Column, Report, Sheet, emit

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
def test_random_text_is_written_as_write_csv_writes_it(
    rows: list[tuple[str | None, str | None]], chunk: int
) -> None:
    frame = pd.DataFrame(
        {
            "t": pd.array([r[0] for r in rows], dtype="str"),
            "c": pd.Categorical([r[1] for r in rows]),
        }
    )
    sheet = Sheet("s", frame, [Column("t"), Column("c")])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csops.report.detail, "CHUNK_ROWS", chunk)  # slices of one array
        fast = _written(lambda path: write_detail_csv(sheet, "zh", path))
    slow = _written(
        lambda path: emit(Report({}, [sheet]), "csv", path, "zh", Console(file=io.StringIO()))
    )
    assert fast == slow


def _written(write: object) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.csv"
        write(path)  # type: ignore[operator]
        return path.read_bytes()
