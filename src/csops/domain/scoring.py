"""The monthly points score 月度考核分: events → rules → points, yuan, level, evidence.

Events are derived per staff member from the attendance (late, early_leave, missed_punch,
unauthorized_absence), the approved leave days (leave, leave_in_lieu) and the incident
sheet (its kind ids). Each rule of `rules/scoring.yaml`, in order, takes its events and:

1. (`once_per_day`) keeps one event per person per calendar day;
2. (`convert`) hands events longer than `over_minutes` to a later rule;
3. (`free_per_month`, `free_within_minutes`) lets the month's first N eligible events go free;
4. charges the rest `points` each (or the sheet's 扣分 for `points: from_sheet`) and/or
   `yuan` each; once the charged count reaches a threshold, the rule's total for the
   month becomes the threshold's points (yuan), replacing the per-event amounts.

Every event becomes one evidence row carrying the source row (`file`, `row`), what was
seen and what the rule made of it; an event's `points` are its marginal points, so a
rule's evidence always sums to the rule's total. The score is `base` plus all points
(never below `floor` when one is set); the level is the first level whose `max_score`
the score does not exceed.
"""

from __future__ import annotations

import string
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from csops.domain.attendance import derive_attendance, drop_unknown_staff, files_of, in_service
from csops.domain.incidents import classify_incidents
from csops.domain.money import fen_to_yuan, money_str
from csops.domain.period import Month
from csops.domain.roster import Roster
from csops.errors import Problem, RuleError, raise_problems
from csops.rules.scoring import ATTENDANCE_EVENTS, CHAT_EVENTS, ScoringRule, ScoringRules
from csops.rules.vocab import IncidentKinds, ValueWords

MAJOR_MISTAKE = "major_mistake"  # the incident kind counted for year-end grades

EVENT_COLUMNS = [
    "staff_id",
    "event",
    "date",
    "time",
    "minutes",
    "sheet_points",
    "quantity",  # the part of a day a leave day counts for (a half day: 0.5); else 1
    "_file",
    "_row",
    "seen",
]
EVIDENCE_COLUMNS = [
    "staff_id",
    "name",
    "rule",
    "event",
    "date",
    "file",
    "row",
    "detail",
    "points",
    "yuan_fen",
    "yuan",
    "free",
    "charged",
    "charged_days",  # the charged part of a leave day (1 unless a half day is charged)
]
TALLY_COLUMNS = [
    "scheduled_days",
    "worked_days",
    "late_days",
    "early_leave_days",
    "missed_punch_days",
    "unauthorized_absence_days",
    "leave_days",
    "absences",
    "major_mistakes",
    "award_yuan",
]

TEXT: dict[str, dict[str, str]] = {
    "late": {
        "en": "clock-in {time} on {shift}: {minutes} min late",
        "zh": "上班打卡 {time}，班次 {shift}：迟到 {minutes} 分钟",
    },
    "early_leave": {
        "en": "clock-out {time} on {shift}: left {minutes} min early",
        "zh": "下班打卡 {time}，班次 {shift}：早退 {minutes} 分钟",
    },
    "missed_clock_in": {
        "en": "no clock-in on {shift} (clock-out {time}): missed punch, recorded as 调休",
        "zh": "缺上班卡（班次 {shift}，下班打卡 {time}）：按调休记",
    },
    "missed_clock_out": {
        "en": "no clock-out on {shift} (clock-in {time}): missed punch, recorded as 调休",
        "zh": "缺下班卡（班次 {shift}，上班打卡 {time}）：按调休记",
    },
    "unauthorized_absence": {
        "en": "no punch on {shift} and no approved leave: 旷工",
        "zh": "排班 {shift}，无打卡且无已批准的请假：旷工",
    },
    "refused_leave": {
        "en": " (the leave on row {row} of {file} is {approval})",
        "zh": "（{file} 第 {row} 行的请假为 {approval}）",
    },
    "leave": {
        "en": "{kind} {start} ~ {end} ({approval}): on leave {day}",
        "zh": "{kind} {start} ~ {end}（{approval}）：{day} 请假",
    },
    "leave_part": {"en": " ({days} of a day)", "zh": "（按 {days} 天计）"},
    "sheet_points": {"en": ", 扣分 {points}", "zh": "，扣分 {points}"},
    "amount": {"en": ", ¥{amount}", "zh": "，金额 {amount} 元"},
    "note": {"en": ": {note}", "zh": "：{note}"},
    "converted": {
        "en": " → more than {over} min: counts as {target}",
        "zh": " → 超过 {over} 分钟：按{target}计",
    },
    "free": {
        "en": " → free ({n} of {free} free a month)",
        "zh": " → 免扣（每月前 {free} 次免扣，第 {n} 次）",
    },
    "free_within": {
        "en": " → free ({n} of {free} within {within} min free a month)",
        "zh": " → 免扣（每月 {within} 分钟内前 {free} 次免扣，第 {n} 次）",
    },
    "charged": {"en": " → #{k} this month", "zh": " → 本月第 {k} 次"},
    "beyond": {"en": ", beyond the {free} free", "zh": "，超出免扣的 {free} 次"},
    "never_free": {
        "en": " → more than {within} min: never free",
        "zh": " → 超过 {within} 分钟：不免扣",
    },
    "threshold": {"en": "; {count} or more: {total} in total", "zh": "；满 {count} 次共计{total}"},
    "amount_sep": {"en": ": ", "zh": "："},
}


def _text(key: str, lang: str) -> str:
    return TEXT[key]["zh" if lang == "zh" else "en"]


def _fmt(template: str, index: pd.Index, **values: Any) -> pd.Series:
    """`template.format(**values)` over whole columns (values: Series or scalars)."""
    out = pd.Series("", index=index, dtype="object")
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            out = out + literal
        if name is not None:
            value = values[name]
            if isinstance(value, pd.Series):
                out = out + value.astype("object").fillna("").astype(str).to_numpy()
            else:
                out = out + str(value)
    return out


def _clock(punch: pd.Series, day: pd.Series) -> pd.Series:
    """`08:03`, or `次日 01:10` for a punch after midnight of the row's date."""
    text = punch.dt.strftime("%H:%M").astype("object")
    next_day = (punch.dt.normalize() > day).fillna(False).astype(bool)
    return text.where(~next_day, "次日 " + text)


def _points_text(value: float, lang: str) -> str:
    if lang == "zh":
        if value < 0:
            return f"扣 {-value:g} 分"
        return f"加 {value:g} 分" if value > 0 else "不扣分"
    return f"{value:+g} points" if value else "0 points"


def _map_unique(values: pd.Series, func: Any) -> pd.Series:
    """Apply `func` once per distinct value (points and amounts repeat a lot)."""
    table = {v: func(v) for v in values.unique()}
    return values.map(table)


# ---------------------------------------------------------------- the result


@dataclass
class ScoreResult:
    month: Month
    rules: ScoringRules
    staff: pd.DataFrame  # one row per staff member active in the month
    evidence: pd.DataFrame  # one row per event a rule looked at (free ones with 0 points)
    days: pd.DataFrame  # derived attendance, one row per staff member per day
    leave_days: pd.DataFrame  # approved leave, one row per staff member per calendar day
    warnings: list[str] = field(default_factory=list)
    lang: str = "en"
    rule_digest: str = ""

    @property
    def deductions(self) -> pd.DataFrame:
        return self.evidence

    def levels(self) -> dict[str, str]:
        return dict(zip(self.staff["staff_id"], self.staff["level"], strict=True))

    def select(self, staff_ids: Sequence[str]) -> ScoreResult:
        """The same result restricted to some staff members."""
        ids = pd.Index(list(staff_ids))
        return replace(
            self,
            staff=self.staff[self.staff["staff_id"].isin(ids)].reset_index(drop=True),
            evidence=self.evidence[self.evidence["staff_id"].isin(ids)].reset_index(drop=True),
            days=self.days[self.days["staff_id"].isin(ids)].reset_index(drop=True),
            leave_days=self.leave_days[self.leave_days["staff_id"].isin(ids)].reset_index(
                drop=True
            ),
        )

    def to_document(self) -> dict[str, Any]:
        """The JSON contract: month, staff[] with score, level and deductions[] with evidence."""
        ev = self.evidence
        yuan_text = _map_unique(ev["yuan_fen"], lambda fen: money_str(fen_to_yuan(fen)))
        items: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for key, file, row, day, event, detail, points, yuan, free in zip(
            zip(ev["staff_id"].tolist(), ev["rule"].tolist(), strict=True),
            ev["file"].astype(str).tolist(),
            ev["row"].tolist(),
            ev["date"].dt.strftime("%Y-%m-%d").tolist(),
            ev["event"].tolist(),
            ev["detail"].tolist(),
            ev["points"].astype("float64").tolist(),
            yuan_text.tolist(),
            ev["free"].tolist(),
            strict=True,
        ):
            items[key].append(
                {
                    "file": file,
                    "row": int(row),
                    "date": day,
                    "event": event,
                    "detail": detail,
                    "points": points,
                    "yuan": yuan,
                    "free": bool(free),
                }
            )
        totals = (
            ev.groupby(["staff_id", "rule"], sort=False)
            .agg(
                count=("charged_days", "sum"),
                free=("free", "sum"),
                points=("points", "sum"),
                yuan_fen=("yuan_fen", "sum"),
            )
            .to_dict("index")
        )
        staff_docs = []
        for row in self.staff.to_dict("records"):
            deductions = []
            for rule in self.rules.rules:
                key = (row["staff_id"], rule.id)
                if key not in items:
                    continue
                total = totals[key]
                deductions.append(
                    {
                        "rule": rule.id,
                        "count": count_value(total["count"]),
                        "free": int(total["free"]),
                        "points": round(float(total["points"]), 4),
                        "yuan": money_str(fen_to_yuan(int(total["yuan_fen"]))),
                        "evidence": items[key],
                    }
                )
            staff_docs.append(
                {
                    "staff_id": row["staff_id"],
                    "name": row["name"],
                    "role": row["role"] if isinstance(row["role"], str) else None,
                    "score": float(row["score"]),
                    "level": row["level"],
                    "points": float(row["points"]),
                    "penalty_yuan": money_str(row["penalty_yuan"]),
                    "counts": {
                        key: (money_str(row[key]) if key == "award_yuan" else count_value(row[key]))
                        for key in TALLY_COLUMNS
                    },
                    "deductions": deductions,
                }
            )
        return {
            "month": str(self.month),
            "base": self.rules.base,
            "floor": self.rules.floor,
            "rules": [
                {"id": r.id, "label": r.text(self.lang), "events": list(r.events)}
                for r in self.rules.rules
            ],
            "rule_set": self.rule_digest,
            "staff": staff_docs,
            "warnings": list(self.warnings),
        }


# ---------------------------------------------------------------- entry points


def score_frames(
    roster: Roster,
    attendance: pd.DataFrame,
    leave: pd.DataFrame,
    incidents: pd.DataFrame,
    scoring: ScoringRules,
    kinds: IncidentKinds,
    words: ValueWords,
    month: Month,
    *,
    strict: bool = False,
    previous_levels: Mapping[str, Sequence[str]] | None = None,
    lang: str = "en",
    chat_events: pd.DataFrame | None = None,
) -> ScoreResult:
    """The score from cleaned frames (`csops.jobs.month.compute` calls it). `chat_events`:
    events from the chat log (`chat_events()`), when a rule uses them."""
    check_rule_events(scoring, kinds)
    active = roster.active_in(month)
    derived = derive_attendance(
        attendance, leave, roster.staff, month, scoring.attendance, words, strict=strict
    )
    warnings = list(derived.warnings)
    idle = active[~active["staff_id"].isin(derived.days["staff_id"].unique())]
    if len(idle):
        who = (idle["staff_id"].astype(str) + " " + idle["name"].astype(str)).head(10)
        warnings.append(
            f"no attendance rows in {month} for {len(idle)} staff member(s) on staff "
            f"({', '.join(who)}{', …' if len(idle) > 10 else ''}); they were scored on leave "
            "and incidents only"
        )
    month_incidents, incident_warnings = _month_incidents(
        incidents, roster, month, kinds, scoring, strict
    )
    warnings.extend(incident_warnings)
    active_ids = pd.Index(active["staff_id"])
    events = pd.concat(
        [
            attendance_events(derived.days, lang),
            leave_events(derived.leave_days, lang),
            incident_events(month_incidents, kinds, lang),
            *([chat_events] if chat_events is not None and len(chat_events) else []),
        ],
        ignore_index=True,
    )
    # Integer staff codes (in roster order) group and sort much faster than text.
    codes = active_ids.get_indexer(events["staff_id"])
    events = events.assign(_staff=codes)[codes >= 0]
    evidence = apply_rules(events, scoring, lang)
    names = dict(zip(active["staff_id"], active["name"], strict=True))
    evidence["name"] = evidence["staff_id"].map(names)
    staff = staff_table(
        active, evidence, derived.days, derived.leave_days, month_incidents, scoring, kinds
    )
    staff = assign_levels(staff, scoring, previous_levels)
    return ScoreResult(
        month=month,
        rules=scoring,
        staff=staff,
        evidence=evidence[EVIDENCE_COLUMNS],
        days=derived.days,
        leave_days=derived.leave_days,
        warnings=warnings,
        lang=lang,
    )


def check_rule_events(scoring: ScoringRules, kinds: IncidentKinds) -> None:
    """Every rule's events must be attendance events or incident kinds (a RuleError)."""
    known = [*ATTENDANCE_EVENTS, *CHAT_EVENTS, *kinds.kinds]
    problems = []
    for i, rule in enumerate(scoring.rules):
        for j, event in enumerate(rule.events):
            if event not in known:
                problems.append(
                    f"rules/scoring.yaml: rules[{i}].events[{j}]: {event!r} is no event csops "
                    f"knows; expected one of: {', '.join(known)}"
                )
            elif (
                rule.points == "from_sheet"
                and event in kinds.kinds
                and kinds.kinds[event].value != "points"
            ):
                problems.append(
                    f"rules/scoring.yaml: rules[{i}].points: from_sheet needs incident kinds "
                    f"whose value is points; {event} has value {kinds.kinds[event].value} in "
                    "rules/incidents.yaml"
                )
        if rule.points == "from_sheet" and any(e not in kinds.kinds for e in rule.events):
            problems.append(
                f"rules/scoring.yaml: rules[{i}].points: from_sheet applies to incident kinds "
                "only (attendance events have no 扣分 on their row)"
            )
    if problems:
        raise RuleError(
            problems[0]
            if len(problems) == 1
            else f"{len(problems)} problems in the rule files:\n"
            + "\n".join(f"  - {p}" for p in problems),
            details=problems,
        )


# ---------------------------------------------------------------- events


def _events_frame(columns: dict[str, Any], index: pd.Index) -> pd.DataFrame:
    frame = pd.DataFrame(columns, index=index)
    return frame.reindex(columns=EVENT_COLUMNS)


def attendance_events(days: pd.DataFrame, lang: str) -> pd.DataFrame:
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
                    _text("late", lang),
                    late.index,
                    time=_clock(late["first_punch"], late["date"]),
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
                    _text("early_leave", lang),
                    early.index,
                    time=_clock(early["last_punch"], early["date"]),
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
        _text("missed_clock_in", lang),
        missed.index,
        shift=missed["shift_label"],
        time=_clock(punch, missed["date"]),
    )
    seen_out = _fmt(
        _text("missed_clock_out", lang),
        missed.index,
        shift=missed["shift_label"],
        time=_clock(punch, missed["date"]),
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
    seen = _fmt(_text("unauthorized_absence", lang), absent.index, shift=absent["shift_label"])
    refused = absent["refused_leave_row"].notna()
    if refused.any():
        extra = _fmt(
            _text("refused_leave", lang),
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


def leave_events(leave_days: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A leave / leave_in_lieu event per staff member per calendar day of approved leave;
    a day that counts for part of a leave day (a half day) is that part of an event."""
    days = (
        leave_days["days"].astype("float64")
        if "days" in leave_days
        else pd.Series(1.0, index=leave_days.index)
    )
    seen = _fmt(
        _text("leave", lang),
        leave_days.index,
        kind=leave_days["kind"],
        start=leave_days["start"].dt.strftime("%Y-%m-%d %H:%M"),
        end=leave_days["end"].dt.strftime("%Y-%m-%d %H:%M"),
        approval=leave_days["approval"],
        day=leave_days["date"].dt.strftime("%Y-%m-%d"),
    )
    part = days != 1
    if part.any():
        portion = _fmt(_text("leave_part", lang), leave_days.index, days=days.map(_count_text))
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


def chat_events(kpis: Any, limit_s: float, lang: str) -> pd.DataFrame:
    """An `unanswered_10min` event per wait of the month not answered within `limit_s`
    (never-answered ones included), with the chat-log row of the buyer's first message."""
    waits = kpis.waits
    slow = waits[waits["response_s"].isna() | (waits["response_s"] > limit_s)]
    rows = kpis.wait_rows(slow)
    staff_of = dict(zip(kpis.staff["key"], kpis.staff["staff_id"], strict=True))
    staff_id = pd.Series(slow["key"].map(staff_of).to_numpy(), index=rows.index, dtype="str")
    waited = rows["response_s"]
    clock = rows["wait_start"].dt.strftime("%H:%M")
    if lang == "zh":
        what = (
            "买家 "
            + clock
            + " 的消息："
            + waited.map(lambda v: "未回复" if pd.isna(v) else f"{v:.0f} 秒后才回复")
            + f"（超过 {limit_s:g} 秒）"
        )
    else:
        what = (
            "buyer message at "
            + clock
            + ": "
            + waited.map(lambda v: "never answered" if pd.isna(v) else f"answered after {v:.0f} s")
            + f" (over {limit_s:g} s)"
        )
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


def incident_events(incidents: pd.DataFrame, kinds: IncidentKinds, lang: str) -> pd.DataFrame:
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
                _text("sheet_points", lang),
                idx,
                points=_map_unique(points.astype("float64"), lambda v: f"{v:g}"),
            ),
        )
    amount = incidents["amount_fen"] if "amount_fen" in incidents else pd.Series(pd.NA, index=idx)
    has_amount = amount.notna()
    if has_amount.any():
        yuan = _map_unique(
            amount.astype("float64"), lambda v: "" if pd.isna(v) else money_str(fen_to_yuan(v))
        )
        seen = seen.where(~has_amount, seen + _fmt(_text("amount", lang), idx, amount=yuan))
    note = incidents["note"] if "note" in incidents else pd.Series(pd.NA, index=idx)
    has_note = note.notna()
    if has_note.any():
        seen = seen.where(~has_note, seen + _fmt(_text("note", lang), idx, note=note))
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


# ---------------------------------------------------------------- the rule engine


def apply_rules(events: pd.DataFrame, scoring: ScoringRules, lang: str) -> pd.DataFrame:
    """Evidence: one row per event a rule takes, with its marginal points and yuan."""
    incoming: dict[str, list[pd.DataFrame]] = defaultdict(list)
    labels = {r.id: r.text(lang) for r in scoring.rules}
    out = []
    for order, rule in enumerate(scoring.rules):
        own = events[events["event"].isin(rule.events)]
        priority = {event: i for i, event in enumerate(rule.events)}
        own = own.assign(_priority=own["event"].map(priority).astype("float64"))
        parts = [own, *incoming.pop(rule.id, [])]
        pool = pd.concat(parts, ignore_index=True) if len(parts) > 1 else own
        if pool.empty:
            continue
        pool = pool.assign(_priority=pool["_priority"].fillna(len(rule.events)))
        if rule.once_per_day:
            pool = pool.sort_values(["_staff", "date", "_priority", "time", "_row"], kind="stable")
            pool = pool.drop_duplicates(["_staff", "date"])
        for conversion in rule.convert:
            moved = (pool["minutes"] > conversion.over_minutes).fillna(False).astype(bool)
            if moved.any():
                taken = pool[moved].copy()
                taken["seen"] = taken["seen"] + _fmt(
                    _text("converted", lang),
                    taken.index,
                    over=conversion.over_minutes,
                    target=labels[conversion.to],
                )
                taken["_priority"] = np.nan
                incoming[conversion.to].append(taken)
                pool = pool[~moved]
        if pool.empty:
            continue
        pool = pool.sort_values(["_staff", "time", "_row"], kind="stable", ignore_index=True)
        scored = _charge(pool, rule, lang)
        scored["rule"] = rule.id
        scored["_order"] = order
        out.append(scored)
    if not out:
        empty = pd.DataFrame(columns=[c for c in EVIDENCE_COLUMNS if c != "name"])
        # Typed like a non-empty one: to_document formats `date` with .dt (a month in
        # which nobody lost a point must still report).
        types = {"points": "float64", "yuan_fen": "int64", "row": "int64"}
        return empty.astype({**types, "date": "datetime64[us]"}).assign(
            free=pd.Series(dtype=bool),
            charged=pd.Series(dtype=bool),
            charged_days=pd.Series(dtype="float64"),
        )
    evidence = pd.concat(out, ignore_index=True)
    evidence = evidence.sort_values(["_staff", "_order", "time", "_row"], kind="stable")
    evidence = evidence.rename(columns={"_file": "file", "_row": "row"}).reset_index(drop=True)
    evidence["yuan"] = _map_unique(evidence["yuan_fen"], fen_to_yuan)
    return evidence


def _group_cumsum(values: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Running sums restarting at each group's first row (rows sorted by group)."""
    total = np.cumsum(values)
    starts = np.maximum.accumulate(np.where(first, np.arange(len(values)), 0))
    return total - (total[starts] - values[starts])


def _group_diff(total: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Each row's increase over the previous row of its group (the first: itself)."""
    previous = np.concatenate([np.zeros(1, dtype=total.dtype), total[:-1]])
    previous[first] = 0
    return total - previous


def _texts(values: np.ndarray, func: Any) -> np.ndarray:
    """`func` applied once per distinct value, as an object array of str."""
    unique, inverse = np.unique(values, return_inverse=True)
    return np.array([func(v) for v in unique.tolist()] + [""], dtype=object)[inverse]


def _steps(
    k: np.ndarray, running: np.ndarray, steps: list[tuple[int, Any]], dtype: str
) -> np.ndarray:
    """Running totals where a reached threshold replaces the per-event sum."""
    if not steps:
        return running
    counts = np.array([c for c, _ in steps])
    values = np.array([v for _, v in steps], dtype=dtype)
    step = np.searchsorted(counts, k, side="right") - 1
    return np.where(step >= 0, values[step.clip(min=0)], running)


def _charge(pool: pd.DataFrame, rule: ScoringRule, lang: str) -> pd.DataFrame:
    """Free allowance, per-event points, thresholds and yuan over one rule's events
    (sorted by staff member, then time)."""
    staff = pool["_staff"].to_numpy()
    first = np.concatenate([[True], staff[1:] != staff[:-1]])
    minutes = pool["minutes"].to_numpy(dtype="float64", na_value=np.nan)
    if rule.free_within_minutes is not None:
        eligible = ~(minutes > rule.free_within_minutes)  # no duration: eligible
    else:
        eligible = np.ones(len(pool), dtype=bool)
    quantity = pool["quantity"].to_numpy(dtype="float64", na_value=1.0)
    if (quantity == 1).all():
        eligible_n: np.ndarray = _group_cumsum(eligible.astype("int64"), first)
        free = eligible & (eligible_n <= rule.free_per_month)
        charged_q = (~free).astype("float64")
    else:
        # Half days: the allowance is used up by their parts, and a day that straddles it
        # is charged for the part beyond.
        taken = np.where(eligible, quantity, 0.0)
        eligible_n = _group_cumsum(taken, first)
        left = np.clip(rule.free_per_month - (eligible_n - taken), 0, quantity)
        free_q = np.where(eligible, left, 0.0)
        charged_q = quantity - free_q
        free = charged_q <= 1e-9
    charged = ~free
    # Thresholds count charged days: three half days are one and a half.
    k = _group_cumsum(charged_q, first)

    if rule.points == "from_sheet":
        each = -np.abs(pool["sheet_points"].to_numpy(dtype="float64", na_value=np.nan))
    else:
        each = np.full(len(pool), float(rule.points))
    running = _group_cumsum(np.where(charged, each * charged_q, 0.0), first)
    point_steps = [(t.count, t.points) for t in rule.thresholds if t.points is not None]
    points = _group_diff(_steps(k, running, point_steps, "float64"), first).round(6)

    yuan_each = int(rule.yuan * 100) if rule.yuan is not None else 0
    running_fen = _group_cumsum(
        np.where(charged, np.round(yuan_each * charged_q), 0).astype("int64"), first
    )
    yuan_steps = [(t.count, int(t.yuan * 100)) for t in rule.thresholds if t.yuan is not None]
    yuan_fen = _group_diff(_steps(k, running_fen, yuan_steps, "int64"), first)

    # What the rule made of each event, appended to what was seen.
    free_key = "free_within" if rule.free_within_minutes is not None else "free"
    free_text = _text(free_key, lang).format(
        n="\0", free=rule.free_per_month, within=rule.free_within_minutes
    )
    before, after = free_text.split("\0")
    free_text_rows = before + _texts(eligible_n, _count_text) + after
    before, after = _text("charged", lang).split("{k}")
    if rule.free_per_month:
        # The ordinal among the events that could be free: "#5, beyond the 4 free".
        beyond = _text("beyond", lang).format(free=rule.free_per_month)
        step_text = before + _texts(eligible_n, _count_text) + after + beyond
        if rule.free_within_minutes is not None:
            never = _text("never_free", lang).format(within=rule.free_within_minutes)
            step_text = np.where(eligible, step_text, never)
    else:
        step_text = before + _texts(k, _count_text) + after
    if rule.thresholds:
        reached = np.full(len(pool), "", dtype=object)
        for t in rule.thresholds:
            total_text = ", ".join(
                ([_points_text(float(t.points), lang)] if t.points is not None else [])
                + ([f"¥{money_str(t.yuan)}"] if t.yuan is not None else [])
            )
            hit = charged & (k >= t.count) & (k - charged_q < t.count)  # reached here
            reached[hit] = _text("threshold", lang).format(count=t.count, total=total_text)
        step_text = step_text + reached
    amount_text = _texts(points, lambda v: _points_text(float(v), lang))
    if rule.yuan is not None or yuan_steps:
        amount_text = amount_text + ", ¥" + _texts(yuan_fen, lambda v: money_str(fen_to_yuan(v)))
    charged_text = step_text + _text("amount_sep", lang) + amount_text
    seen = pool["seen"].to_numpy(dtype=object)
    detail = seen + np.where(free, free_text_rows, charged_text)

    result = pool[["staff_id", "_staff", "event", "date", "time", "_file", "_row"]].copy()
    result["detail"] = pd.Series(detail, index=pool.index, dtype="object")
    result["points"] = points.astype("float64")
    result["yuan_fen"] = yuan_fen.astype("int64")
    result["free"] = free
    result["charged"] = charged
    result["charged_days"] = np.where(charged, charged_q, 0.0)
    return result


def count_value(value: Any) -> int | float:
    """A count for JSON: 3, or 2.5 when half days are in it."""
    number = float(value)
    return int(number) if number.is_integer() else number


def whole_or_float(values: pd.Series) -> pd.Series:
    """Counts as whole numbers (int64), unless half days made some fractional (float64)."""
    numbers = values.astype("float64")
    return numbers.astype("int64") if (numbers % 1 == 0).all() else numbers


def _count_text(value: float) -> str:
    """4 → '4', 4.5 → '4.5' (a running count of half days)."""
    return f"{value:g}"


# ---------------------------------------------------------------- per staff member


def staff_table(
    active: pd.DataFrame,
    evidence: pd.DataFrame,
    days: pd.DataFrame,
    leave_days: pd.DataFrame,
    incidents: pd.DataFrame,
    scoring: ScoringRules,
    kinds: IncidentKinds,
) -> pd.DataFrame:
    """One row per active staff member: per-rule counts and points, score, tallies."""
    ids = pd.Index(active["staff_id"], name="staff_id")
    table = pd.DataFrame(
        {
            "staff_id": active["staff_id"].to_numpy(),
            "name": active["name"].to_numpy(),
            "role": active["role"].to_numpy(),
        },
        index=ids,
    )
    by_rule = (
        evidence.groupby(["staff_id", "rule"])
        .agg(count=("charged_days", "sum"), points=("points", "sum"), yuan_fen=("yuan_fen", "sum"))
        .unstack("rule")
        .reindex(ids)
    )
    columns: dict[str, pd.Series] = {}
    for rule in scoring.rules:
        if ("count", rule.id) in by_rule:
            charged = by_rule[("count", rule.id)].fillna(0)
            points = by_rule[("points", rule.id)].fillna(0.0)
            fen = by_rule[("yuan_fen", rule.id)].fillna(0)
        else:
            charged = fen = pd.Series(0, index=ids)
            points = pd.Series(0.0, index=ids)
        columns[f"{rule.id}_count"] = whole_or_float(charged)
        columns[f"{rule.id}_points"] = points.astype("float64").round(4)
        if charges_yuan(rule):
            columns[f"{rule.id}_yuan"] = _map_unique(fen.astype("int64"), fen_to_yuan)
    totals = evidence.groupby("staff_id")[["points", "yuan_fen"]].sum().reindex(ids, fill_value=0)
    columns["points"] = totals["points"].astype("float64").round(4)
    score = (scoring.base + columns["points"]).round(4)
    if scoring.floor is not None:
        score = score.clip(lower=scoring.floor)
    columns["score"] = score
    columns["penalty_yuan"] = _map_unique(totals["yuan_fen"].astype("int64"), fen_to_yuan)

    scheduled = days["scheduled"]
    flags = pd.DataFrame(
        {
            "scheduled_days": scheduled,
            "worked_days": scheduled & (days["first_punch"].notna() | days["last_punch"].notna()),
            "late_days": days["late"],
            "early_leave_days": days["early_leave"],
            "missed_punch_days": days["missed_punch"],
            "unauthorized_absence_days": days["unauthorized_absence"],
        }
    )
    day_counts = flags.groupby(days["staff_id"]).sum().reindex(ids, fill_value=0)
    for key in flags.columns:
        columns[key] = day_counts[key].astype("int64")
    columns["leave_days"] = whole_or_float(
        leave_days.groupby("staff_id")["days"].sum().reindex(ids, fill_value=0)
        if "days" in leave_days
        else leave_days.groupby("staff_id").size().reindex(ids, fill_value=0)
    )
    table = pd.concat([table, pd.DataFrame(columns, index=ids)], axis=1)

    def count(frame: pd.DataFrame, mask: pd.Series) -> pd.Series:
        return frame[mask].groupby("staff_id").size().reindex(ids, fill_value=0).astype("int64")

    absence_rules = [r.id for r in scoring.rules if r.tally_as_absence]
    table["absences"] = whole_or_float(
        sum((table[f"{r}_count"] for r in absence_rules), pd.Series(0, index=ids))
    )
    table["major_mistakes"] = count(incidents, incidents["kind_id"] == MAJOR_MISTAKE)
    yuan_kinds = [k for k, v in kinds.kinds.items() if v.value == "yuan"]
    awards = incidents[incidents["kind_id"].isin(yuan_kinds)]
    award_fen = (
        awards["amount_fen"]
        .astype("Float64")
        .fillna(0)
        .astype("int64")
        .groupby(awards["staff_id"])
        .sum()
        if "amount_fen" in awards
        else pd.Series(dtype="int64")
    )
    table["award_yuan"] = _map_unique(
        award_fen.reindex(ids, fill_value=0).astype("int64"), fen_to_yuan
    )
    return table.reset_index(drop=True)


def charges_yuan(rule: ScoringRule) -> bool:
    """Whether the rule can cost money (then the staff table has `<rule>_yuan`)."""
    return rule.yuan is not None or any(t.yuan is not None for t in rule.thresholds)


def assign_levels(
    staff: pd.DataFrame,
    scoring: ScoringRules,
    previous_levels: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """`level`: the first level whose max_score the score does not exceed; `serious`
    when the score and the levels of the months before stay low long enough."""
    bounds = np.array([lv.max_score for lv in scoring.levels[:-1]], dtype="float64")
    ids = np.array([lv.id for lv in scoring.levels], dtype=object)
    position = np.searchsorted(bounds, staff["score"].to_numpy(dtype="float64"), side="left")
    level = pd.Series(ids[position], index=staff.index, dtype="object")
    serious = scoring.serious
    if serious is not None and previous_levels:
        low = {
            lv.id
            for lv in scoring.levels
            if lv.max_score is not None and lv.max_score <= serious.max_score
        } | {serious.id}
        need = serious.months_in_a_row - 1
        for i, (staff_id, score) in enumerate(zip(staff["staff_id"], staff["score"], strict=True)):
            before = list(previous_levels.get(staff_id, ()))
            if score <= serious.max_score and len(before) >= need:
                if all(lv in low for lv in before[len(before) - need :]):
                    level.iloc[i] = serious.id
    out = staff.copy()
    out["level"] = level.astype(str)
    return out
