"""Leave approvals: approval words, 时长, half days, calendar days and the days they count for."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from csops.domain.period import Month
from csops.domain.staff_rows import drop_unknown_staff, files_of, in_service
from csops.errors import Problem
from csops.rules.scoring import AttendanceRules
from csops.rules.vocab import ValueWords

DAY = pd.Timedelta(days=1)


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
