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

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from csops.domain.period import Month
from csops.domain.roster import resolve_names
from csops.errors import InputError, Problem, raise_problems
from csops.rules.scoring import AttendanceRules
from csops.rules.vocab import ValueWords

_TIME = re.compile(r"(次日)?\s*(\d{1,2})[:：](\d{2})")
MINUTE = pd.Timedelta(minutes=1)
DAY = pd.Timedelta(days=1)


@dataclass(frozen=True)
class Shift:
    scheduled: bool
    name: str
    start: int = 0  # minutes after 00:00 of the row's date
    end: int = 0  # may pass 24:00 (an evening shift that ends the next day)

    @property
    def label(self) -> str:
        if not self.scheduled:
            return self.name
        return f"{self.name} {_hhmm(self.start)}-{_hhmm(self.end)}".strip()


def _hhmm(minutes: int) -> str:
    prefix = "次日" if minutes >= 24 * 60 else ""
    minutes %= 24 * 60
    return f"{prefix}{minutes // 60:02d}:{minutes % 60:02d}"


def parse_shift(text: str, rules: AttendanceRules) -> Shift | None:
    """A 班次 cell → its shift; None when it names no known shift."""
    text = text.strip()
    if not text or text in rules.rest_words:
        return Shift(False, text or "休息")
    times = list(_TIME.finditer(text))
    if len(times) >= 2:
        name = text[: times[0].start()].strip()
        if name in rules.rest_words:
            return Shift(False, name)
        marks = []
        for m in (times[0], times[-1]):
            hour, minute = int(m.group(2)), int(m.group(3))
            if hour > 24 or minute > 59:
                return None
            marks.append(hour * 60 + minute + (24 * 60 if m.group(1) else 0))
        start, end = marks
        if end <= start:
            end += 24 * 60
        return Shift(True, name, start, end)
    if times:
        return None
    known = rules.shifts.get(text)
    if known is None:
        return None
    start = known.start.hour * 60 + known.start.minute
    end = known.end.hour * 60 + known.end.minute
    if end <= start:
        end += 24 * 60
    return Shift(True, text, start, end)


def _shift_table(values: Iterable[str], rules: AttendanceRules) -> pd.DataFrame:
    """Each distinct 班次 text parsed once: known, scheduled, start, end, label."""
    values = list(values)
    parsed = [parse_shift(v, rules) for v in values]
    return pd.DataFrame(
        {
            "known": [p is not None for p in parsed],
            "scheduled": [p is not None and p.scheduled for p in parsed],
            "start": [p.start if p else 0 for p in parsed],
            "end": [p.end if p else 0 for p in parsed],
            "label": [p.label if p else v for p, v in zip(parsed, values, strict=True)],
        },
        index=pd.Index(values, dtype="object"),
    )


# ---------------------------------------------------------------- staff checks


def files_of(frame: pd.DataFrame) -> str:
    return ", ".join(sorted(set(frame["_file"].astype(str)))) or "(no file)"


def drop_unknown_staff(
    frame: pd.DataFrame, known: Iterable[str], what: str, *, strict: bool
) -> tuple[pd.DataFrame, list[str]]:
    """Rows whose 工号 is not on the roster: a warning (they are not scored), or with
    `strict` an InputError naming file, rows and IDs."""
    unknown = ~frame["staff_id"].isin(pd.Index(list(known)))
    if not unknown.any():
        return frame, []
    bad = frame[unknown]
    ids = sorted(set(bad["staff_id"].astype(str)))
    problem = Problem.at(
        bad,
        column="工号",
        message=f"{int(unknown.sum())} {what} rows name a 工号 that is not on the roster "
        f"({', '.join(ids[:10])}{', …' if len(ids) > 10 else ''})",
        samples=bad["staff_id"].astype(str).head(3).tolist(),
        expected="a 工号 of the roster; add the person to the roster or correct the 工号",
    )
    if strict:
        raise_problems([problem])
    problem.expected = None
    warning = (
        f"{problem}; they were not scored — add the person to the roster or correct the 工号 "
        "(--strict makes this an error)"
    )
    return frame[~unknown], [warning]


def in_service(dates: pd.Series, hired_on: pd.Series, left_on: pd.Series) -> pd.Series:
    """Whether each date is within the person's days on staff (both ends inclusive)."""
    return (hired_on.isna() | (dates >= hired_on)) & (left_on.isna() | (dates <= left_on))


# ---------------------------------------------------------------- leave


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame:
        return frame[name].astype("string").str.strip()
    return pd.Series(pd.NA, index=frame.index, dtype="string")


def leave_approval(leave: pd.DataFrame, words: ValueWords) -> tuple[pd.Series, list[Problem]]:
    """Per leave row: approved (True), not approved (False); unknown words are problems."""
    lists = words.leave_approval
    negative = [*lists.rejected, *lists.revoked, *lists.pending]
    known = [*lists.approved, *negative, *lists.finished]
    result = _column(leave, "approved")
    status = _column(leave, "approval_status")
    problems = []
    for values, header in ((result, "审批结果"), (status, "审批状态")):
        unknown = values.notna() & ~values.isin(known)
        if unknown.any():
            rows = leave[unknown.to_numpy(dtype=bool)]
            problems.append(
                Problem.at(
                    rows,
                    column=header,
                    message=f"{int(unknown.sum())} leave rows have an approval word csops "
                    "does not know",
                    samples=values[unknown].head(3).astype(str).tolist(),
                    expected=f"one of: {', '.join(known)}; or add the word to "
                    "rules/values.yaml under leave_approval",
                )
            )
    positive = result.isin(lists.approved).fillna(False) | status.isin(lists.approved).fillna(False)
    refused = result.isin(negative).fillna(False) | status.isin(negative).fillna(False)
    return (positive & ~refused).astype(bool), problems


def approval_text(leave: pd.DataFrame) -> pd.Series:
    """`已完成/同意`: the approval cells as written, for evidence."""
    status = _column(leave, "approval_status")
    result = _column(leave, "approved")
    same = status.fillna("") == result.fillna("")
    joined = status.fillna("").str.cat(result.fillna(""), sep="/").str.strip("/")
    return joined.mask(same, result.fillna("")).fillna("")


def leave_portions(
    days: pd.DataFrame,
    rules: AttendanceRules,
    shift_hours: pd.Series | None = None,
    rest: pd.Series | None = None,
) -> pd.DataFrame:
    """`days` per calendar day of leave (one row per leave row and day, as
    `leave_calendar_days` gives them):

    - a half day (`half_day`) for the first day of a leave starting in the afternoon
      (下午) and the last day of one ending at noon (上午);
    - a leave within one day whose 时长 says less than a day counts for that much: `0.5天`,
      `半天`, or hours as a part of that day's shift (`shift_hours`, aligned with `days`;
      `hours_per_day` where the day has no known shift), so 6 hours of a 6-hour evening
      shift are a whole day;
    - a leave over several days whose 时长 in days is less than the days it touches
      (1.5天 from one morning to the next noon) counts its last day for what is left;
    - else 1; a rest day (`rest`, aligned with `days`) 0.
    """
    out = days.copy()
    portion = pd.Series(1.0, index=out.index)
    if rest is not None:
        portion = portion.mask(rest.fillna(False).astype(bool), 0.0)
    if len(out) == 0:
        out["days"] = portion
        return out
    half = rules.half_day
    first = out["date"] == out["start"].dt.normalize()
    at_midnight = (out["end"] == out["end"].dt.normalize()).astype("int64")
    last_day = out["end"].dt.normalize() - DAY * at_midnight
    last = out["date"] == last_day
    if "start_half" in out:
        portion = portion.mask(first & (_column(out, "start_half") == "pm").fillna(False), half)
    if "end_half" in out:
        portion = portion.mask(last & (_column(out, "end_half") == "am").fillna(False), half)
    if "duration" in out:
        number, in_hours = duration_parts(out["duration"], rules)
        day_hours = pd.Series(float(rules.hours_per_day), index=out.index)
        if shift_hours is not None:
            known = shift_hours.notna() & (shift_hours > 0)
            day_hours = day_hours.mask(known, shift_hours)
        given = number.where(~in_hours, (number / day_hours).clip(upper=1))
        one_day = first & last
        shorter = one_day & given.notna() & (given < 1)
        portion = portion.mask(shorter, given.clip(lower=0).where(shorter, 1.0))
        # Several days, 时长 in days short of them: the last day counts for what is left.
        key = out["_file"].astype(str) + "|" + out["_row"].astype(str)
        total = portion.groupby(key).transform("sum")
        excess = (total - number).where(~in_hours & number.notna() & ~one_day, 0).clip(lower=0)
        portion = portion.mask(last & (excess > 0), (portion - excess).clip(lower=0))
    out["days"] = portion.astype("float64")
    return out


def leave_calendar_days(leave: pd.DataFrame, month: Month) -> pd.DataFrame:
    """One row per leave row per calendar day of `month` it touches (`date` column); a
    leave ending exactly at 00:00 does not touch that day."""
    start = leave["start"]
    end = leave["end"]
    at_midnight = (end == end.dt.normalize()) & (end > start)
    last = end.dt.normalize() - DAY * at_midnight.astype("int64")
    first = start.dt.normalize().clip(lower=month.start)
    last = last.clip(upper=month.end - DAY)
    counts = ((last - first) // DAY + 1).clip(lower=0).fillna(0).astype("int64").to_numpy()
    position = np.repeat(np.arange(len(leave)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    out = leave.iloc[position].reset_index(drop=True)
    out["date"] = first.iloc[position].reset_index(drop=True) + pd.to_timedelta(offsets, "D")
    return out


# ---------------------------------------------------------------- the month


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


def half_day_times(leave: pd.DataFrame, rules: AttendanceRules) -> pd.DataFrame:
    """A leave given in half days (DingTalk `2026-11-25 上午` / `下午`, read as the date and
    `start_half` / `end_half`) with the times it covers: a morning from 00:00 to `noon`,
    an afternoon from `noon` to the end of the day."""
    if "start_half" not in leave and "end_half" not in leave:
        return leave
    noon = pd.Timedelta(hours=rules.noon.hour, minutes=rules.noon.minute)
    out = leave.copy()
    start_half = _column(out, "start_half")
    end_half = _column(out, "end_half")
    out["start"] = out["start"].mask((start_half == "pm").fillna(False), out["start"] + noon)
    end_day = out["end"].dt.normalize()
    out["end"] = out["end"].mask((end_half == "am").fillna(False), end_day + noon)
    out["end"] = out["end"].mask((end_half == "pm").fillna(False), end_day + DAY)
    return out


_DURATION_TEXT = re.compile(
    r"^\s*(?:(半天)|([0-9]+(?:\.[0-9]+)?)\s*(天|日|小时|h|H|hours?|days?|d)?)\s*$"
)


def duration_parts(text: pd.Series, rules: AttendanceRules) -> tuple[pd.Series, pd.Series]:
    """时长 as (number, in hours?): `1天` (1, no), `4小时` (4, yes), `半天` (half_day, no); a
    bare number is days; NA when empty or unreadable (`1天4小时`: the leave then counts by
    its start and end, and the scoring says so)."""
    parts = text.astype("str").str.extract(_DURATION_TEXT.pattern)
    number = pd.to_numeric(parts[1], errors="coerce").astype("float64")
    number = number.where(parts[0].isna(), rules.half_day)
    hours = parts[2].isin(["小时", "h", "H", "hour", "hours"]).fillna(False).astype(bool)
    return number, hours


def _month_leaves(
    leave: pd.DataFrame,
    staff: pd.DataFrame,
    month: Month,
    words: ValueWords,
    strict: bool,
    warnings: list[str],
    rules: AttendanceRules,
) -> tuple[pd.DataFrame, list[Problem]]:
    """The leave rows touching the month, with `is_approved` and `approval` (text)."""
    problems: list[Problem] = []
    leave = half_day_times(leave, rules)
    touching = (leave["start"] < month.end) & (leave["end"] >= month.start)
    touching |= month.contains(leave["start"]) | month.contains(leave["end"])
    leaves = leave[touching].reset_index(drop=True)
    backwards = leaves["end"] < leaves["start"]
    if backwards.any():
        rows = leaves[backwards]
        problems.append(
            Problem.at(
                rows,
                column="结束时间",
                message=f"{int(backwards.sum())} leave rows end before they start",
                samples=[
                    f"{s:%Y-%m-%d %H:%M} → {e:%Y-%m-%d %H:%M}"
                    for s, e in zip(rows["start"].head(3), rows["end"].head(3), strict=True)
                ],
                expected="an end (结束时间) at or after the start (开始时间)",
            )
        )
        leaves = leaves[~backwards].reset_index(drop=True)
    leaves, unknown = drop_unknown_staff(leaves, staff["staff_id"], "leave", strict=strict)
    warnings.extend(unknown)
    leaves = leaves.reset_index(drop=True)
    approved, approval_problems = leave_approval(leaves, words)
    problems.extend(approval_problems)
    blank = _column(leaves, "approved").isna() & _column(leaves, "approval_status").isna()
    if "approved" not in leaves and "approval_status" not in leaves and len(leaves):
        warnings.append(
            f"{files_of(leaves)}: the leave export has no 审批结果 / 审批状态 column; every "
            "leave in it was taken as approved"
        )
        approved = pd.Series(True, index=leaves.index)
    elif blank.any():
        rows = leaves[blank]
        warnings.append(
            f"{files_of(rows)}: {int(blank.sum())} leave rows have no approval result "
            f"(rows {', '.join(str(r) for r in rows['_row'].head(5))}); they were not "
            "counted as leave"
        )
    if "duration" in leaves:
        number, _ = duration_parts(leaves["duration"], rules)
        unread = leaves["duration"].notna() & number.isna()
        if unread.any():
            rows = leaves[unread]
            warnings.append(
                f"{files_of(rows)}: {int(unread.sum())} leave rows have a 时长 csops cannot "
                f"read ({', '.join(repr(v) for v in rows['duration'].head(3))}; rows "
                f"{', '.join(str(r) for r in rows['_row'].head(5))}); they count by their "
                "start and end"
            )
    leaves["approval"] = approval_text(leaves).to_numpy()
    leaves["is_approved"] = approved.to_numpy(dtype=bool)
    in_lieu = leaves["kind"].astype("string").str.strip().isin(words.leave_in_lieu)
    leaves["leave_kind"] = np.where(in_lieu.fillna(False), "leave_in_lieu", "leave")
    return leaves, problems


def _leave_days(
    leaves: pd.DataFrame,
    days: pd.DataFrame,
    staff: pd.DataFrame,
    month: Month,
    rules: AttendanceRules,
) -> pd.DataFrame:
    """One row per staff member per calendar day touched by an approved leave, within
    their days on staff and not on a day the attendance shows as a rest day; `days` is
    the part of a leave day it counts for (1, or a half day, see `leave_portions`)."""
    columns = ["staff_id", "date", "leave_kind", "kind", "start", "end", "approval", "days"]
    exploded = leave_calendar_days(leaves[leaves["is_approved"]], month)
    shifts = days[["staff_id", "date", "scheduled", "shift_start", "shift_end"]]
    day = exploded[["staff_id", "date"]].merge(shifts, on=["staff_id", "date"], how="left")
    shift_hours = (day["shift_end"] - day["shift_start"]).dt.total_seconds() / 3600
    exploded = leave_portions(
        exploded,
        rules,
        pd.Series(shift_hours.where(day["scheduled"].fillna(False)).to_numpy(), exploded.index),
        pd.Series((~day["scheduled"].fillna(True).astype(bool)).to_numpy(), exploded.index),
    )
    exploded = exploded.sort_values(["staff_id", "date", "start", "_row"], kind="stable")
    # Two half-day leaves of one day make a day; otherwise a day counts once.
    portion = exploded.groupby(["staff_id", "date"])["days"].transform("sum").clip(upper=1)
    exploded = exploded.assign(days=portion).drop_duplicates(["staff_id", "date"])
    exploded = exploded.merge(staff[["staff_id", "hired_on", "left_on"]], on="staff_id")
    exploded = exploded[in_service(exploded["date"], exploded["hired_on"], exploded["left_on"])]
    rest = days.loc[~days["scheduled"], ["staff_id", "date"]].assign(_rest=True)
    exploded = exploded.merge(rest, on=["staff_id", "date"], how="left")
    exploded = exploded[exploded["_rest"].isna()]
    out = exploded[[*columns, "_file", "_row"]].reset_index(drop=True)
    out["_file"] = out["_file"].astype(str)
    return out
