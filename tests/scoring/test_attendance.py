"""Attendance derivation: one row per staff member per day, with shift, punches, lateness,
missed punches, leave coverage and 旷工; approved leave per calendar day."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from csops.domain.attendance import AttendanceMonth, derive_attendance
from csops.domain.attendance_leave import leave_calendar_days
from csops.domain.attendance_shifts import parse_shift
from csops.domain.period import Month
from csops.errors import InputError
from csops.rules import RuleSet
from csops.rules.scoring import ScoringRules
from csops.rules.vocab import ValueWords

from .frames import attendance_frame, leave_frame, roster_frame

OCT = Month(2026, 10)


def derive(
    rules: RuleSet,
    attendance: list[list[Any]],
    leave: list[list[Any]] | None = None,
    roster: list[list[Any]] | None = None,
    **kw: Any,
) -> AttendanceMonth:
    return derive_attendance(
        attendance_frame(attendance),
        leave_frame(leave or []),
        roster_frame(roster),
        OCT,
        rules.get(ScoringRules).attendance,
        rules.get(ValueWords),
        **kw,
    )


@pytest.mark.parametrize(
    ("text", "scheduled", "start", "end"),
    [
        ("白班", True, 8 * 60, 17 * 60),
        ("晚班", True, 17 * 60, 23 * 60),
        ("白班 08:00-17:00", True, 8 * 60, 17 * 60),
        ("白班08:30-17:30", True, 8 * 60 + 30, 17 * 60 + 30),
        ("09:00-18:00", True, 9 * 60, 18 * 60),
        ("晚班 17:00-次日01:00", True, 17 * 60, 25 * 60),
        ("夜班 22:00-06:00", True, 22 * 60, 30 * 60),
        ("A 08:30-12:00 13:30-18:00", True, 8 * 60 + 30, 18 * 60),
        ("白班 08：00-17：00", True, 8 * 60, 17 * 60),
        ("休息", False, 0, 0),
        ("", False, 0, 0),
    ],
)
def test_parse_shift(rules: RuleSet, text: str, scheduled: bool, start: int, end: int) -> None:
    shift = parse_shift(text, rules.get(ScoringRules).attendance)
    assert shift is not None
    assert (shift.scheduled, shift.start, shift.end) == (scheduled, start, end)


@pytest.mark.parametrize("text", ["中班", "白班 08:00", "白班 25:00-26:00"])
def test_parse_shift_unknown(rules: RuleSet, text: str) -> None:
    assert parse_shift(text, rules.get(ScoringRules).attendance) is None


def test_days_frame_values(rules: RuleSet) -> None:
    month = derive(
        rules,
        [
            ["1001", "2026-10-05", "白班", "08:45", "17:02"],  # 45 min late
            ["1001", "2026-10-06", "白班 08:00-17:00", "07:50", "16:40:30"],  # 19 min early
            ["1001", "2026-10-07", "晚班", None, "23:10"],  # missed clock-in
            ["1001", "2026-10-08", "白班", None, None],  # 旷工
            ["1001", "2026-10-09", "休息", None, None],  # rest
            ["1001", "2026-10-10", "白班", None, None],  # on leave
        ],
        leave=[["1001", "事假", "2026-10-10 08:00", "2026-10-10 17:00"]],
    )
    days = month.days.set_index(month.days["date"].dt.strftime("%m-%d"))
    assert days["late_minutes"].tolist()[:2] == [45, 0]
    assert bool(days.loc["10-05", "late"]) and not bool(days.loc["10-06", "late"])
    assert days.loc["10-06", "early_leave_minutes"] == 19
    assert bool(days.loc["10-06", "early_leave"])
    assert bool(days.loc["10-07", "missed_clock_in"]) and bool(days.loc["10-07", "missed_punch"])
    assert pd.isna(days.loc["10-07", "late_minutes"])
    assert days["status"].tolist() == [
        "worked",
        "worked",
        "worked",
        "unauthorized_absence",
        "rest",
        "leave",
    ]
    assert days["scheduled"].tolist() == [True, True, True, True, False, True]
    assert days.loc["10-10", "leave_kind"] == "事假"
    assert days.loc["10-07", "shift_start"] == pd.Timestamp("2026-10-07 17:00")
    assert days.loc["10-05", "name"] == "小美"
    assert days["_row"].tolist() == [4, 5, 6, 7, 8, 9]
    assert days["_file"].tolist() == ["每日统计.xlsx"] * 6
    assert month.leave_days["date"].tolist() == [pd.Timestamp("2026-10-10")]


def test_leave_calendar_days() -> None:
    leave = leave_frame(
        [
            ["1001", "事假", "2026-10-30 13:00", "2026-11-02 12:00"],  # clipped at month end
            ["1001", "病假", "2026-10-03 00:00", "2026-10-05 00:00"],  # ends at midnight
            ["1001", "调休", "2026-10-07 09:00", "2026-10-07 09:00"],  # zero length
        ]
    )
    days = leave_calendar_days(leave, OCT)
    assert days["date"].dt.strftime("%m-%d").tolist() == [
        "10-30",
        "10-31",
        "10-03",
        "10-04",
        "10-07",
    ]
    assert days["_row"].tolist() == [2, 2, 3, 3, 4]


def test_leave_days_skip_rest_days_and_count_once(rules: RuleSet) -> None:
    month = derive(
        rules,
        [["1001", "2026-10-04", "休息", None, None]],
        leave=[
            ["1001", "调休", "2026-10-03 08:00", "2026-10-05 17:00"],
            ["1001", "事假", "2026-10-05 13:00", "2026-10-05 17:00"],
            ["1001", "事假", "2026-10-06 08:00", "2026-10-06 17:00", "同意", "已撤销"],
        ],
    )
    leave_days = month.leave_days
    assert leave_days["date"].dt.strftime("%m-%d").tolist() == ["10-03", "10-05"]
    assert leave_days["leave_kind"].tolist() == ["leave_in_lieu", "leave_in_lieu"]
    assert month.leaves["is_approved"].tolist() == [True, True, False]
    assert month.leaves["approval"].tolist() == ["已完成/同意", "已完成/同意", "已撤销/同意"]


def test_refused_leave_named_on_the_absent_day(rules: RuleSet) -> None:
    month = derive(
        rules,
        [["1001", "2026-10-05", "白班", None, None]],
        leave=[["1001", "事假", "2026-10-05 08:00", "2026-10-05 17:00", "拒绝", "已完成"]],
    )
    day = month.days.iloc[0]
    assert bool(day["unauthorized_absence"])
    assert (day["refused_leave_file"], day["refused_leave_row"]) == ("请假.xlsx", 2)
    assert day["refused_leave_approval"] == "已完成/拒绝"


def test_only_approval_status_column(rules: RuleSet) -> None:
    leave = leave_frame([["1001", "事假", "2026-10-05 08:00", "2026-10-05 17:00"]])
    leave = leave.drop(columns=["approved"])
    month = derive_attendance(
        attendance_frame([["1001", "2026-10-05", "白班", None, None]]),
        leave,
        roster_frame(),
        OCT,
        rules.get(ScoringRules).attendance,
        rules.get(ValueWords),
    )
    assert month.days["status"].tolist() == ["leave"]


def test_no_approval_columns_means_approved_with_a_warning(rules: RuleSet) -> None:
    leave = leave_frame([["1001", "事假", "2026-10-05 08:00", "2026-10-05 17:00"]])
    leave = leave.drop(columns=["approved", "approval_status"])
    month = derive_attendance(
        attendance_frame([["1001", "2026-10-05", "白班", None, None]]),
        leave,
        roster_frame(),
        OCT,
        rules.get(ScoringRules).attendance,
        rules.get(ValueWords),
    )
    assert month.days["status"].tolist() == ["leave"]
    assert "no 审批结果 / 审批状态 column" in month.warnings[0]


def test_blank_approval_is_not_leave_and_warned(rules: RuleSet) -> None:
    month = derive(
        rules,
        [["1001", "2026-10-05", "白班", None, None]],
        leave=[["1001", "事假", "2026-10-05 08:00", "2026-10-05 17:00", None, None]],
    )
    assert month.days["status"].tolist() == ["unauthorized_absence"]
    assert "1 leave rows have no approval result (rows 2)" in month.warnings[0]


def test_all_problems_reported_together(rules: RuleSet) -> None:
    with pytest.raises(InputError) as caught:
        derive(
            rules,
            [["1001", "2026-10-05", "中班", "08:00", "17:00"]],
            leave=[["1001", "事假", "2026-10-06 08:00", "2026-10-05 08:00"]],
        )
    text = caught.value.message
    assert text.startswith("2 problems in the input files:")
    assert "column 班次" in text and "column 结束时间" in text


def test_unknown_staff_strict(rules: RuleSet) -> None:
    rows = [
        ["1001", "2026-10-05", "白班", "08:00", "17:00"],
        ["7", "2026-10-05", "白班", None, None],
    ]
    month = derive(rules, rows)
    assert month.days["staff_id"].tolist() == ["1001"]
    with pytest.raises(InputError, match=r"rows 5: '7'"):
        derive(rules, rows, strict=True)
