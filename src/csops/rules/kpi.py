"""`rules/kpi.yaml`: the KPI scorecard 绩效考核 and the performance bonus 绩效奖金 as data.

The file has four parts (docs/kpi.md is the full reference):

- `cards`: one scorecard per role (售前, 售后 …; the roster's 岗位 picks it through the
  card's `roles`). A card lists metrics with weights summing to 100. Each metric maps its
  value to points by `bands` (the first band the value reaches) or `linear` (between a
  worst and a best value), and says what happens when a staff member has no data for it
  (`missing: redistribute`, or a fixed number of points).
- `default_card`: the card for a role no card names (主管, an empty 岗位); null means such
  staff members are listed but not scored.
- `bonus`: tiers on the weighted total (yuan), optionally withheld at some score levels.
- `qa`: how the spot-check sheet (质检/抽查记录) is read: the 是/否 words and the scale of
  the item marks.

`METRICS` is the catalogue of figures a card can use: where each comes from (chats,
commission, score, qa), which direction is better and its unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator, model_validator

from csops.rules.base import RuleModel
from csops.rules.scoring import Label

Direction = Literal["higher", "lower"]
Source = Literal["chats", "commission", "score", "qa"]
Unit = Literal["rate", "seconds", "money", "points", "mark"]


@dataclass(frozen=True)
class MetricInfo:
    """What a metric is: its source, the counts behind it and which way is better.

    value = numerator / denominator (missing when the denominator is 0 or unknown);
    a metric without a denominator is its numerator (net sales: fen, shown in yuan)."""

    source: Source
    numerator: str
    denominator: str | None
    direction: Direction
    unit: Unit
    zh: str
    en: str

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


METRICS: dict[str, MetricInfo] = {
    "reply_timeliness": MetricInfo(
        "chats", "timely_waits", "waits", "higher", "rate", "回复及时率", "Reply timeliness"
    ),
    "unanswered_rate": MetricInfo(
        "chats", "unanswered_10min", "waits", "lower", "rate", "超时未回复占比", "Unanswered share"
    ),
    "first_response_s": MetricInfo(
        "chats",
        "first_response_s_sum",
        "first_waits_answered",
        "lower",
        "seconds",
        "首次响应(秒)",
        "First response (s)",
    ),
    "avg_response_s": MetricInfo(
        "chats",
        "response_s_sum",
        "answered_waits",
        "lower",
        "seconds",
        "平均响应(秒)",
        "Avg response (s)",
    ),
    "reply_rate": MetricInfo(
        "chats",
        "replied_conversations",
        "asked_conversations",
        "higher",
        "rate",
        "回复率",
        "Reply rate",
    ),
    "conversion_rate": MetricInfo(
        "chats", "paid_buyers", "inquiries", "higher", "rate", "询单转化率", "Conversion"
    ),
    "next_day_conversion_rate": MetricInfo(
        "chats",
        "next_day_paid_buyers",
        "inquiries",
        "higher",
        "rate",
        "次日转化率",
        "Next-day conversion",
    ),
    "satisfaction_rate": MetricInfo(
        "chats",
        "satisfied_ratings",
        "ratings",
        "higher",
        "rate",
        "客户满意率",
        "Satisfaction",
    ),
    "net_sales": MetricInfo(
        "commission", "net_fen", None, "higher", "money", "净销售额(元)", "Net sales (yuan)"
    ),
    "score": MetricInfo(
        "score", "score_sum", "score_months", "higher", "points", "月度考核分", "Monthly score"
    ),
    "qa_score": MetricInfo(
        "qa", "qa_score_sum", "qa_scored", "higher", "points", "质检平均分", "QA mean score"
    ),
    "qa_resolution_rate": MetricInfo(
        "qa",
        "qa_resolved",
        "qa_resolved_known",
        "higher",
        "rate",
        "问题解决率",
        "Resolution rate",
    ),
    "qa_accuracy": MetricInfo(
        "qa", "qa_accuracy_sum", "qa_accuracy_n", "higher", "mark", "回复准确", "Accuracy"
    ),
    "qa_attitude": MetricInfo(
        "qa", "qa_attitude_sum", "qa_attitude_n", "higher", "mark", "服务态度", "Attitude"
    ),
    "qa_communication": MetricInfo(
        "qa",
        "qa_communication_sum",
        "qa_communication_n",
        "higher",
        "mark",
        "沟通技巧",
        "Communication",
    ),
}

MetricId = Literal[
    "reply_timeliness",
    "unanswered_rate",
    "first_response_s",
    "avg_response_s",
    "reply_rate",
    "conversion_rate",
    "next_day_conversion_rate",
    "satisfaction_rate",
    "net_sales",
    "score",
    "qa_score",
    "qa_resolution_rate",
    "qa_accuracy",
    "qa_attitude",
    "qa_communication",
]

Points = float


class Band(RuleModel):
    """A value reaching `min` (higher is better) or not above `max` (lower is better)
    scores `points`; the first band reached, from the best band down, wins."""

    min: float | None = None
    max: float | None = None
    points: Points = Field(ge=0, le=1000)

    @model_validator(mode="after")
    def _one_bound(self) -> Band:
        if (self.min is None) == (self.max is None):
            raise ValueError("a band has exactly one of min (higher is better) or max (lower)")
        return self


class Linear(RuleModel):
    """`worst` (or beyond) scores `worst_points`, `best` (or beyond) `best_points`, and a
    value in between the straight line between them."""

    worst: float
    best: float
    worst_points: Points = Field(default=0, ge=0, le=1000)
    best_points: Points = Field(default=100, ge=0, le=1000)

    @model_validator(mode="after")
    def _distinct(self) -> Linear:
        if self.worst == self.best:
            raise ValueError("linear: worst and best must differ")
        if self.best_points < self.worst_points:
            raise ValueError("linear: best_points must not be below worst_points")
        return self


class MetricRule(RuleModel):
    metric: MetricId
    weight: float = Field(gt=0, le=100)
    # Stated for the reader; it must agree with the metric (METRICS), never reverse it.
    direction: Direction | None = None
    bands: list[Band] | None = None
    otherwise: Points = Field(default=0, ge=0, le=1000)  # points of a value reaching no band
    linear: Linear | None = None
    # No data for this staff member (no ratings, no spot checks, no waits): `redistribute`
    # shares the weight over the card's other metrics; a number scores those points.
    missing: Literal["redistribute"] | float = "redistribute"

    @property
    def info(self) -> MetricInfo:
        return METRICS[self.metric]

    @field_validator("missing")
    @classmethod
    def _missing_points(cls, value: str | float) -> str | float:
        if not isinstance(value, str) and not 0 <= value <= 1000:
            raise ValueError("missing: expected redistribute or points between 0 and 1000")
        return value

    @model_validator(mode="after")
    def _scoring(self) -> MetricRule:
        natural = self.info.direction
        if self.direction is not None and self.direction != natural:
            better = "a higher" if natural == "higher" else "a lower"
            raise ValueError(
                f"direction: {self.metric} is better when {natural} ({better} value is "
                f"better); direction {self.direction} would reward the opposite"
            )
        if (self.bands is None) == (self.linear is None):
            raise ValueError(f"{self.metric}: give exactly one of bands or linear")
        if self.bands is not None:
            _check_bands(self.bands, natural)
        if self.linear is not None:
            lin = self.linear
            if (lin.best > lin.worst) != (natural == "higher"):
                raise ValueError(
                    f"linear: {self.metric} is better when {natural}, so best must be "
                    f"{'above' if natural == 'higher' else 'below'} worst"
                )
        return self


def _check_bands(bands: list[Band], direction: Direction) -> None:
    if not bands:
        raise ValueError("bands: give at least one band")
    key = "min" if direction == "higher" else "max"
    bounds = [getattr(b, key) for b in bands]
    if any(v is None for v in bounds):
        raise ValueError(
            f"bands: this metric is better when {direction}, so every band needs {key} "
            f"(value {'≥ min' if key == 'min' else '≤ max'})"
        )
    ordered = all(
        (a > b) if direction == "higher" else (a < b)
        for a, b in zip(bounds, bounds[1:], strict=False)
    )
    if not ordered:
        raise ValueError(
            f"bands: list them from the best down ({key} "
            f"{'decreasing' if direction == 'higher' else 'increasing'}), each bound once"
        )
    points = [b.points for b in bands]
    if any(a < b for a, b in zip(points, points[1:], strict=False)):
        raise ValueError("bands: a better band must not score fewer points than a worse one")


class Card(RuleModel):
    label: Label
    roles: list[str] = Field(min_length=1)  # 岗位 values of the roster that pick this card
    metrics: list[MetricRule] = Field(min_length=1)
    # Below this much weight with real data, a staff member is listed but not scored.
    min_weight_with_data: float = Field(default=50, ge=0, le=100)

    @model_validator(mode="after")
    def _weights(self) -> Card:
        total = sum(m.weight for m in self.metrics)
        if abs(total - 100) > 1e-9:
            weights = " + ".join(f"{m.weight:g}" for m in self.metrics)
            raise ValueError(f"metrics: weights must sum to 100, got {weights} = {total:g}")
        seen = [m.metric for m in self.metrics]
        twice = sorted({m for m in seen if seen.count(m) > 1})
        if twice:
            raise ValueError(f"metrics: {', '.join(twice)} listed twice")
        return self


class BonusTier(RuleModel):
    min_total: float = Field(ge=0, le=1000)
    amount: Decimal = Field(ge=0)

    @field_validator("amount")
    @classmethod
    def _fen(cls, value: Decimal) -> Decimal:
        if value != value.quantize(Decimal("0.01")):
            raise ValueError("expected a yuan amount with at most two decimals")
        return value


def _check_tiers(tiers: list[BonusTier]) -> None:
    bounds = [t.min_total for t in tiers]
    if any(a <= b for a, b in zip(bounds, bounds[1:], strict=False)):
        raise ValueError("tiers: list them from the highest min_total down, each once")


class Bonus(RuleModel):
    tiers: list[BonusTier] = Field(default_factory=list)  # a month's bonus
    quarter_tiers: list[BonusTier] | None = None  # --quarter (null: the same tiers)
    # No bonus when the period's score level (any month of a quarter) is one of these.
    withhold_levels: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ordered(self) -> Bonus:
        _check_tiers(self.tiers)
        if self.quarter_tiers is not None:
            _check_tiers(self.quarter_tiers)
        return self


class QaRules(RuleModel):
    resolved_yes: list[str] = Field(default_factory=lambda: ["是", "已解决"], min_length=1)
    resolved_no: list[str] = Field(default_factory=lambda: ["否", "未解决"], min_length=1)
    item_max: float = Field(default=10, gt=0)  # item marks (准确/态度/沟通) run from 0 to this
    # A row with item marks but no 得分: its score is the mean mark scaled to 100.
    score_from_items: bool = True

    @model_validator(mode="after")
    def _disjoint(self) -> QaRules:
        both = sorted(set(self.resolved_yes) & set(self.resolved_no))
        if both:
            raise ValueError(f"{', '.join(both)} is in both resolved_yes and resolved_no")
        return self


class KpiRules(RuleModel):
    cards: dict[str, Card] = Field(min_length=1)
    default_card: str | None = None
    bonus: Bonus = Field(default_factory=Bonus)
    qa: QaRules = Field(default_factory=QaRules)
    # reply_timeliness counts waits answered within this many seconds (null: the chats
    # rule fast_reply_s, the 30-second limit of `csops chats`).
    reply_timeliness_limit_s: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _cards(self) -> KpiRules:
        if self.default_card is not None and self.default_card not in self.cards:
            raise ValueError(
                f"default_card: {self.default_card!r} is no card; cards: {', '.join(self.cards)}"
            )
        owner: dict[str, str] = {}
        for card_id, card in self.cards.items():
            for role in card.roles:
                if role.strip() in owner:
                    raise ValueError(
                        f"role {role!r} is in the roles of both {owner[role.strip()]} and {card_id}"
                    )
                owner[role.strip()] = card_id
        return self

    def card_of_role(self) -> dict[str, str]:
        """岗位 as written (stripped) → card id."""
        return {r.strip(): cid for cid, c in self.cards.items() for r in c.roles}

    def sources(self) -> set[Source]:
        """The sources the cards use (and `score` when bonuses can be withheld)."""
        used: set[Source] = {m.info.source for c in self.cards.values() for m in c.metrics}
        if self.bonus.withhold_levels:
            used.add("score")
        return used

    def tiers_for(self, quarter: bool) -> list[BonusTier]:
        if quarter and self.bonus.quarter_tiers is not None:
            return self.bonus.quarter_tiers
        return self.bonus.tiers
