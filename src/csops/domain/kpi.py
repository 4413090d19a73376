"""The KPI scorecard 绩效考核 and performance bonus 绩效奖金 of a month or a quarter.

The flow (docs/kpi.md):

1. Per month, the figures csops already computes are turned into per-staff **counts**
   (`month_counts`): waits and waits answered in time, response-time sums, inquiries and
   paying buyers, ratings (chat KPIs); net sales in fen (commission); the monthly score;
   spot checks, their score sums, resolved/known counts and item-mark sums (QA sheet).
2. A quarter **sums the counts** of its three months; every metric value is then
   numerator / denominator of the summed counts — never a mean of monthly percentages.
3. Per staff member, the card of their 岗位 (`rules/kpi.yaml`) turns each metric value into
   points (bands or linear, in the metric's direction); a metric without data is reported
   as missing and its weight redistributed (or scored as the card says). The total is the
   weighted mean of the points, rounded once to 0.01; the rank is within the card.
4. The bonus is the tier the total reaches (Decimal yuan), withheld when the period's
   score level (any month of a quarter) is one the rules name.

`scorecard` is the pure core over `MonthFigures`; `csops.jobs.month.compute` builds them
from the month's own score, commission and chat KPIs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from csops.domain.chats import ChatKpis
from csops.domain.commission import CommissionResult
from csops.domain.money import fen_to_yuan, money_str, round_fen
from csops.domain.period import Month, Quarter
from csops.domain.roster import Roster
from csops.domain.scoring import ScoreResult
from csops.domain.staff_rows import drop_unknown_staff
from csops.errors import Problem, RuleError, raise_problems
from csops.rules.kpi import METRICS, Card, KpiRules, MetricRule, QaRules, Source
from csops.rules.scoring import ScoringRules

Period = Month | Quarter

QA_ITEMS = ("accuracy", "attitude", "communication")

# The per-staff counts of each source; a metric is numerator / denominator of these.
COUNTS: dict[Source, tuple[str, ...]] = {
    "chats": (
        "waits",
        "timely_waits",
        "unanswered_10min",
        "answered_waits",
        "response_s_sum",
        "first_waits_answered",
        "first_response_s_sum",
        "asked_conversations",
        "replied_conversations",
        "inquiries",
        "paid_buyers",
        "next_day_paid_buyers",
        "ratings",
        "satisfied_ratings",
    ),
    "commission": ("net_fen",),
    "score": ("score_sum", "score_months"),
    "qa": (
        "qa_checks",
        "qa_scored",
        "qa_score_sum",
        "qa_resolved",
        "qa_resolved_known",
        *(f"qa_{item}_{part}" for item in QA_ITEMS for part in ("sum", "n")),
    ),
}
ALL_COUNTS: tuple[str, ...] = tuple(c for cols in COUNTS.values() for c in cols)

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
QA_COLUMNS = [
    "staff_id",
    "date",
    "buyer",
    "score",
    *QA_ITEMS,
    "check_score",
    "resolved",
    "note",
    "_file",
    "_row",
]


def months_of(period: Period) -> tuple[Month, ...]:
    return period.months if isinstance(period, Quarter) else (period,)


def _dedupe(notes: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(notes))


# ---------------------------------------------------------------- spot checks (QA)


QA_HEADERS = {
    "score": "得分",
    "accuracy": "准确",
    "attitude": "态度",
    "communication": "沟通",
    "resolved": "是否解决",
}


def prepare_qa(
    frame: pd.DataFrame,
    roster: Roster,
    period: Period,
    rules: QaRules,
    *,
    strict: bool = False,
    headers: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """The period's spot checks of staff on the roster, validated, with `check_score`
    (the row's 得分, or its mean item mark scaled to 100) and `resolved` as True/False/NA.

    Scores outside 0–100, item marks outside 0–item_max and 是否解决 words the rules do not
    know are row errors (one InputError listing them all), naming the column by the
    export's own header (`headers`: field → header) or its usual one."""
    notes: list[str] = []
    header = {**QA_HEADERS, **(headers or {})}
    rows = frame[period.contains(frame["date"])].reset_index(drop=True)
    rows, unknown = drop_unknown_staff(rows, roster.staff["staff_id"], "spot-check", strict=strict)
    notes.extend(unknown)
    rows = rows.reset_index(drop=True)
    out = pd.DataFrame(
        {
            "staff_id": rows["staff_id"].astype("str"),
            "date": rows["date"],
            "buyer": rows["buyer"] if "buyer" in rows else pd.Series(pd.NA, index=rows.index),
            "note": rows["note"] if "note" in rows else pd.Series(pd.NA, index=rows.index),
            "_file": rows["_file"].astype("str"),
            "_row": rows["_row"],
        }
    )
    problems: list[Problem] = []

    def number(name: str, top: float, expected: str) -> pd.Series:
        values = (
            rows[name].astype("Float64").astype("float64")
            if name in rows
            else pd.Series(np.nan, index=rows.index)
        )
        bad = (values < 0) | (values > top)
        if bad.any():
            problems.append(
                Problem.at(
                    rows[bad.to_numpy()],
                    f"{int(bad.sum())} spot-check {QA_HEADERS[name]} values outside 0–{top:g}",
                    column=header[name],
                    samples=values[bad].map(lambda v: f"{v:g}"),
                    expected=expected,
                )
            )
        return values

    out["score"] = number("score", 100, "a score from 0 to 100")
    for item in QA_ITEMS:
        out[item] = number(
            item,
            rules.item_max,
            f"a mark from 0 to {rules.item_max:g} (qa.item_max in rules/kpi.yaml)",
        )
    resolved_text = (
        rows["resolved"].astype("str").str.strip()
        if "resolved" in rows
        else pd.Series(pd.NA, index=rows.index, dtype="str")
    )
    yes = resolved_text.isin(rules.resolved_yes)
    no = resolved_text.isin(rules.resolved_no)
    unknown_word = resolved_text.notna() & (resolved_text != "") & ~yes & ~no
    if unknown_word.any():
        problems.append(
            Problem.at(
                rows[unknown_word.to_numpy()],
                f"{int(unknown_word.sum())} spot checks have a 是否解决 value the rules do "
                "not know",
                column=header["resolved"],
                samples=resolved_text[unknown_word],
                expected=f"one of {' / '.join(rules.resolved_yes[:3])} or "
                f"{' / '.join(rules.resolved_no[:3])} (qa.resolved_yes / resolved_no in "
                "rules/kpi.yaml)",
            )
        )
    raise_problems(problems)
    out["resolved"] = pd.Series(pd.NA, index=rows.index, dtype="boolean")
    out.loc[yes.to_numpy(), "resolved"] = True
    out.loc[no.to_numpy(), "resolved"] = False
    marks = out[list(QA_ITEMS)]
    from_items = marks.mean(axis=1, skipna=True) / rules.item_max * 100
    check = out["score"]
    if rules.score_from_items:
        check = check.fillna(from_items)
    out["check_score"] = check
    empty = check.isna() & marks.isna().all(axis=1) & out["resolved"].isna()
    if empty.any():
        notes.append(
            f"{', '.join(sorted(set(out.loc[empty, '_file'])))}: {int(empty.sum())} spot-check "
            f"rows have no score, no item marks and no 是否解决 (rows "
            f"{', '.join(str(r) for r in out.loc[empty, '_row'].head(5))}); they count for "
            "nothing"
        )
    return out[QA_COLUMNS], notes


def qa_counts(qa: pd.DataFrame) -> pd.DataFrame:
    """Per staff member: spot checks, score sum and count, resolved/known, item sums."""
    resolved = qa["resolved"]
    parts = {
        "qa_checks": pd.Series(1, index=qa.index),
        "qa_scored": qa["check_score"].notna().astype("int64"),
        "qa_score_sum": qa["check_score"].fillna(0.0),
        "qa_resolved": resolved.fillna(False).astype("int64"),
        "qa_resolved_known": resolved.notna().astype("int64"),
    }
    for item in QA_ITEMS:
        parts[f"qa_{item}_sum"] = qa[item].fillna(0.0)
        parts[f"qa_{item}_n"] = qa[item].notna().astype("int64")
    return pd.DataFrame(parts).groupby(qa["staff_id"]).sum().astype("float64")


# ---------------------------------------------------------------- per-month counts


@dataclass
class MonthFigures:
    """What one month's other results say, as far as the scorecard needs them.
    A source that is None was not available (no export of that kind)."""

    month: Month
    chats: ChatKpis | None = None
    commission: CommissionResult | None = None
    score: ScoreResult | None = None
    qa: pd.DataFrame | None = None  # prepared spot checks (`prepare_qa`) of the month


def chat_counts(kpis: ChatKpis, limit_s: float) -> pd.DataFrame:
    """Per staff member (roster rows only) the chat counts; `timely_waits` counts the waits
    started in the month and answered within `limit_s` seconds."""
    staff = kpis.staff
    waits = kpis.waits
    answered_fast = waits["response_s"].to_numpy(dtype="float64") <= limit_s
    timely = np.bincount(
        waits["key"].to_numpy(dtype=np.int64)[answered_fast & (waits["key"].to_numpy() >= 0)],
        minlength=len(staff),
    )

    def col(name: str) -> pd.Series:
        return pd.to_numeric(staff[name], errors="coerce").astype("float64")

    frame = pd.DataFrame(
        {
            "waits": col("waits"),
            "timely_waits": timely[staff["key"].to_numpy(dtype=np.int64)].astype("float64"),
            "unanswered_10min": col("unanswered_10min"),
            "answered_waits": col("answered_waits"),
            "response_s_sum": (col("avg_response_s") * col("answered_waits")).fillna(0.0),
            "first_waits_answered": col("first_waits_answered"),
            "first_response_s_sum": (col("first_response_s") * col("first_waits_answered")).fillna(
                0.0
            ),
            "asked_conversations": col("asked_conversations"),
            "replied_conversations": col("replied_conversations"),
            "inquiries": col("inquiries"),
            "paid_buyers": col("paid_buyers"),
            "next_day_paid_buyers": col("next_day_paid_buyers"),
            "ratings": col("ratings"),
            "satisfied_ratings": col("satisfied_ratings"),
        }
    )
    on_roster = staff["staff_id"].notna().to_numpy()
    frame = frame[on_roster]
    frame.index = pd.Index(staff.loc[on_roster, "staff_id"].astype("str"), name="staff_id")
    if not kpis.has_ratings:
        # No 评价 column / no ratings at all: satisfaction is unknown, not 0 of 0.
        frame[["ratings", "satisfied_ratings"]] = np.nan
    return frame


def month_counts(figures: MonthFigures, limit_s: float) -> pd.DataFrame:
    """Every count of the month per staff member (NaN: the source says nothing of them)."""
    parts: list[pd.DataFrame] = []
    if figures.chats is not None:
        parts.append(chat_counts(figures.chats, limit_s))
    if figures.commission is not None:
        staff = figures.commission.staff
        parts.append(
            pd.DataFrame(
                {"net_fen": staff["net_fen"].astype("float64").to_numpy()},
                index=pd.Index(staff["staff_id"].astype("str"), name="staff_id"),
            )
        )
    if figures.score is not None:
        staff = figures.score.staff
        parts.append(
            pd.DataFrame(
                {
                    "score_sum": staff["score"].astype("float64").to_numpy(),
                    "score_months": 1.0,
                },
                index=pd.Index(staff["staff_id"].astype("str"), name="staff_id"),
            )
        )
    if figures.qa is not None:
        counts = qa_counts(figures.qa)
        counts.index = counts.index.astype("str").rename("staff_id")
        parts.append(counts)
    frame = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=pd.Index([], name="staff_id"))
    if figures.qa is not None:
        # A staff member without spot checks has 0 of them (not unknown).
        qa_cols = list(COUNTS["qa"])
        frame[qa_cols] = frame.reindex(columns=qa_cols).fillna(0.0)
    return frame.reindex(columns=list(ALL_COUNTS)).astype("float64")


def period_counts(months: Sequence[MonthFigures], limit_s: float) -> pd.DataFrame:
    """The counts of the period: each staff member's counts summed over its months.
    A count unknown in every month stays unknown (NaN)."""
    frames = [month_counts(m, limit_s) for m in months]
    stacked = pd.concat(frames)
    return stacked.groupby(level=0, sort=False).sum(min_count=1)


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

    def to_document(self, *, explain: bool = False) -> dict[str, Any]:
        """The JSON contract of `csops kpi` (docs/kpi.md)."""
        by_staff = _records_by_staff(self.metrics)
        staff_docs = []
        for row in self.staff.to_dict("records"):
            sid = row["staff_id"]
            metrics = by_staff.get(sid, [])
            doc: dict[str, Any] = {
                "staff_id": sid,
                "name": row["name"],
                "role": _none(row["role"]),
                "card": _none(row["card"]),
                "metrics": [_metric_doc(m) for m in metrics],
                "total": None if pd.isna(row["total"]) else float(row["total"]),
                "rank": None if pd.isna(row["rank"]) else int(row["rank"]),
                "bonus": None if row["bonus"] is None else money_str(row["bonus"]),
                "bonus_before_withholding": None
                if row["bonus_before_withholding"] is None
                else money_str(row["bonus_before_withholding"]),
                "levels": list(row["levels"]),
                "withheld_by_level": _none(row["withheld_by_level"]),
                "scored": bool(row["scored"]),
                "note": _none(row["note"]),
            }
            if explain:
                mine = self.qa[self.qa["staff_id"] == sid]
                doc["spot_checks"] = [_qa_doc(r) for r in mine.to_dict("records")]
            staff_docs.append(doc)
        return {
            "period": str(self.period),
            "months": [str(m) for m in self.months],
            "staff": staff_docs,
            "notes": list(self.notes),
        }


def _none(value: Any) -> Any:
    return (
        None if value is None or (not isinstance(value, list | str) and pd.isna(value)) else value
    )


def _num(value: Any, places: int) -> float | int | None:
    if value is None or pd.isna(value):
        return None
    number = round(float(value), places)
    return int(number) if number == int(number) and places >= 0 and abs(number) < 2**53 else number


def metric_value_json(metric: str, value: Any) -> Any:
    """Rates to 4 places, seconds to 0.1, money as a 2-decimal string, marks to 0.01."""
    if value is None or pd.isna(value):
        return None
    unit = METRICS[metric].unit
    if unit == "money":
        return money_str(fen_to_yuan(round(float(value) * 100)))
    if unit == "rate":
        return round(float(value), 4)
    if unit == "seconds":
        return round(float(value), 1)
    return round(float(value), 2)


def _metric_doc(m: dict[Any, Any]) -> dict[str, Any]:
    return {
        "metric": m["metric"],
        "value": metric_value_json(m["metric"], m["value"]),
        "points": _num(m["points"], 2),
        "weight": _num(m["weight"], 4),
        "effective_weight": _num(m["effective_weight"], 4),
        "missing": bool(m["missing"]),
        "numerator": _num(m["numerator"], 2),
        "denominator": _num(m["denominator"], 2),
    }


def _qa_doc(r: dict[Any, Any]) -> dict[str, Any]:
    return {
        "file": r["_file"],
        "row": int(r["_row"]),
        "date": r["date"].strftime("%Y-%m-%d"),
        "buyer": _none(r["buyer"]),
        "score": _num(r["score"], 2),
        **{item: _num(r[item], 2) for item in QA_ITEMS},
        "check_score": _num(r["check_score"], 2),
        "resolved": None if pd.isna(r["resolved"]) else bool(r["resolved"]),
        "note": _none(r["note"]),
    }


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


def _records_by_staff(metrics: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
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
    by_staff = _records_by_staff(metrics)
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
            row["note"] = f"no KPI card for the role {role or '(empty 岗位)'}"
            rows.append(row)
            continue
        card = rules.cards[card_id]
        mine = by_staff[sid]
        with_data = math.fsum(float(m["weight"]) for m in mine if not m["missing"])
        row["weight_with_data"] = with_data
        row["missing"] = [m["metric"] for m in mine if m["missing"]]
        total = _total(mine)
        if total is None or with_data < card.min_weight_with_data:
            row["note"] = (
                f"data for only {with_data:g} of 100 weight (min_weight_with_data "
                f"{card.min_weight_with_data:g}): not scored"
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
        who = ", ".join(
            f"{s} {n} ({why})"
            for s, n, why in zip(
                unscored["staff_id"], unscored["name"], unscored["note"], strict=True
            )
        )
        hint = (
            "; set default_card in rules/kpi.yaml to score other roles"
            if rules.default_card is None and unscored["card"].isna().any()
            else ""
        )
        notes.append(f"not scored: {who}{hint}")
    for source, present in sources.items():
        if not present and any(
            m.info.source == source for c in rules.cards.values() for m in c.metrics
        ):
            notes.append(_ABSENT[source])
    qa = pd.concat([m.qa for m in months if m.qa is not None] or [_empty_qa()], ignore_index=True)
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
    "chats": "no chat log (聊天记录) found: chat metrics are missing for everyone",
    "commission": "no orders export found: net sales are missing for everyone",
    "score": "no attendance export found: the monthly score is missing for everyone",
    "qa": "no spot-check sheet (质检/抽查记录) found: QA metrics are missing for everyone",
}


def _empty_qa() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in QA_COLUMNS})


def _active_staff(roster: Roster, months: Sequence[Month]) -> pd.DataFrame:
    """Staff on the roster for at least one day of any of the months, in roster order."""
    seen: set[str] = set()
    for month in months:
        seen |= set(roster.active_in(month)["staff_id"])
    return roster.staff[roster.staff["staff_id"].isin(pd.Index(list(seen)))].reset_index(drop=True)
