"""Attendance per staff member per day, from the DingTalk 每日统计 rows, the leave
approvals and the roster.

One row per staff member per day of the attendance export (within the month and within
the person's days on staff, hired_on … left_on inclusive), with:

- `scheduled`: the 班次 names a shift (`休息` or an empty cell is a rest day). A 班次
  carrying times (`白班 08:00-17:00`, `晚班 17:00-次日01:00`) uses them; a bare name is
  looked up in the shift table of `rules/scoring.yaml`; a split shift
  (`08:30-12:00 13:30-18:00`) runs from its first time to its last;
- `late_minutes`: whole minutes from the shift start to the first punch (08:00 is on time,
  08:01 is 1 minute late, 08:00:59 still on time); `late` when above the grace minutes;
- `early_leave_minutes` / `early_leave`: the same for the last punch before the shift end;
- `missed_punch`: exactly one of the two punches missing (缺卡);
- `leave`: an approved leave touches the day; it also excuses a missing punch, a late
  start or an early end on the side of the shift it covers (a half-day leave);
- `unauthorized_absence` (旷工): scheduled, no punch at all, no approved leave.

Leave approvals become one row per staff member per calendar day touched (`leave_days`):
a leave ending at 00:00 does not touch that day; days the attendance shows as rest days
are not counted. A leave is approved when its 审批结果 / 审批状态 hold an approved word of
`rules/values.yaml` and no rejected, revoked or pending word.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from csops.domain.attendance_leave import (
    _column,
    _leave_days,
    _month_leaves,
    leave_calendar_days,
)
from csops.domain.attendance_shifts import _shift_table
from csops.domain.period import Month
from csops.domain.roster import resolve_names
from csops.domain.staff_rows import drop_unknown_staff, files_of, in_service
from csops.errors import InputError, Problem, raise_problems
from csops.rules.scoring import AttendanceRules
from csops.rules.vocab import ValueWords

MINUTE = pd.Timedelta(minutes=1)


@dataclass
class AttendanceMonth:
    days: pd.DataFrame  # one row per staff member per day of the attendance export
    leave_days: pd.DataFrame  # one row per staff member per calendar day of approved leave
    leaves: pd.DataFrame  # the month's leave rows with `is_approved` and `approval` (text)
    warnings: list[str] = field(default_factory=list)


DAY_COLUMNS = [
    "staff_id",
    "name",
    "date",
    "shift",
    "shift_label",
    "scheduled",
    "shift_start",
    "shift_end",
    "first_punch",
    "last_punch",
    "late_minutes",
    "late",
    "early_leave_minutes",
    "early_leave",
    "missed_punch",
    "missed_clock_in",
    "missed_clock_out",
    "leave",
    "leave_kind",
    "unauthorized_absence",
    "refused_leave_file",
    "refused_leave_row",
    "refused_leave_approval",
    "status",
    "clock_in_result",
    "clock_out_result",
    "_file",
    "_row",
    "_row_out",  # the row of the clock-out (a punch record's last punch), else `_row`
]


def _punch_days(attendance: pd.DataFrame, warnings: list[str]) -> pd.DataFrame:
    """Days made from punch records (`punch_count`): dropped where a daily export lists the
    same person's day (the daily statistics of the same report win), and named in a
    warning: days without any punch are not in a punch record, so a 旷工 on them is not
    seen."""
    if "punch_count" not in attendance:
        return attendance
    from_punches = attendance["punch_count"].notna()
    if not from_punches.any():
        return attendance
    key = attendance["staff_id"].astype(str) + "|" + attendance["date"].astype(str)
    daily = set(key[~from_punches])
    twice = from_punches & key.isin(daily)
    if twice.any():
        files = ", ".join(sorted(set(attendance.loc[twice, "_file"].astype(str))))
        warnings.append(
            f"{files}: {int(twice.sum())} punch days are also in the daily statistics; "
            "those were used"
        )
        attendance = attendance[~twice.to_numpy()]
        from_punches = from_punches[~twice]
    files = ", ".join(sorted(set(attendance.loc[from_punches, "_file"].astype(str))))
    warnings.append(
        f"{files}: attendance from punch records, a row per punch: a day without any punch "
        "is not in such an export, so no 旷工 is counted on it; the 每日统计 (daily "
        "statistics) lists every scheduled day"
    )
    return attendance


def _shift_from_roster(
    att: pd.DataFrame, attendance: pd.DataFrame, warnings: list[str], problems: list[Problem]
) -> pd.DataFrame:
    """Rows of files without a 班次 column (a punch record, a time clock) take each
    person's 班次 from the roster."""
    headers = attendance.attrs.get("headers") or {}
    if headers:
        files = [f for f, fields in headers.items() if "shift" not in fields]
    else:
        files = [] if "shift" in attendance else sorted(set(att["_file"].astype(str)))
    if not files:
        return att
    mine = att["_file"].astype(str).isin(files)
    if "shift" not in att:
        att["shift"] = pd.Series(pd.NA, index=att.index, dtype="str")
    att["shift"] = att["shift"].astype("str").where(~mine, att["roster_shift"].astype("str"))
    lacking = mine & att["shift"].isna()
    if lacking.any():
        rows = att[lacking]
        who = ", ".join(sorted(set(rows["staff_id"].astype(str)))[:10])
        problems.append(
            Problem.at(
                rows,
                column="班次",
                message=f"the attendance has no 班次 column and the roster gives no 班次 for {who}",
                expected="a 班次 for each person in the roster's 班次 column (e.g. 白班), or "
                "an attendance export with its 班次",
            )
        )
    warnings.append(
        f"{', '.join(files)}: no 班次 column; each person's shift was taken from the roster's 班次"
    )
    return att


def derive_attendance(
    attendance: pd.DataFrame,
    leave: pd.DataFrame,
    roster: pd.DataFrame,
    month: Month,
    rules: AttendanceRules,
    words: ValueWords,
    *,
    strict: bool = False,
) -> AttendanceMonth:
    """The month's attendance per staff member per day, and its approved leave days.

    `roster` is the whole roster (staff_id, name, hired_on, left_on): rows of people on
    it but not on staff that day are left out; rows of 工号 not on it are a warning
    (`strict`: an error).
    """
    warnings: list[str] = []
    problems: list[Problem] = []
    staff = roster[["staff_id", "name", "hired_on", "left_on"]]
    # Names resolve among the people on staff in the month: a namesake who left long ago
    # makes no name ambiguous.
    in_month = staff[
        (staff["hired_on"].isna() | (staff["hired_on"] < month.end))
        & (staff["left_on"].isna() | (staff["left_on"] >= month.start))
    ]
    attendance, named = resolve_names(attendance, in_month, "attendance", strict=strict)
    warnings.extend(named)
    leave, named = resolve_names(leave, in_month, "leave", strict=strict)
    warnings.extend(named)
    attendance = _punch_days(attendance, warnings)

    att = attendance[month.contains(attendance["date"])]
    if att.empty:
        found = attendance["date"].dropna()
        span = (
            f"dates found: {found.min():%Y-%m-%d} ~ {found.max():%Y-%m-%d}"
            if len(found)
            else ("no dated rows")
        )
        raise InputError(
            f"{files_of(attendance)}: no attendance rows for {month} ({span}); export the "
            f"每日统计 of {month} or pass the month the export holds"
        )
    att, unknown = drop_unknown_staff(att, staff["staff_id"], "attendance", strict=strict)
    warnings.extend(unknown)
    shifts = pd.DataFrame(
        {
            "staff_id": roster["staff_id"],
            "roster_shift": roster["shift"] if "shift" in roster else pd.NA,
        }
    )
    att = att.merge(
        staff.rename(columns={"name": "roster_name"}).merge(shifts, on="staff_id"),
        on="staff_id",
        how="left",
        validate="m:1",
    )
    att = _shift_from_roster(att, attendance, warnings, problems)
    serving = in_service(att["date"], att["hired_on"], att["left_on"])
    if not serving.all():
        outside = att[~serving]
        warnings.append(
            f"{files_of(outside)}: {int((~serving).sum())} attendance rows fall outside the "
            f"person's days on staff (入职/离职 in the roster; "
            f"{', '.join(sorted(set(outside['staff_id'].astype(str))))}) and were not scored"
        )
        att = att[serving]
    att = att.reset_index(drop=True)

    repeated = att.duplicated(["staff_id", "date"], keep=False)
    if repeated.any():
        rows = att[repeated]
        first = rows.iloc[0]
        problems.append(
            Problem.at(
                rows,
                column="日期",
                message=f"{int(repeated.sum())} attendance rows repeat a person's day (e.g. "
                f"{first['staff_id']} on {first['date']:%Y-%m-%d}); keep one row per person "
                "per day",
            )
        )

    # 班次: parse each distinct text once.
    text = (
        att["shift"].astype("string").str.strip().fillna("")
        if "shift" in att
        else (pd.Series("", index=att.index, dtype="string"))
    )
    spec = _shift_table(text.unique(), rules).reindex(text.to_numpy())
    spec.index = att.index
    unknown_shift = ~spec["known"].astype(bool)
    if unknown_shift.any():
        rows = att[unknown_shift]
        problems.append(
            Problem.at(
                rows,
                column="班次",
                message=f"{int(unknown_shift.sum())} attendance rows have a 班次 that names no "
                "known shift",
                samples=text[unknown_shift].head(3).tolist(),
                expected=f"a shift of rules/scoring.yaml ({', '.join(rules.shifts)}), a 班次 "
                f"with its times such as 白班 08:00-17:00, or a rest word "
                f"({', '.join(rules.rest_words)})",
            )
        )
    leaves, leave_problems = _month_leaves(leave, staff, month, words, strict, warnings, rules)
    problems.extend(leave_problems)
    raise_problems(problems)

    scheduled = spec["scheduled"].astype(bool)
    start_min = spec["start"].where(scheduled).astype("float64")
    end_min = spec["end"].where(scheduled).astype("float64")
    date = att["date"]
    shift_start = date + pd.to_timedelta(start_min, unit="m")
    shift_end = date + pd.to_timedelta(end_min, unit="m")
    first_punch = att["clock_in"] if "clock_in" in att else pd.Series(pd.NaT, index=att.index)
    last_punch = att["clock_out"] if "clock_out" in att else pd.Series(pd.NaT, index=att.index)
    first_punch = first_punch.astype("datetime64[us]")
    last_punch = last_punch.astype("datetime64[us]")
    row_out = att["_row_out"] if "_row_out" in att else pd.Series(pd.NA, index=att.index)
    row_out = row_out.astype("Int64")
    if "punch_count" in att:
        # A day of a punch record with one punch: the clock-out when it lies nearer the
        # shift's end than its start.
        alone = (att["punch_count"] == 1).fillna(False).astype(bool) & scheduled
        nearer_end = (first_punch - shift_end).abs() < (first_punch - shift_start).abs()
        moved = (alone & nearer_end.fillna(False)).astype(bool)
        last_punch = last_punch.mask(moved, first_punch)
        first_punch = first_punch.mask(moved)
        row_out = row_out.mask(moved, att["_row"].astype("Int64"))

    # Approved leave touching each day, and whether it covers the shift's start / end.
    leave_hours = leave_calendar_days(leaves[leaves["is_approved"]], month)
    pairs = (
        att[["staff_id", "date"]]
        .reset_index()
        .merge(leave_hours[["staff_id", "date", "start", "end", "kind"]], on=["staff_id", "date"])
    )
    pair_start = shift_start.to_numpy()[pairs["index"].to_numpy()]
    pair_end = shift_end.to_numpy()[pairs["index"].to_numpy()]
    pairs["covers_start"] = (pairs["start"] <= pair_start) & (pairs["end"] > pair_start)
    pairs["covers_end"] = (pairs["start"] < pair_end) & (pairs["end"] >= pair_end)
    by_day = pairs.groupby("index").agg(
        covers_start=("covers_start", "any"),
        covers_end=("covers_end", "any"),
        kind=("kind", "first"),
    )
    on_leave = pd.Series(att.index.isin(by_day.index), index=att.index)
    covers_start = by_day["covers_start"].reindex(att.index, fill_value=False).astype(bool)
    covers_end = by_day["covers_end"].reindex(att.index, fill_value=False).astype(bool)
    leave_kind = by_day["kind"].reindex(att.index).astype("string")

    has_in = first_punch.notna()
    has_out = last_punch.notna()
    no_punch = ~has_in & ~has_out
    late_minutes = ((first_punch - shift_start).dt.total_seconds() // 60).clip(lower=0)
    late_minutes = late_minutes.where(scheduled & has_in & ~covers_start)
    early_minutes = ((shift_end - last_punch).dt.total_seconds() // 60).clip(lower=0)
    early_minutes = early_minutes.where(scheduled & has_out & ~covers_end)
    late = (late_minutes > rules.late_grace_minutes).fillna(False).astype(bool)
    early = (early_minutes > rules.early_leave_grace_minutes).fillna(False).astype(bool)
    missed_in = scheduled & ~has_in & has_out & ~covers_start
    missed_out = scheduled & has_in & ~has_out & ~covers_end
    absent = scheduled & no_punch & ~on_leave

    # A refused / revoked / pending leave on a 旷工 day: named in the evidence.
    refused = leave_calendar_days(leaves[~leaves["is_approved"]], month)
    refused_pairs = (
        att[["staff_id", "date"]][absent]
        .reset_index()
        .merge(refused[["staff_id", "date", "_file", "_row", "approval"]], on=["staff_id", "date"])
        .drop_duplicates("index")
        .set_index("index")
    )

    status = np.select(
        [~scheduled, absent, scheduled & no_punch & on_leave],
        ["rest", "unauthorized_absence", "leave"],
        default="worked",
    )
    days = pd.DataFrame(
        {
            "staff_id": att["staff_id"],
            "name": att["roster_name"],
            "date": date,
            "shift": text,
            "shift_label": spec["label"].astype("string"),
            "scheduled": scheduled,
            "shift_start": shift_start,
            "shift_end": shift_end,
            "first_punch": first_punch,
            "last_punch": last_punch,
            "late_minutes": late_minutes.astype("Int64"),
            "late": late,
            "early_leave_minutes": early_minutes.astype("Int64"),
            "early_leave": early,
            "missed_punch": missed_in | missed_out,
            "missed_clock_in": missed_in,
            "missed_clock_out": missed_out,
            "leave": on_leave,
            "leave_kind": leave_kind,
            "unauthorized_absence": absent,
            "refused_leave_file": refused_pairs["_file"].reindex(att.index).astype("string"),
            "refused_leave_row": refused_pairs["_row"].reindex(att.index).astype("Int64"),
            "refused_leave_approval": refused_pairs["approval"].reindex(att.index).astype("string"),
            "status": pd.Series(status, index=att.index, dtype="string"),
            "clock_in_result": _column(att, "clock_in_result"),
            "clock_out_result": _column(att, "clock_out_result"),
            "_file": att["_file"].astype(str),
            "_row": att["_row"].astype("int64"),
            "_row_out": row_out.where(row_out.notna(), att["_row"].astype("Int64")),
        },
        columns=DAY_COLUMNS,
    ).sort_values(["staff_id", "date"], kind="stable", ignore_index=True)

    leave_days = _leave_days(leaves, days, staff, month, rules)
    return AttendanceMonth(days=days, leave_days=leave_days, leaves=leaves, warnings=warnings)
