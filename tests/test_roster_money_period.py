"""Roster account mapping, money rounding and month boundaries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from csops.domain.money import fen_to_yuan, money_str, round_fen
from csops.domain.period import Month
from csops.domain.roster import Roster
from csops.errors import InputError, UsageError


def roster_frame(rows: list[tuple[str, str, str | None]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["staff_id", "name", "accounts"])
    frame["hired_on"] = pd.NaT
    frame["left_on"] = pd.NaT
    frame["_file"] = "roster.xlsx"
    frame["_row"] = range(2, 2 + len(rows))
    return frame


def test_accounts_match_full_name_and_nickname() -> None:
    roster = Roster.from_frame(
        roster_frame(
            [
                ("1001", "小美", "星辰家居旗舰店:小美"),
                ("1002", "阿杰", "星辰家居旗舰店:阿杰, 星辰家居专营店:阿杰2"),
                ("1003", "小美二", "另一店:小美"),
            ]
        )
    )
    found = roster.staff_for_accounts(
        pd.Series(["星辰家居旗舰店:小美", "阿杰", "阿杰2", "小美", "陌生人"], dtype="str")
    )
    # `小美` is the nickname of two staff members: it identifies nobody.
    assert found.tolist()[:3] == ["1001", "1002", "1002"]
    assert found.isna().tolist()[3:] == [True, True]


def test_duplicate_staff_id_is_an_error() -> None:
    with pytest.raises(InputError, match=r"2 roster rows share a 工号 \(1001\).*rows 2, 3"):
        Roster.from_frame(roster_frame([("1001", "小美", None), ("1001", "阿杰", None)]))


def test_active_in_month_uses_hire_and_leave_dates() -> None:
    frame = roster_frame([("1", "a", None), ("2", "b", None), ("3", "c", None), ("4", "d", None)])
    frame["hired_on"] = pd.to_datetime([None, "2026-10-31", "2026-11-01", None])
    frame["left_on"] = pd.to_datetime([None, None, None, "2026-09-30"])
    active = Roster.from_frame(frame).active_in(Month(2026, 10))
    assert active["staff_id"].tolist() == ["1", "2"]


@pytest.mark.parametrize(
    ("amount", "mode", "expected"),
    [("0.125", "half_up", "0.13"), ("0.125", "half_even", "0.12"), ("0.129", "down", "0.12")],
)
def test_round_fen_modes(amount: str, mode: str, expected: str) -> None:
    assert money_str(round_fen(Decimal(amount), mode)) == expected


def test_fen_to_yuan_is_exact() -> None:
    assert fen_to_yuan(12850) == Decimal("128.50")


def test_month_parse_and_edges() -> None:
    month = Month.parse("2026-10")
    assert (month.start, month.end) == (pd.Timestamp("2026-10-01"), pd.Timestamp("2026-11-01"))
    times = pd.Series(pd.to_datetime(["2026-10-31 23:59:59", "2026-11-01 00:00:00"]))
    assert month.contains(times).tolist() == [True, False]
    assert str(Month.parse("last", today=date(2026, 1, 1))) == "2025-12"
    with pytest.raises(UsageError, match="--month '2026-13': expected a month as YYYY-MM"):
        Month.parse("2026-13")
