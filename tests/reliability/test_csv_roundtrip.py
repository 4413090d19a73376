"""Every CSV csops writes goes through one writer: read back with Python's csv module it
gives the same cells, a CR or LF inside a cell starts no row, no cell is one a
spreadsheet would evaluate but csops's own `="4017…"` around a long digit string, which
Excel then keeps as text (issue 21, class 2; issue 22)."""

from __future__ import annotations

import csv
import io

import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from csops.report.cells import DANGEROUS_PREFIXES, Column, Sheet, excel_text, inert
from csops.report.detail import write_csv

cell = st.text(
    alphabet=st.sampled_from(list("ab小美1,\"'=+-@\t\r\n ;|!\u3000")),
    max_size=12,
) | st.from_regex(r"0?[0-9]{1,20}", fullmatch=True)  # IDs, and input that looks like one


def _evaluated(value: str) -> bool:
    """Whether a spreadsheet would evaluate the cell as anything but csops's own text
    formula around a digit string it checked (`="4017416467503361010"`)."""
    own = value.startswith('="') and value.endswith('"') and value[2:-1].isdigit()
    return value.startswith(DANGEROUS_PREFIXES) and not own


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(cell, cell), min_size=1, max_size=20))
@example([("a\r+cmd|' /C calc'!A0", "x\n=1+1")])
@example([('\r=HYPERLINK("x")', '"quoted"')])
@example([("4017416467503361010", '="4017416467503361010"')])  # an ID; input text like ours
def test_cells_read_back_the_same_and_inert(rows: list[tuple[str, str]]) -> None:
    frame = pd.DataFrame(rows, columns=["buyer", "memo"])
    sheet = Sheet("title.orders", frame, [Column("buyer"), Column("memo")])
    buffer = io.StringIO()
    write_csv(sheet, "en", buffer)
    back = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert back[1:] == [[excel_text(inert(a)), excel_text(inert(b))] for a, b in rows]
    for (a, b), line in zip(rows, back[1:], strict=True):
        for text, value in zip((a, b), line, strict=True):
            assert not _evaluated(value), value
            # Only a whole digit string is wrapped; text that starts with = is inert.
            assert value.startswith('="') == (text.isdigit() and excel_text(text) != text)
    # Split where Excel splits rows (CR or LF outside quotes): as many rows as written.
    assert len(back) == 1 + len(rows)
