"""Every CSV csops writes goes through one writer: read back with Python's csv module it
gives the same cells, a CR or LF inside a cell starts no row, and no cell is one a
spreadsheet would evaluate (issue 21, class 2)."""

from __future__ import annotations

import csv
import io

import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from csops.report.cells import DANGEROUS_PREFIXES, Column, Sheet, inert
from csops.report.detail import write_csv

cell = st.text(
    alphabet=st.sampled_from(list("ab小美1,\"'=+-@\t\r\n ;|!\u3000")),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(cell, cell), min_size=1, max_size=20))
@example([("a\r+cmd|' /C calc'!A0", "x\n=1+1")])
@example([('\r=HYPERLINK("x")', '"quoted"')])
def test_cells_read_back_the_same_and_inert(rows: list[tuple[str, str]]) -> None:
    frame = pd.DataFrame(rows, columns=["buyer", "memo"])
    sheet = Sheet("title.orders", frame, [Column("buyer"), Column("memo")])
    buffer = io.StringIO()
    write_csv(sheet, "en", buffer)
    back = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert back[1:] == [[inert(a), inert(b)] for a, b in rows]
    for line in back[1:]:
        for value in line:
            assert not value.startswith(DANGEROUS_PREFIXES), value
    # Split where Excel splits rows (CR or LF outside quotes): as many rows as written.
    assert len(back) == 1 + len(rows)
