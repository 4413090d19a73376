"""Cleaning rules for ids, money, dates and punch times, value by value."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csops.ingest.clean_times import clean_date, clean_punch, parse_datetime_text
from csops.ingest.clean_values import clean_id, clean_money, clean_order_id


def s(*values: str | None) -> pd.Series:
    return pd.Series(list(values), dtype="str")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('="4012345678901234567"', "4012345678901234567"),
        ("'4012345678901234567", "4012345678901234567"),
        ("\t4012345678901234567", "4012345678901234567"),
        (" 4012345678901234567 ", "4012345678901234567"),
        ("261031-123456789012345", "261031-123456789012345"),
    ],
)
def test_order_id_guards_are_removed(text: str, expected: str) -> None:
    values, bad = clean_order_id(s(text))
    assert values.tolist() == [expected]
    assert not bad.any()


@pytest.mark.parametrize("text", ["4.01E+18", "4.01234e+18", "4E+18", ""])
def test_order_id_lost_or_missing_is_flagged(text: str) -> None:
    _, bad = clean_order_id(s(text))
    assert bad.tolist() == [True]


def test_staff_id_from_excel_number() -> None:
    assert clean_id(s("1003.0", "1003", "'1004"))[0].tolist() == ["1003", "1003", "1004"]


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("128.50", 12850),
        ("¥1,280.00", 128000),
        ("￥1，280", 128000),
        ("99元", 9900),
        ("0.1", 10),
        ("0.07", 7),
        (".5", 50),
        ("29.849999999999998", 2985),
        ("12345678901.23", 1234567890123),
    ],
)
def test_money_is_exact_fen(text: str, fen: int) -> None:
    values, bad = clean_money(s(text))
    assert values.tolist() == [fen]
    assert not bad.any()


@pytest.mark.parametrize("text", ["-5.00", "abc", "12.345", "1.2.3"])
def test_money_unreadable(text: str) -> None:
    values, bad = clean_money(s(text))
    assert bad.tolist() == [True]
    assert values.isna().all()


@pytest.mark.parametrize("text", ["", "-", "--", None])
def test_money_empty_is_null_not_error(text: str | None) -> None:
    values, bad = clean_money(s(text))
    assert values.isna().all() and not bad.any()


@given(st.integers(min_value=0, max_value=10**13))
def test_money_round_trips_every_fen_amount(fen: int) -> None:
    text = f"{fen // 100}.{fen % 100:02d}"
    assert clean_money(s(text))[0].tolist() == [fen]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026/5/23 22:02", "2026-05-23 22:02:00"),
        ("2026-05-23 22:02:00", "2026-05-23 22:02:00"),
        ("2026-05-23T22:02:00", "2026-05-23 22:02:00"),
        ("2026年5月23日", "2026-05-23 00:00:00"),
        ("26-10-08 星期四", "2026-10-08 00:00:00"),
        ("2026-10-08 周四", "2026-10-08 00:00:00"),
        ("46299", "2026-10-04 00:00:00"),
        ("46299.5", "2026-10-04 12:00:00"),
    ],
)
def test_datetime_forms(text: str, expected: str) -> None:
    values, bad = parse_datetime_text(s(text))
    assert not bad.any()
    assert values.iloc[0] == pd.Timestamp(expected)


@pytest.mark.parametrize("text", ["2026-13-01", "2026-02-30", "昨天", "1999-12-31 10:00:00"])
def test_datetime_unreadable_or_implausible(text: str) -> None:
    values, bad = parse_datetime_text(s(text))
    assert bad.tolist() == [True]
    assert values.isna().all()


def test_date_drops_time() -> None:
    assert clean_date(s("2026-10-08 13:00"))[0].iloc[0] == pd.Timestamp("2026-10-08")


def test_punch_combines_with_row_date_and_next_day() -> None:
    day = clean_date(s("2026-10-08", "2026-10-08", "2026-10-08", "2026-10-08", "2026-10-08"))[0]
    values, bad = clean_punch(s("08:03", "次日 01:10", "缺卡", "", "2026-10-08 09:00:00"), day)
    assert values.tolist()[:2] == [
        pd.Timestamp("2026-10-08 08:03"),
        pd.Timestamp("2026-10-09 01:10"),
    ]
    assert values.isna().tolist()[2:4] == [True, True]
    assert values.iloc[4] == pd.Timestamp("2026-10-08 09:00")
    assert not bad.any()


@pytest.mark.parametrize("text", ["25:00", "8点", "08:61"])
def test_punch_unreadable(text: str) -> None:
    day = clean_date(s("2026-10-08"))[0]
    assert clean_punch(s(text), day)[1].tolist() == [True]


def test_cleaners_keep_a_non_range_index() -> None:
    """A subset of rows (index 10, 11) must come back on the same labels, not re-aligned."""
    texts = pd.Series(["2026/5/23 22:02", "26-10-08 星期四"], index=[10, 11], dtype="str")
    values, bad = parse_datetime_text(texts)
    assert values.index.tolist() == [10, 11]
    assert values.tolist() == [pd.Timestamp("2026-05-23 22:02"), pd.Timestamp("2026-10-08")]
    assert not bad.any()
    money, _ = clean_money(pd.Series(["¥1.00", "2"], index=[5, 9], dtype="str"))
    assert money.tolist() == [100, 200] and money.index.tolist() == [5, 9]
    ids, _ = clean_order_id(pd.Series(['="1"', "'2"], index=[3, 4], dtype="str"))
    assert ids.tolist() == ["1", "2"]
