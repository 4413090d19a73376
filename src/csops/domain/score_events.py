"""The events the score counts, derived per staff member from the attendance, the approved
leave, the chat KPIs and the incident sheet; each carries its source file and row."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from csops.domain.incidents import classify_incidents
from csops.domain.money import fen_to_yuan, money_str
from csops.domain.period import Month
from csops.domain.phrases import Phrases
from csops.domain.roster import Roster
from csops.domain.score_base import (
    EVENT_COLUMNS,
    _clock,
    _count_text,
    _fmt,
    map_unique,
)
from csops.domain.staff_rows import drop_unknown_staff, files_of, in_service
from csops.errors import Problem, raise_problems
from csops.rules.scoring import ScoringRules
from csops.rules.vocab import IncidentKinds


def _events_frame(columns: dict[str, Any], index: pd.Index) -> pd.DataFrame:
    frame = pd.DataFrame(columns, index=index)
    return frame.reindex(columns=EVENT_COLUMNS)


def attendance_events(days: pd.DataFrame, text: Phrases) -> pd.DataFrame:
    """late, early_leave, missed_punch and unauthorized_absence events of the days."""
    parts = []
    late = days[days["late"]]
    parts.append(
        _events_frame(
            {
                "staff_id": late["staff_id"],
                "event": "late",
                "date": late["date"],
                "time": late["first_punch"],
                "minutes": late["late_minutes"].astype("float64"),
                "_file": late["_file"],
                "_row": late["_row"],
                "seen": _fmt(
                    text["late"],
                    late.index,
                    time=_clock(late["first_punch"], late["date"], text),
                    shift=late["shift_label"],
                    minutes=late["late_minutes"],
                ),
            },
            late.index,
        )
    )
    early = days[days["early_leave"]]
    parts.append(
        _events_frame(
            {
                "staff_id": early["staff_id"],
                "event": "early_leave",
                "date": early["date"],
                "time": early["last_punch"],
                "minutes": early["early_leave_minutes"].astype("float64"),
                "_file": early["_file"],
                # A punch record's clock-out is its own row.
                "_row": early["_row_out"].fillna(early["_row"]).astype("int64")
                if "_row_out" in early
                else early["_row"],
                "seen": _fmt(
                    text["early_leave"],
                    early.index,
                    time=_clock(early["last_punch"], early["date"], text),
                    shift=early["shift_label"],
                    minutes=early["early_leave_minutes"],
                ),
            },
            early.index,
        )
    )
    missed = days[days["missed_punch"]]
    punch = missed["first_punch"].fillna(missed["last_punch"])
    seen = _fmt(
        text["missed_clock_in"],
        missed.index,
        shift=missed["shift_label"],
        time=_clock(punch, missed["date"], text),
    )
    seen_out = _fmt(
        text["missed_clock_out"],
        missed.index,
        shift=missed["shift_label"],
        time=_clock(punch, missed["date"], text),
    )
    seen = seen.where(missed["missed_clock_in"], seen_out)
    parts.append(
        _events_frame(
            {
                "staff_id": missed["staff_id"],
                "event": "missed_punch",
                "date": missed["date"],
                "time": missed["shift_start"],
                "_file": missed["_file"],
                "_row": missed["_row"],
                "seen": seen,
            },
            missed.index,
        )
    )
    absent = days[days["unauthorized_absence"]]
    seen = _fmt(text["unauthorized_absence"], absent.index, shift=absent["shift_label"])
    refused = absent["refused_leave_row"].notna()
    if refused.any():
        extra = _fmt(
            text["refused_leave"],
            absent.index,
            row=absent["refused_leave_row"],
            file=absent["refused_leave_file"],
            approval=absent["refused_leave_approval"],
        )
        seen = seen.where(~refused, seen + extra)
    parts.append(
        _events_frame(
            {
                "staff_id": absent["staff_id"],
                "event": "unauthorized_absence",
                "date": absent["date"],
                "time": absent["shift_start"],
                "_file": absent["_file"],
                "_row": absent["_row"],
                "seen": seen,
            },
            absent.index,
        )
    )
    return pd.concat(parts, ignore_index=True)


def leave_events(leave_days: pd.DataFrame, text: Phrases) -> pd.DataFrame:
    """A leave / leave_in_lieu event per staff member per calendar day of approved leave;
    a day that counts for part of a leave day (a half day) is that part of an event."""
    days = (
        leave_days["days"].astype("float64")
        if "days" in leave_days
        else pd.Series(1.0, index=leave_days.index)
    )
    seen = _fmt(
        text["leave"],
        leave_days.index,
        kind=leave_days["kind"],
        start=leave_days["start"].dt.strftime("%Y-%m-%d %H:%M"),
        end=leave_days["end"].dt.strftime("%Y-%m-%d %H:%M"),
        approval=leave_days["approval"],
        day=leave_days["date"].dt.strftime("%Y-%m-%d"),
    )
    part = days != 1
    if part.any():
        portion = _fmt(text["leave_part"], leave_days.index, days=days.map(_count_text))
        seen = seen.where(~part, seen + portion)
    return _events_frame(
        {
            "staff_id": leave_days["staff_id"],
            "event": leave_days["leave_kind"],
            "date": leave_days["date"],
            "time": leave_days["date"],
            "quantity": days,
            "_file": leave_days["_file"],
            "_row": leave_days["_row"],
            "seen": seen,
        },
        leave_days.index,
    )


def chat_events(kpis: Any, limit_s: float, text: Phrases) -> pd.DataFrame:
    """An `unanswered_10min` event per wait of the month not answered within `limit_s`
    (never-answered ones included), with the chat-log row of the buyer's first message."""
    waits = kpis.waits
    slow = waits[waits["response_s"].isna() | (waits["response_s"] > limit_s)]
    rows = kpis.wait_rows(slow)
    staff_of = dict(zip(kpis.staff["key"], kpis.staff["staff_id"], strict=True))
    staff_id = pd.Series(slow["key"].map(staff_of).to_numpy(), index=rows.index, dtype="str")
    waited = rows["response_s"]
    clock = rows["wait_start"].dt.strftime("%H:%M")
    never, after = text["chat_never"], text["chat_after"]
    answer = waited.map(lambda v: never if pd.isna(v) else after.format(seconds=f"{v:.0f}"))
    what = _fmt(text["chat_wait"], rows.index, clock=clock, answer=answer, limit=f"{limit_s:g}")
    frame = _events_frame(
        {
            "staff_id": staff_id,
            "event": "unanswered_10min",
            "date": rows["wait_start"].dt.normalize(),
            "time": rows["wait_start"],
            "minutes": (waited / 60).astype("float64"),
            "_file": rows["start_file"],
            "_row": rows["start_row"],
            "seen": what,
        },
        rows.index,
    )
    return frame[frame["staff_id"].notna()]


def incident_events(incidents: pd.DataFrame, kinds: IncidentKinds, text: Phrases) -> pd.DataFrame:
    """An event per incident row, named by its kind id."""
    idx = incidents.index
    seen = incidents["kind"].astype("object").fillna("").astype(str)
    points = incidents["points"] if "points" in incidents else pd.Series(np.nan, index=idx)
    has_points = points.notna()
    if has_points.any():
        seen = seen.where(
            ~has_points,
            seen
            + _fmt(
                text["sheet_points"],
                idx,
                points=map_unique(points.astype("float64"), lambda v: f"{v:g}"),
            ),
        )
    amount = incidents["amount_fen"] if "amount_fen" in incidents else pd.Series(pd.NA, index=idx)
    has_amount = amount.notna()
    if has_amount.any():
        yuan = map_unique(
            amount.astype("float64"), lambda v: "" if pd.isna(v) else money_str(fen_to_yuan(v))
        )
        seen = seen.where(~has_amount, seen + _fmt(text["amount"], idx, amount=yuan))
    note = incidents["note"] if "note" in incidents else pd.Series(pd.NA, index=idx)
    has_note = note.notna()
    if has_note.any():
        seen = seen.where(~has_note, seen + _fmt(text["note"], idx, note=note))
    return _events_frame(
        {
            "staff_id": incidents["staff_id"],
            "event": incidents["kind_id"],
            "date": incidents["date"],
            "time": incidents["date"],
            "sheet_points": points.astype("float64"),
            "_file": incidents["_file"].astype(str),
            "_row": incidents["_row"],
            "seen": seen,
        },
        idx,
    )


def _month_incidents(
    incidents: pd.DataFrame,
    roster: Roster,
    month: Month,
    kinds: IncidentKinds,
    scoring: ScoringRules,
    strict: bool,
) -> tuple[pd.DataFrame, list[str]]:
    """The month's incidents of staff on staff that day, with `kind_id`; bad 扣分 values
    of `from_sheet` rules are errors."""
    warnings: list[str] = []
    frame = incidents[month.contains(incidents["date"])]
    frame, unknown = drop_unknown_staff(frame, roster.staff["staff_id"], "incident", strict=strict)
    warnings.extend(unknown)
    frame = classify_incidents(frame.reset_index(drop=True), kinds)
    staff = roster.staff[["staff_id", "hired_on", "left_on"]]
    joined = frame.merge(staff, on="staff_id", how="left")
    serving = in_service(joined["date"], joined["hired_on"], joined["left_on"]).to_numpy()
    if not serving.all():
        outside = frame[~serving]
        warnings.append(
            f"{files_of(outside)}: {int((~serving).sum())} incident rows fall outside the "
            f"person's days on staff (rows {', '.join(str(r) for r in outside['_row'].head(5))})"
            " and were not scored"
        )
        frame = frame[serving].reset_index(drop=True)
    problems = []
    points = frame["points"] if "points" in frame else pd.Series(np.nan, index=frame.index)
    for rule in scoring.rules:
        if rule.points != "from_sheet":
            continue
        mine = frame["kind_id"].isin(rule.events)
        missing = mine & points.isna()
        if missing.any():
            rows = frame[missing]
            problems.append(
                Problem.at(
                    rows,
                    column="扣分",
                    message=f"{int(missing.sum())} {rule.id} incidents have no points; the "
                    "rules take them from the sheet",
                    samples=rows["kind"].astype(str).head(3).tolist(),
                    expected="the points to deduct in the 扣分 column"
                    + (
                        f" ({rule.sheet_points.min:g}–{rule.sheet_points.max:g})"
                        if rule.sheet_points
                        else ""
                    ),
                )
            )
        if rule.sheet_points is not None:
            value = points.abs()
            out = (
                mine
                & points.notna()
                & ((value < rule.sheet_points.min) | (value > rule.sheet_points.max))
            )
            if out.any():
                rows = frame[out]
                problems.append(
                    Problem.at(
                        rows,
                        column="扣分",
                        message=f"{int(out.sum())} {rule.id} incidents have points outside "
                        "the allowed range",
                        samples=[f"{v:g}" for v in points[out].head(3)],
                        expected=f"{rule.sheet_points.min:g} to {rule.sheet_points.max:g} "
                        "(rules/scoring.yaml sheet_points)",
                    )
                )
    raise_problems(problems)
    yuan_kinds = [k for k, v in kinds.kinds.items() if v.value == "yuan"]
    amount = frame["amount_fen"] if "amount_fen" in frame else pd.Series(pd.NA, index=frame.index)
    no_amount = frame["kind_id"].isin(yuan_kinds) & amount.isna()
    if no_amount.any():
        rows = frame[no_amount]
        warnings.append(
            f"{files_of(rows)}: {int(no_amount.sum())} award rows have no amount (金额) "
            f"(rows {', '.join(str(r) for r in rows['_row'].head(5))}); counted as ¥0.00"
        )
    return frame, warnings
