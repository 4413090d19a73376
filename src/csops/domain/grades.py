"""Year-end grades 年终奖 (DOMAIN.md §4) from the year's closed months.

Input: `YearRecords`, the in-force results of the year's closed months as the ledger keeps
them (`csops.jobs.closing.year_records` reads them): per staff member and month the score
document (score, level, counts) and the commission figures. Rules: `rules/grades.yaml`.

For every staff member on staff in at least one closed month of the year:

1. the measures of the year: counts summed over the months worked (旷工 days, leave days,
   lates, major mistakes …), the average and the lowest monthly score, months worked,
   yuan figures summed (net sales, commission, awards);
2. fewer months worked than `months_worked.minimum`: no grade. Otherwise the grades are
   tried in order and the first whose conditions all hold wins;
3. the amount: the grade's amount, prorated (× months / `full_year`, rounded once to the
   fen with `settings.rounding`) when the staff member worked fewer months than a full
   year and the rules say `prorate`.

Each staff member gets the reasons: the winning grade's conditions with their values
("B: average 9.75 ≥ 8, no 旷工, no major mistake"), then for each grade above it the
conditions that failed ("not A: June 7.5 < 8"). Comparisons are exact (fractions): an
average of 9.4999… is below 9.5 and is shown as 9.49, never as 9.5.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from csops.domain.money import money_str, round_fen
from csops.domain.phrases import Phrases
from csops.errors import LedgerError
from csops.rules.grades import (
    COUNT_MEASURES,
    MONEY_MEASURES,
    Condition,
    Grade,
    GradeRules,
)

MONTHS_LISTED = 3  # more months than this are summed up ("12 months < 8, lowest …")


def month_name(month: str, words: Phrases) -> str:
    """`2026-06` → `June` / `6月`."""
    return words[f"month.{int(month[5:7])}"]


# ---------------------------------------------------------------- the year's records


@dataclass
class YearRecords:
    """The in-force results of a year's closed months, as the ledger keeps them."""

    year: int
    closed: list[str]  # YYYY-MM of the year's closed months, in order
    scores: list[dict[str, Any]]  # `score` section rows: month, staff_id, name, score, counts…
    commission: list[dict[str, Any]] = field(default_factory=list)  # `commission` rows
    rule_sets: dict[str, str] = field(default_factory=dict)  # month → rules sha256

    @property
    def missing(self) -> list[str]:
        closed = set(self.closed)
        return [m for m in year_months(self.year) if m not in closed]


def year_months(year: int) -> list[str]:
    return [f"{year:04d}-{m:02d}" for m in range(1, 13)]


def _decimal(value: Any) -> Decimal:
    # JSON floats (scores) through their shortest repr: 8.5 → Decimal('8.5') exactly.
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))


@dataclass
class StaffYear:
    """One staff member's closed months: scores and per-month figures by measure."""

    staff_id: str
    name: str
    months: list[str]  # months on staff, in order
    scores: dict[str, Decimal]  # month → score
    figures: dict[str, dict[str, Decimal]]  # summable measure → month → value

    def total(self, measures: Sequence[str]) -> tuple[Fraction, dict[str, Fraction]]:
        """The year's sum of `measures`, and its non-zero values by month."""
        by_month: dict[str, Fraction] = {}
        for month in self.months:
            value = sum(
                (Fraction(self.figures.get(m, {}).get(month, Decimal(0))) for m in measures),
                Fraction(0),
            )
            if value:
                by_month[month] = value
        return sum(by_month.values(), Fraction(0)), by_month

    @property
    def average(self) -> Fraction:
        return sum((Fraction(s) for s in self.scores.values()), Fraction(0)) / len(self.scores)

    @property
    def lowest(self) -> Decimal:
        return min(self.scores.values())


def staff_years(records: YearRecords) -> list[StaffYear]:
    """One `StaffYear` per staff member with a score in a closed month, by 工号."""
    by_staff: dict[str, StaffYear] = {}
    for row in sorted(records.scores, key=lambda r: (r["month"], r["staff_id"])):
        staff_id, month = str(row["staff_id"]), row["month"]
        person = by_staff.setdefault(staff_id, StaffYear(staff_id, "", [], {}, {}))
        person.name = row.get("name") or person.name  # the latest month's name
        person.months.append(month)
        person.scores[month] = _decimal(row["score"])
        counts = row.get("counts", {})
        for measure in COUNT_MEASURES:
            person.figures.setdefault(measure, {})[month] = _decimal(counts.get(measure, 0))
        person.figures.setdefault("award_yuan", {})[month] = _decimal(counts.get("award_yuan", "0"))
    for row in records.commission:
        earner = by_staff.get(str(row["staff_id"]))
        if earner is None or row["month"] not in earner.scores:
            continue  # commission of someone not on staff that month is not graded
        for measure in ("net_sales", "commission"):
            if measure in row:
                earner.figures.setdefault(measure, {})[row["month"]] = _decimal(row[measure])
    return [by_staff[k] for k in sorted(by_staff)]


# ---------------------------------------------------------------- conditions


def _number(value: Decimal | Fraction | int, rounding: str = "floor") -> str:
    """A figure as people read it: 9.75, 8.5, 3; a fraction cut to 2 places towards
    `rounding` (floor, or ceil) so the text never contradicts the comparison."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            value = Decimal(value.numerator)
        else:
            scaled = value * 100
            cents = math.floor(scaled) if rounding == "floor" else math.ceil(scaled)
            value = Decimal(cents).scaleb(-2)
    return format(Decimal(value).normalize(), "f")


def _money(value: Fraction) -> str:
    return money_str(Decimal(value.numerator) / Decimal(value.denominator))


@dataclass
class Checked:
    condition: Condition
    ok: bool
    text: str


def measure_name(condition: Condition, words: Phrases) -> str:
    if condition.label is not None:
        return condition.label.text(words.lang)
    return words["measure_sep"].join(words[f"measure.{m}"] for m in condition.measures)


def check(condition: Condition, person: StaffYear, words: Phrases) -> Checked:
    """Whether `condition` holds for the staff member's year, and the text that says so."""
    measures = condition.measures
    low = Fraction(condition.min) if condition.min is not None else None
    high = Fraction(condition.max) if condition.max is not None else None
    by_month: dict[str, Fraction] = {}
    if measures == ("average_score",):
        value = person.average
    elif measures == ("lowest_score",):
        value = Fraction(person.lowest)
    elif measures == ("months_worked",):
        value = Fraction(len(person.months))
    else:
        value, by_month = person.total(measures)
    ok = (low is None or value >= low) and (high is None or value <= high)
    name = measure_name(condition, words)
    money = all(m in MONEY_MEASURES for m in measures)

    def shown(v: Fraction, rounding: str = "floor") -> str:
        return _money(v) if money else _number(v, rounding)

    bounds = {
        "name": name,
        "min": _number(condition.min) if condition.min is not None else "",
        "max": _number(condition.max) if condition.max is not None else "",
    }
    sep = words["item_sep"]
    if measures == ("lowest_score",) and low is not None and (high is None or value <= high):
        if ok:
            return Checked(condition, True, words["no_month_below"].format(**bounds))
        under = [m for m in person.months if person.scores[m] < low]
        if len(under) <= MONTHS_LISTED:
            items = sep.join(f"{month_name(m, words)} {_number(person.scores[m])}" for m in under)
            text = words["months_below"].format(months=items, **bounds)
        else:
            worst = min(under, key=lambda m: (person.scores[m], m))
            text = words["many_below"].format(
                count=len(under),
                month=month_name(worst, words),
                lowest=_number(person.scores[worst]),
                **bounds,
            )
        return Checked(condition, False, text)
    if ok:
        if high == 0 and low is None:
            key = "none_of"
        elif low is not None and high is not None:
            key = "within"
        else:
            key = "at_least" if low is not None else "at_most"
        return Checked(condition, True, words[key].format(value=shown(value), **bounds))
    too_low = low is not None and value < low
    months = ""
    if not too_low and by_month and high == 0:
        if len(by_month) <= MONTHS_LISTED:
            items = sep.join(
                month_name(m, words) + ("" if v == 1 or money else f" ×{shown(v)}")
                for m, v in by_month.items()
            )
        else:
            items = words["month_count"].format(count=len(by_month))
        months = words["month_list"].format(items=items)
    # A range (3–10 leave days) is said as one: "请假天数 0，不在 3–10 之间", not "0 < 3".
    key = "outside" if low is not None and high is not None else "below" if too_low else "above"
    text = words[key].format(
        value=shown(value, "floor" if too_low else "ceil"), months=months, **bounds
    )
    return Checked(condition, False, text)


# ---------------------------------------------------------------- grading


@dataclass
class StaffGrade:
    staff_id: str
    name: str
    months: int
    average: Fraction
    lowest: Decimal
    figures: dict[str, Fraction]  # the year's totals shown in the table
    grade: Grade | None
    amount: Decimal
    reasons: list[str]


@dataclass
class GradeResult:
    year: int
    rules: GradeRules
    staff: list[StaffGrade]
    closed: list[str]
    missing: list[str]
    notes: list[str] = field(default_factory=list)


TABLE_FIGURES: dict[str, tuple[str, ...]] = {
    "unauthorized_absence_days": ("unauthorized_absence_days",),
    "leave_days": ("leave_days",),
    "late_and_early_days": ("late_days", "early_leave_days"),
    "major_mistakes": ("major_mistakes",),
}


def check_closed(records: YearRecords, allow_missing: bool, at_least: int = 1) -> None:
    """Every month of the year must be closed, unless `allow_missing` (then `at_least`:
    grades.yaml `min_closed_months`)."""
    missing = records.missing
    if not records.closed:
        raise LedgerError(
            f"no month of {records.year} is closed in the ledger; close the months first "
            f"(csops close --month {records.year}-01 …)"
        )
    if missing and not allow_missing:
        raise LedgerError(
            f"grades for {records.year} need all twelve months closed; not closed: "
            f"{', '.join(missing)}. Close them (csops close --month {missing[0]} …) or pass "
            f"--allow-missing to grade on the {len(records.closed)} closed months"
        )
    if missing and len(records.closed) < at_least:
        raise LedgerError(
            f"grades for {records.year} need at least {at_least} closed months "
            f"(min_closed_months in rules/grades.yaml), even with --allow-missing; "
            f"{len(records.closed)} closed ({', '.join(records.closed)}). Close more months "
            f"(csops close --month {missing[0]} …)"
        )


def grade_year(
    records: YearRecords,
    rules: GradeRules,
    *,
    rounding: str = "half_up",
    allow_missing: bool = False,
    words: Phrases,
) -> GradeResult:
    """Grade every staff member of the year (see the module docstring)."""
    check_closed(records, allow_missing, rules.min_closed_months)
    notes: list[str] = []
    full = rules.months_worked.full_year
    minimum = rules.months_worked.minimum
    if records.missing:
        # Months never closed cannot be held against anyone: a full year is what is closed.
        full = min(full, len(records.closed))
        minimum = min(minimum, full)
        notes.append(
            words["allow_missing"].format(
                year=records.year,
                closed=len(records.closed),
                missing=", ".join(records.missing),
                full=full,
            )
        )
    by_digest: dict[str, list[str]] = {}
    for month in records.closed:
        if month in records.rule_sets:
            by_digest.setdefault(records.rule_sets[month], []).append(month)
    if len(by_digest) > 1:
        items = "; ".join(f"{d[:12]}: {', '.join(ms)}" for d, ms in by_digest.items())
        notes.append(words["rule_sets"].format(count=len(by_digest), items=items))
    staff = [
        grade_staff(person, rules, full, minimum, rounding, words)
        for person in staff_years(records)
    ]
    return GradeResult(records.year, rules, staff, list(records.closed), records.missing, notes)


def grade_staff(
    person: StaffYear,
    rules: GradeRules,
    full: int,
    minimum: int,
    rounding: str,
    words: Phrases,
) -> StaffGrade:
    """One staff member's grade, amount and reasons."""
    months = len(person.months)
    figures = {key: person.total(measures)[0] for key, measures in TABLE_FIGURES.items()}
    result = StaffGrade(
        staff_id=person.staff_id,
        name=person.name,
        months=months,
        average=person.average,
        lowest=person.lowest,
        figures=figures,
        grade=None,
        amount=Decimal("0.00"),
        reasons=[],
    )
    if months < minimum:
        result.reasons.append(words["excluded"].format(months=months, minimum=minimum))
        return result
    cond_sep = words["cond_sep"]
    failed: list[str] = []
    for grade in rules.grades:
        checked = [check(c, person, words) for c in grade.conditions]
        if all(c.ok for c in checked):
            conditions = cond_sep.join(c.text for c in checked) or words["no_conditions"]
            result.grade = grade
            result.reasons.append(words["won"].format(grade=grade.id, conditions=conditions))
            break
        failing = cond_sep.join(c.text for c in checked if not c.ok)
        failed.append(words["not"].format(grade=grade.id, conditions=failing))
    result.reasons.extend(failed)
    if result.grade is None:
        return result
    amount = result.grade.amount
    if months < full and rules.months_worked.short_year == "prorate":
        prorated = round_fen(amount * months / full, rounding)
        result.reasons.append(
            words["prorated"].format(
                amount=money_str(amount), months=months, full=full, prorated=money_str(prorated)
            )
        )
        amount = prorated
    elif months < full:
        result.reasons.append(words["short_full"].format(months=months, full=full))
    result.amount = round_fen(amount, rounding)
    return result


def grade_counts(result: GradeResult) -> Mapping[str | None, int]:
    """How many staff members got each grade (None: no grade), in ladder order."""
    counts: dict[str | None, int] = {g.id: 0 for g in result.rules.grades} | {None: 0}
    for person in result.staff:
        counts[person.grade.id if person.grade else None] += 1
    return counts
