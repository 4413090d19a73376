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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from csops.domain.attendance import derive_attendance
from csops.domain.money import fen_to_yuan
from csops.domain.period import Month
from csops.domain.phrases import Phrases
from csops.domain.roster import Roster
from csops.domain.score_base import (
    EVIDENCE_COLUMNS,
    MAJOR_MISTAKE,
    map_unique,
    whole_or_float,
)
from csops.domain.score_events import (
    _month_incidents,
    attendance_events,
    incident_events,
    leave_events,
)
from csops.domain.score_rules import apply_rules
from csops.errors import RuleError
from csops.rules.scoring import ATTENDANCE_EVENTS, CHAT_EVENTS, ScoringRule, ScoringRules
from csops.rules.vocab import IncidentKinds, ValueWords

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
    text: Phrases,
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
            attendance_events(derived.days, text),
            leave_events(derived.leave_days, text),
            incident_events(month_incidents, kinds, text),
            *([chat_events] if chat_events is not None and len(chat_events) else []),
        ],
        ignore_index=True,
    )
    # Integer staff codes (in roster order) group and sort much faster than text.
    codes = active_ids.get_indexer(events["staff_id"])
    events = events.assign(_staff=codes)[codes >= 0]
    evidence = apply_rules(events, scoring, text)
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
        lang=text.lang,
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
            columns[f"{rule.id}_yuan"] = map_unique(fen.astype("int64"), fen_to_yuan)
    totals = evidence.groupby("staff_id")[["points", "yuan_fen"]].sum().reindex(ids, fill_value=0)
    columns["points"] = totals["points"].astype("float64").round(4)
    score = (scoring.base + columns["points"]).round(4)
    if scoring.floor is not None:
        score = score.clip(lower=scoring.floor)
    columns["score"] = score
    columns["penalty_yuan"] = map_unique(totals["yuan_fen"].astype("int64"), fen_to_yuan)

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
    table["award_yuan"] = map_unique(
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
