"""The KPI scorecard 绩效考核 and performance bonus 绩效奖金 of a month or a quarter.

The flow (docs/kpi.md):

1. Per month, the figures csops already computes are turned into per-staff **counts**
   (`csops.domain.kpi_counts.month_counts`): waits and waits answered in time,
   response-time sums, inquiries and paying buyers, ratings (chat KPIs); net sales in fen
   (commission); the monthly score; spot checks, their score sums, resolved/known counts
   and item-mark sums (QA sheet, `csops.domain.qa`).
2. A quarter **sums the counts** of its three months; every metric value is then
   numerator / denominator of the summed counts — never a mean of monthly percentages.
3. Per staff member, the card of their 岗位 (`rules/kpi.yaml`) turns each metric value into
   points (bands or linear, in the metric's direction); a metric without data is reported
   as missing and its weight redistributed (or scored as the card says). The total is the
   weighted mean of the points, rounded once to 0.01; the rank is within the card.
4. The bonus is the tier the total reaches (Decimal yuan), withheld when the period's
   score level (any month of a quarter) is one the rules name.

`scorecard` is the pure core over `MonthFigures`; `csops.jobs.month.compute` builds them
from the month's own score, commission and chat KPIs; `csops.report.documents.kpi_document`
spells the result as JSON.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from csops.domain.kpi_counts import MonthFigures, period_counts
from csops.domain.money import round_fen
from csops.domain.period import Month, Quarter
from csops.domain.qa import empty_qa
from csops.domain.roster import Roster
from csops.errors import RuleError
from csops.messages import Msg
from csops.rules.kpi import Card, KpiRules, MetricRule
from csops.rules.scoring import ScoringRules

Period = Month | Quarter

STAFF_COLUMNS = [
    "staff_id",
    "name",
    "role",
    "card",
    "scored",
    "weight_with_data",
    "total",
    "rank",
    "bonus",
    "bonus_before_withholding",
    "levels",
    "withheld_by_level",
    "missing",
    "note",
]
METRIC_COLUMNS = [
    "staff_id",
    "card",
    "metric",
    "value",
    "numerator",
    "denominator",
    "missing",
    "points",
    "weight",
    "effective_weight",
    "contribution",
]


def months_of(period: Period) -> tuple[Month, ...]:
    return period.months if isinstance(period, Quarter) else (period,)


def _dedupe(notes: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(notes))


# ---------------------------------------------------------------- points


def _round2(value: float) -> float:
    return float(Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def metric_points(values: pd.Series, rule: MetricRule) -> pd.Series:
    """Points of each value under the metric's bands or linear rule (NaN stays NaN)."""
    v = values.to_numpy(dtype="float64")
    higher = rule.info.direction == "higher"
    if rule.bands is not None:
        points = np.full(len(v), float(rule.otherwise))
        chosen = np.zeros(len(v), dtype=bool)
        for band in rule.bands:
            reached = v >= band.min if higher else v <= band.max
            take = reached & ~chosen
            points[take] = band.points
            chosen |= take
    else:
        lin = rule.linear
        assert lin is not None
        share = np.clip((v - lin.worst) / (lin.best - lin.worst), 0.0, 1.0)
        points = lin.worst_points + share * (lin.best_points - lin.worst_points)
    points = np.where(np.isnan(v), np.nan, points)
    return pd.Series(points, index=values.index).map(lambda p: np.nan if pd.isna(p) else _round2(p))


# ---------------------------------------------------------------- the scorecard


@dataclass
class KpiResult:
    period: Period
    rules: KpiRules
    staff: pd.DataFrame  # a row per staff member (STAFF_COLUMNS)
    metrics: pd.DataFrame  # a row per staff member and card metric (METRIC_COLUMNS)
    counts: pd.DataFrame  # the period's counts per staff member (index staff_id)
    qa: pd.DataFrame  # the spot checks of the period (QA_COLUMNS), the evidence of QA metrics
    notes: list[str] = field(default_factory=list)
    sources: dict[str, bool] = field(default_factory=dict)  # which sources had an export

    @property
    def months(self) -> tuple[Month, ...]:
        return months_of(self.period)

    def select(self, staff_id: str) -> KpiResult:
        return replace(
            self,
            staff=self.staff[self.staff["staff_id"] == staff_id].reset_index(drop=True),
            metrics=self.metrics[self.metrics["staff_id"] == staff_id].reset_index(drop=True),
            qa=self.qa[self.qa["staff_id"] == staff_id].reset_index(drop=True),
        )


def _metric_frame(counts: pd.DataFrame, rule: MetricRule) -> pd.DataFrame:
    info = rule.info
    num = counts[info.numerator] if info.numerator in counts else pd.Series(np.nan, counts.index)
    if info.denominator is None:
        den = pd.Series(np.nan, index=counts.index)
        value = num / 100 if info.unit == "money" else num
    else:
        den = counts[info.denominator]
        value = (num / den).where(den > 0)
    return pd.DataFrame(
        {"value": value, "numerator": num, "denominator": den, "missing": value.isna()}
    )


def _card_rows(
    card_id: str, card: Card, staff_ids: list[str], counts: pd.DataFrame
) -> pd.DataFrame:
    """The long metric rows of one card's staff: value, points, weights."""
    ids = pd.Index(staff_ids, name="staff_id")
    sub = counts.reindex(ids)
    frames = []
    for rule in card.metrics:
        part = _metric_frame(sub, rule)
        part["points"] = metric_points(part["value"], rule)
        if rule.missing != "redistribute":
            part["points"] = part["points"].where(~part["missing"], float(rule.missing))
        part["metric"] = rule.metric
        part["weight"] = float(rule.weight)
        frames.append(part.reset_index())
    rows = pd.concat(frames, ignore_index=True)
    rows["card"] = card_id
    counted = rows["points"].notna()
    used = rows["weight"].where(counted, 0.0).groupby(rows["staff_id"]).transform("sum")
    rows["effective_weight"] = (rows["weight"] * 100 / used).where(counted & (used > 0))
    rows["contribution"] = rows["points"] * rows["effective_weight"] / 100
    order = {sid: i for i, sid in enumerate(staff_ids)}
    metric_order = {r.metric: i for i, r in enumerate(card.metrics)}
    rows = rows.assign(
        _s=rows["staff_id"].map(order), _m=rows["metric"].map(metric_order)
    ).sort_values(["_s", "_m"], kind="stable")
    return rows[METRIC_COLUMNS].reset_index(drop=True)


def records_by_staff(metrics: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """The metric rows of each staff member, in order, as dicts (one conversion of the
    frame, not a pandas selection per person)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for record in metrics.to_dict("records"):
        out.setdefault(str(record["staff_id"]), []).append({str(k): v for k, v in record.items()})
    return out


def _total(rows: list[dict[str, Any]]) -> Decimal | None:
    """Σ points × weight / Σ weight over the metrics that count, rounded once to 0.01."""
    counted = [r for r in rows if not pd.isna(r["points"])]
    weight = sum((Decimal(repr(float(r["weight"]))) for r in counted), Decimal(0))
    if weight == 0:
        return None
    points = sum(
        (Decimal(repr(float(r["points"]))) * Decimal(repr(float(r["weight"]))) for r in counted),
        Decimal(0),
    )
    return (points / weight).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def check_levels(rules: KpiRules, scoring: ScoringRules) -> None:
    """Every withhold level must be a level of scoring.yaml (a RuleError)."""
    known = [lv.id for lv in scoring.levels] + ([scoring.serious.id] if scoring.serious else [])
    bad = [lv for lv in rules.bonus.withhold_levels if lv not in known]
    if bad:
        raise RuleError(
            f"rules/kpi.yaml: bonus.withhold_levels: {', '.join(repr(b) for b in bad)} is no "
            f"level of rules/scoring.yaml; levels: {', '.join(known)}"
        )


def scorecard(
    period: Period,
    roster: Roster,
    months: Sequence[MonthFigures],
    rules: KpiRules,
    *,
    scoring: ScoringRules | None = None,
    chat_limit_s: float = 30.0,
    rounding: str = "half_up",
    notes: Sequence[str] = (),
) -> KpiResult:
    """The scorecard of every staff member on the roster during `period` (the pure core).

    `months` holds one `MonthFigures` per month of the period; `chat_limit_s` is the chat
    rule's fast-reply limit, used when the KPI rules set no reply_timeliness_limit_s."""
    if scoring is not None:
        check_levels(rules, scoring)
    notes = list(notes)
    limit = rules.reply_timeliness_limit_s or chat_limit_s
    counts = period_counts(months, limit)
    sources = {
        "chats": any(m.chats is not None for m in months),
        "commission": any(m.commission is not None for m in months),
        "score": any(m.score is not None for m in months),
        "qa": any(m.qa is not None for m in months),
    }
    active = _active_staff(roster, months_of(period))
    card_of = rules.card_of_role()
    roles = active["role"].astype("object").where(active["role"].notna(), None)
    role_text = [None if r is None else str(r).strip() for r in roles]
    cards: list[str | None] = [card_of.get(r or "", rules.default_card) for r in role_text]
    ids = active["staff_id"].astype("str").tolist()

    levels: dict[str, list[str]] = {sid: [] for sid in ids}
    for m in months:
        if m.score is not None:
            for sid, level in m.score.levels().items():
                if sid in levels:
                    levels[sid].append(level)

    metric_parts = []
    for name, card in rules.cards.items():
        members = [sid for sid, c in zip(ids, cards, strict=True) if c == name]
        if members:
            metric_parts.append(_card_rows(name, card, members, counts))
    metrics = (
        pd.concat(metric_parts, ignore_index=True)
        if metric_parts
        else pd.DataFrame(columns=METRIC_COLUMNS)
    )
    tiers = rules.tiers_for(isinstance(period, Quarter))
    withhold = set(rules.bonus.withhold_levels)
    if withhold and not sources["score"]:
        notes.append(
            "no attendance export, so no monthly score: the bonus could not be checked "
            f"against the levels {', '.join(sorted(withhold))} (bonus.withhold_levels)"
        )
    by_staff = records_by_staff(metrics)
    names = dict(zip(ids, active["name"], strict=True))
    rows = []
    for sid, role, card_id in zip(ids, role_text, cards, strict=True):
        # A loop over staff (tens): Decimal totals, one rounding per person.
        row: dict[str, Any] = {
            "staff_id": sid,
            "name": names[sid],
            "role": role,
            "card": card_id,
            "scored": False,
            "weight_with_data": np.nan,
            "total": np.nan,
            "rank": pd.NA,
            "bonus": None,
            "bonus_before_withholding": None,
            "levels": levels[sid],
            "withheld_by_level": None,
            "missing": [],
            "note": None,
        }
        if card_id is None:
            row["note"] = Msg("kpi.why_no_card", role=role or "(empty 岗位)")
            rows.append(row)
            continue
        card = rules.cards[card_id]
        mine = by_staff[sid]
        with_data = math.fsum(float(m["weight"]) for m in mine if not m["missing"])
        row["weight_with_data"] = with_data
        row["missing"] = [m["metric"] for m in mine if m["missing"]]
        total = _total(mine)
        if total is None or with_data < card.min_weight_with_data:
            row["note"] = Msg(
                "kpi.why_little_data",
                weight=f"{with_data:g}",
                min=f"{card.min_weight_with_data:g}",
            )
            rows.append(row)
            continue
        row["scored"] = True
        row["total"] = float(total)
        reached = next((t for t in tiers if total >= Decimal(repr(t.min_total))), None)
        amount = round_fen(reached.amount, rounding) if reached else Decimal("0.00")
        row["bonus_before_withholding"] = amount
        hit = [lv for lv in levels[sid] if lv in withhold]
        if hit and amount > 0:
            row["withheld_by_level"] = hit[0]
            row["bonus"] = Decimal("0.00")
        else:
            row["bonus"] = amount
        rows.append(row)
    staff = pd.DataFrame(rows, columns=STAFF_COLUMNS)
    scored = staff["scored"].to_numpy(dtype=bool)
    rank = (
        staff.loc[scored, "total"]
        .groupby(staff.loc[scored, "card"])
        .rank(method="min", ascending=False)
    )
    staff["rank"] = pd.array([pd.NA] * len(staff), dtype="Int64")
    staff.loc[rank.index, "rank"] = rank.astype("int64").to_numpy()
    unscored = staff[~scored]
    if len(unscored):
        # From the rows, not the frame: a column of text loses what each reason is.
        who = [
            Msg("kpi.not_scored_item", staff_id=r["staff_id"], name=r["name"], why=r["note"])
            for r in rows
            if not r["scored"]
        ]
        hint = rules.default_card is None and unscored["card"].isna().any()
        notes.append(Msg("kpi.not_scored_hint" if hint else "kpi.not_scored", who=who))
    for source, present in sources.items():
        if not present and any(
            m.info.source == source for c in rules.cards.values() for m in c.metrics
        ):
            notes.append(_ABSENT[source])
    qa = pd.concat([m.qa for m in months if m.qa is not None] or [empty_qa()], ignore_index=True)
    return KpiResult(
        period=period,
        rules=rules,
        staff=staff,
        metrics=metrics,
        counts=counts,
        qa=qa,
        notes=_dedupe(notes),
        sources=sources,
    )


_ABSENT: dict[str, str] = {
    source: Msg(f"kpi.absent.{source}") for source in ("chats", "commission", "score", "qa")
}


def _active_staff(roster: Roster, months: Sequence[Month]) -> pd.DataFrame:
    """Staff on the roster for at least one day of any of the months, in roster order."""
    seen: set[str] = set()
    for month in months:
        seen |= set(roster.active_in(month)["staff_id"])
    return roster.staff[roster.staff["staff_id"].isin(pd.Index(list(seen)))].reset_index(drop=True)
