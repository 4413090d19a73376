"""The fast paths of reading and cleaning give exactly what the plain paths give.

Reading a big month quickly takes shortcuts (ingest/clean_*.py, csv_read.py, decode.py): values
parsed once per distinct text, regexes only on pre-selected cells, UTF-8 validated by
pyarrow while it parses, columns kept in the chunks pyarrow read them in. Each shortcut
is checked here against the plain way on the same data.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from csops.ingest.clean_base import WHITESPACE
from csops.ingest.clean_times import _parse_datetime_forms, parse_datetime_text
from csops.ingest.clean_values import (
    _int,
    _money,
    _number,
    clean_int,
    clean_money,
    clean_number,
    clean_text,
)
from csops.ingest.discover import Inputs
from csops.rules import RuleSet
from csops.schemas import KINDS

BAD_INPUTS = Path(__file__).parent.parent / "bad_inputs" / "files"


def test_whitespace_is_the_set_python_and_arrow_trim() -> None:
    every = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    assert set(WHITESPACE) == {ch for ch in every if ch.isspace()}
    cells = pa.array([f"{ch}值{ch}" for ch in every[:0x3100]])
    assert pc.utf8_trim(cells, characters=WHITESPACE).equals(pc.utf8_trim_whitespace(cells))


MONEY = ["128.50", "¥1,280.00", "99元", " 12 ", "-5", "abc", "", "-", "29.849999999999998", None]
NUMBERS = ["1", "1.0", "0.5", "2.50", "x", "", "null", "1e3", None, "'3"]
DATES = [
    "2026-10-03 14:05:00",
    "2026/10/3 14:05",
    "2026年5月23日",
    "26-10-08 星期四",
    "46299.5",
    "2026-02-30",
    "1999-12-31",
    "2100-01-01 00:00:00",
    "昨天",
    "",
    "--",
    None,
    '="2026-10-03 14:05:00"',
]


def _same(fast: tuple[pd.Series, pd.Series], plain: tuple[pd.Series, pd.Series]) -> None:
    pd.testing.assert_series_equal(fast[0], plain[0], check_dtype=False)
    assert fast[1].tolist() == plain[1].tolist()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(MONEY), min_size=1, max_size=40))
def test_money_per_distinct_value_equals_cell_by_cell(cells: list[str | None]) -> None:
    s = pd.Series(cells * 3, dtype="str")  # repeated: the per-distinct path is taken
    _same(clean_money(s), _money(s))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(NUMBERS), min_size=1, max_size=40))
def test_numbers_per_distinct_value_equal_cell_by_cell(cells: list[str | None]) -> None:
    s = pd.Series(cells * 3, dtype="str")
    _same(clean_number(s), _number(s))
    _same(clean_int(s), _int(s))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(DATES), min_size=1, max_size=40))
def test_dates_fast_path_equals_the_pandas_forms(cells: list[str | None]) -> None:
    s = pd.Series(cells * 3, dtype="str")
    fast_values, fast_bad = parse_datetime_text(s)
    plain_values, plain_bad = _parse_datetime_forms(s)
    assert fast_values.astype("datetime64[us]").tolist() == plain_values.tolist()
    assert fast_bad.tolist() == plain_bad.tolist()


def test_iso_dates_take_the_arrow_cast_and_keep_the_year_check() -> None:
    values, bad = parse_datetime_text(
        pd.Series(["2026-10-03 14:05:00", "1999-12-31 23:59:59", "2026-10-04"], dtype="str")
    )
    assert values.dtype == "datetime64[us]"
    assert values.tolist()[0] == pd.Timestamp("2026-10-03 14:05:00")
    assert pd.isna(values[1])
    assert bad.tolist() == [False, True, False]


def test_text_in_several_chunks_is_cleaned_in_every_chunk() -> None:
    chunks = pa.chunked_array(
        [
            pa.array(["  a ", "b"], pa.large_string()),
            pa.array(["'=SUM(A1)", "\u3000"], pa.large_string()),
        ],
        pa.large_string(),
    )
    s = pd.Series(chunks.to_pandas().array)
    assert pa.array(s).num_chunks == 2  # the Series keeps both chunks
    values, _ = clean_text(s)
    assert [v if isinstance(v, str) else None for v in values] == ["a", "b", "=SUM(A1)", None]


def _load_all(folder: Path, rules: RuleSet) -> Inputs:
    return Inputs.scan(rules, folder).load(list(KINDS), strict=False, lazy=True)


# The bad-input cases that hold export files (the others hold only rule files).
FOLDERS = sorted(
    p
    for p in BAD_INPUTS.iterdir()
    if p.is_dir() and any(f.suffix in (".csv", ".xlsx") for f in p.rglob("*"))
)


HEADER = "订单号,买家昵称,实付金额,订单状态,付款时间,商家备注,旗帜,退款金额\n"
ROWS = 150_000  # above pyarrow's 4 MB block: the columns arrive in several chunks


def _big_orders(path: Path, special: dict[int, str], encoding: str = "utf-8") -> None:
    """ROWS orders; data row i (1-based) replaced by special[i] when given."""
    lines = [
        special.get(
            i,
            f"40120000{i:011d},买家{i % 97},{i % 500}.50,交易成功,"
            f"2026-10-{i % 28 + 1:02d} 10:00:00,,0,0",
        )
        for i in range(1, ROWS + 1)
    ]
    path.write_bytes((HEADER + "\n".join(lines) + "\n").encode(encoding))


def test_a_big_file_read_in_chunks_and_threads_keeps_every_rule(
    rules: RuleSet, tmp_path: Path
) -> None:
    _big_orders(
        tmp_path / "orders.csv",
        {
            140_000: '="4012000000000140000",\u3000小王 ,"¥1,280.00",交易成功,'
            "2026/10/3 8:05,'=SUM(A1),1,-",
            149_999: "4.01E+18,老李,1,交易成功,2026-10-03 10:00:00,,0,0",
        },
    )
    inputs = Inputs.scan(rules, tmp_path).load(["orders"], strict=False)
    frame = inputs.frame("orders")
    assert len(frame) == ROWS
    row = frame[frame["_row"] == 140_001].iloc[0]  # data row 140,000 is sheet row 140,001
    assert row["order_id"] == "4012000000000140000"
    assert row["buyer"] == "小王"
    assert row["paid_amount_fen"] == 128_000
    assert row["paid_at"] == pd.Timestamp("2026-10-03 08:05:00")
    assert row["memo"] == "=SUM(A1)"
    assert pd.isna(row["refund_amount_fen"])
    [problem] = inputs.files[0].problems
    assert "scientific notation" in problem.message
    assert problem.rows == [150_000]


def test_a_big_utf8_file_with_a_damaged_cell_far_down_names_its_row(
    rules: RuleSet, tmp_path: Path
) -> None:
    path = tmp_path / "orders.csv"
    _big_orders(path, {})
    data = path.read_bytes()
    cell = ",买家3,".encode()
    at = data.index(cell, len(data) - 20_000)  # a buyer cell in the last rows
    damaged = data[:at] + b",\xd0\xa1\xcd\xf5," + data[at + len(cell) :]
    path.write_bytes(damaged)  # 小王 in GBK bytes inside a UTF-8 file
    inputs = Inputs.scan(rules, tmp_path).load(["orders"], strict=False)
    assert len(inputs.frame("orders")) == ROWS
    [problem] = inputs.files[0].problems
    assert "not valid UTF-8" in problem.message
    row = damaged[:at].count(b"\n") + 1
    assert problem.rows == [row]
