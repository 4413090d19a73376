"""Small cleaned input frames for scoring tests, shaped like `Inputs.frame(kind)` returns.

Rows are written compactly:
- attendance: [staff_id, date, 班次, clock-in, clock-out] (times `08:03`, `08:00:59`,
  `次日 01:10`, or None for no punch);
- leave: [staff_id, kind, start, end, 审批结果, 审批状态];
- incidents: [staff_id, date, kind, 扣分, 金额 (yuan), note];
- roster: [staff_id, name, role, hired_on, left_on].
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd

from csops.domain.roster import Roster

DEFAULT_ROSTER = [["1001", "小美", "售前", "2025-01-01", None]]


def _day(value: Any) -> pd.Timestamp:
    if isinstance(value, datetime | date):
        return pd.Timestamp(value).normalize()
    return pd.Timestamp(str(value)).normalize()


def _stamp(value: Any) -> pd.Timestamp:
    if value is None:
        return pd.NaT
    return pd.Timestamp(value if isinstance(value, datetime) else str(value))


def _punch(day: pd.Timestamp, text: Any) -> pd.Timestamp:
    if text is None or text == "":
        return pd.NaT
    text = str(text).strip()
    extra = 0
    if text.startswith("次日"):
        extra, text = 1, text.removeprefix("次日").strip()
    parts = [int(p) for p in text.split(":")]
    hour, minute, second = (parts + [0, 0])[:3]
    return day + pd.Timedelta(days=extra, hours=hour, minutes=minute, seconds=second)


def roster_frame(rows: Sequence[Sequence[Any]] | None = None) -> pd.DataFrame:
    rows = DEFAULT_ROSTER if rows is None else rows
    return pd.DataFrame(
        {
            "staff_id": pd.Series([str(r[0]) for r in rows], dtype="str"),
            "name": pd.Series([r[1] for r in rows], dtype="str"),
            "role": pd.Series([r[2] for r in rows], dtype="str"),
            "hired_on": pd.Series([_stamp(r[3]) for r in rows], dtype="datetime64[us]"),
            "left_on": pd.Series([_stamp(r[4]) for r in rows], dtype="datetime64[us]"),
            "_file": "roster.xlsx",
            "_row": pd.Series(range(2, len(rows) + 2), dtype="int64"),
        }
    )


def roster(rows: Sequence[Sequence[Any]] | None = None) -> Roster:
    return Roster.from_frame(roster_frame(rows))


def attendance_frame(rows: Sequence[Sequence[Any]], file: str = "每日统计.xlsx") -> pd.DataFrame:
    days = [_day(r[1]) for r in rows]
    return pd.DataFrame(
        {
            "staff_id": pd.Series([str(r[0]) for r in rows], dtype="str"),
            "date": pd.Series(days, dtype="datetime64[s]"),
            "shift": pd.Series([r[2] for r in rows], dtype="str"),
            "clock_in": pd.Series(
                [_punch(d, r[3]) for d, r in zip(days, rows, strict=True)], dtype="datetime64[us]"
            ),
            "clock_out": pd.Series(
                [_punch(d, r[4]) for d, r in zip(days, rows, strict=True)], dtype="datetime64[us]"
            ),
            "_file": pd.Series([file] * len(rows), dtype="category"),
            "_row": pd.Series(range(4, len(rows) + 4), dtype="int64"),
        }
    )


def leave_frame(rows: Sequence[Sequence[Any]], file: str = "请假.xlsx") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "staff_id": pd.Series([str(r[0]) for r in rows], dtype="str"),
            "kind": pd.Series([r[1] for r in rows], dtype="str"),
            "start": pd.Series([_stamp(r[2]) for r in rows], dtype="datetime64[us]"),
            "end": pd.Series([_stamp(r[3]) for r in rows], dtype="datetime64[us]"),
            "approved": pd.Series([r[4] if len(r) > 4 else "同意" for r in rows], dtype="str"),
            "approval_status": pd.Series(
                [r[5] if len(r) > 5 else "已完成" for r in rows], dtype="str"
            ),
            "_file": file,
            "_row": pd.Series(range(2, len(rows) + 2), dtype="int64"),
        }
    )


def incidents_frame(rows: Sequence[Sequence[Any]], file: str = "奖惩登记.xlsx") -> pd.DataFrame:
    def cell(r: Sequence[Any], i: int) -> Any:
        return r[i] if len(r) > i else None

    amounts = [cell(r, 4) for r in rows]
    return pd.DataFrame(
        {
            "date": pd.Series([_day(r[1]) for r in rows], dtype="datetime64[us]"),
            "staff_id": pd.Series([str(r[0]) for r in rows], dtype="str"),
            "kind": pd.Series([r[2] for r in rows], dtype="str"),
            "points": pd.Series([cell(r, 3) for r in rows], dtype="Float64"),
            "amount_fen": pd.Series(
                [None if a is None else round(float(a) * 100) for a in amounts], dtype="Int64"
            ),
            "note": pd.Series([cell(r, 5) for r in rows], dtype="str"),
            "_file": file,
            "_row": pd.Series(range(2, len(rows) + 2), dtype="int64"),
        }
    )


def days_of(staff_id: str, first: str, last: str, shift: str = "白班") -> list[list[Any]]:
    """On-time attendance rows for every day from `first` to `last` (inclusive)."""
    return [
        [staff_id, d.date().isoformat(), shift, "07:55", "17:05"]
        for d in pd.date_range(first, last, freq="D")
    ]
