"""`rules/grades.yaml`: the year-end grade ladder 年终奖 (DOMAIN.md §4) as data.

A ladder of grades, tried in order; the first grade whose conditions all hold wins. Each
condition bounds one *measure* of the staff member's year, taken from the closed months
of the ledger: a count summed over the months (`unauthorized_absence_days`, `leave_days`,
`late_days` …, or a list of them added up), the average or lowest monthly score, the
months worked, or a yuan figure (`net_sales`, `commission`, `award_yuan`). Bounds are
inclusive. `months_worked` says what happens to someone who was not on staff all year.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator, model_validator

from csops.rules.base import RuleModel
from csops.rules.scoring import Label

# Counts kept per staff member and month by the monthly score (`counts` of csops score),
# summed over the year.
COUNT_MEASURES: tuple[str, ...] = (
    "scheduled_days",
    "worked_days",
    "late_days",
    "early_leave_days",
    "missed_punch_days",
    "unauthorized_absence_days",
    "leave_days",
    "absences",
    "major_mistakes",
)
# Yuan figures summed over the year: awards from the score counts, the rest from the
# month's commission.
MONEY_MEASURES: tuple[str, ...] = ("award_yuan", "net_sales", "commission")
SCORE_MEASURES: tuple[str, ...] = ("average_score", "lowest_score")
MEASURES: tuple[str, ...] = (*COUNT_MEASURES, *MONEY_MEASURES, *SCORE_MEASURES, "months_worked")
SUMMABLE: tuple[str, ...] = (*COUNT_MEASURES, *MONEY_MEASURES)


def _fen(value: Decimal) -> Decimal:
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"expected a yuan amount with at most two decimals, got {value}")
    return value


class Condition(RuleModel):
    """`min ≤ measure ≤ max` (either bound may be left out)."""

    measure: str | list[str]
    min: Decimal | None = None
    max: Decimal | None = None
    label: Label | None = None  # the measure's name in the reasons (default: built in)

    @field_validator("measure")
    @classmethod
    def _known(cls, value: str | list[str]) -> str | list[str]:
        names = [value] if isinstance(value, str) else value
        if not names:
            raise ValueError("expected a measure name or a list of count measures to add up")
        for name in names:
            if name not in MEASURES:
                raise ValueError(
                    f"unknown measure {name!r}; expected one of: {', '.join(MEASURES)}"
                )
        if isinstance(value, list) and len(value) > 1:
            odd = [n for n in value if n not in SUMMABLE]
            if odd:
                raise ValueError(
                    f"only counts and yuan figures can be added up, not {', '.join(odd)}"
                )
        return value

    @model_validator(mode="after")
    def _bounds(self) -> Condition:
        if self.min is None and self.max is None:
            raise ValueError("a condition needs min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self

    @property
    def measures(self) -> tuple[str, ...]:
        return (self.measure,) if isinstance(self.measure, str) else tuple(self.measure)


class Grade(RuleModel):
    id: str = Field(min_length=1, max_length=20)
    label: Label | None = None
    amount: Decimal = Field(ge=0)
    conditions: list[Condition] = Field(default_factory=list)

    @field_validator("amount")
    @classmethod
    def _amount_fen(cls, value: Decimal) -> Decimal:
        return _fen(value)

    def text(self, lang: str) -> str:
        return self.label.text(lang) if self.label is not None else self.id


class MonthsWorked(RuleModel):
    """Staff on staff fewer than `full_year` months of the year: below `minimum` no grade;
    from `minimum` on, the amount is prorated (amount × months / full_year) or paid in full.
    A month counts when the staff member was on staff in it (a row of that month's score)."""

    full_year: int = Field(default=12, ge=1, le=12)
    minimum: int = Field(default=1, ge=1, le=12)
    short_year: Literal["prorate", "full"] = "prorate"

    @model_validator(mode="after")
    def _ordered(self) -> MonthsWorked:
        if self.minimum > self.full_year:
            raise ValueError(f"minimum {self.minimum} is above full_year {self.full_year}")
        return self


class GradeRules(RuleModel):
    months_worked: MonthsWorked = MonthsWorked()
    # Closed months the year needs before anyone is graded, even with --allow-missing
    # (one closed month must not pay a whole year's A).
    min_closed_months: int = Field(default=6, ge=1, le=12)
    grades: list[Grade] = Field(min_length=1)

    @field_validator("grades")
    @classmethod
    def _unique(cls, value: list[Grade]) -> list[Grade]:
        seen: set[str] = set()
        for grade in value:
            if grade.id in seen:
                raise ValueError(f"grade id {grade.id!r} is listed twice")
            seen.add(grade.id)
        return value
