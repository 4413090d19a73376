"""Year-end grades over hand-built closed months: each condition of the default ladder at
its edges, first-grade-wins, proration, exclusion, missing months, the reasons' text."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from csops.domain.grades import GradeResult, StaffGrade
from csops.domain.grades import grade_year as _grade_year
from csops.jobs.ledger import LedgerError
from csops.report.documents import grades_document, staff_grade_document
from csops.report.evidence import phrases
from csops.rules import RuleSet
from csops.rules.grades import GradeRules

from .yeardata import staff_rows, year_of


def grade_year(records: Any, rules: Any, *, lang: str = "en", **options: Any) -> GradeResult:
    return _grade_year(records, rules, words=phrases(lang), **options)


@pytest.fixture(scope="module")
def ladder(rules: RuleSet) -> GradeRules:
    return rules.get(GradeRules)


def graded(ladder: GradeRules, *rows: list, lang: str = "en", **kwargs: object) -> StaffGrade:
    result = grade_year(year_of(*rows, **kwargs), ladder, lang=lang)  # type: ignore[arg-type]
    assert len(result.staff) == 1
    return result.staff[0]


# ---------------------------------------------------------------- grade A


def test_a_spotless_year(ladder: GradeRules) -> None:
    person = graded(ladder, staff_rows("1001"))
    assert person.grade is not None and person.grade.id == "A"
    assert person.amount == Decimal("3000.00")
    assert person.reasons == ["A: no 旷工, no major mistake, no month below 8, average 10 ≥ 9.5"]


@pytest.mark.parametrize(
    ("low_month", "grade", "reason"),
    [
        (8.0, "A", None),  # exactly 8 is not below 8
        (7.5, "B", "not A: March 7.5 < 8"),
    ],
)
def test_a_no_month_below_8_edge(
    ladder: GradeRules, low_month: float, grade: str, reason: str | None
) -> None:
    scores = [10.0] * 12
    scores[2] = low_month  # March
    person = graded(ladder, staff_rows("1001", scores))
    assert person.grade is not None and person.grade.id == grade
    if reason:
        assert person.reasons[1] == reason


def test_a_average_exactly_9_5(ladder: GradeRules) -> None:
    person = graded(ladder, staff_rows("1001", [10.0] * 6 + [9.0] * 6))
    assert person.grade is not None and person.grade.id == "A"
    assert person.reasons[0].endswith("average 9.5 ≥ 9.5")


def test_a_average_a_hair_below_9_5_is_shown_cut_down(ladder: GradeRules) -> None:
    # (11 × 9.5 + 9.49) / 12 = 9.49916…: below 9.5, shown as 9.49 (never rounded up to 9.5)
    person = graded(ladder, staff_rows("1001", [9.5] * 11 + [9.49]))
    assert person.grade is not None and person.grade.id == "B"
    assert person.reasons == [
        "B: no 旷工, no major mistake, average 9.49 ≥ 8",
        "not A: average 9.49 < 9.5",
    ]


@pytest.mark.parametrize("measure", ["unauthorized_absence_days", "major_mistakes"])
def test_a_and_b_need_none_of_it(ladder: GradeRules, measure: str) -> None:
    person = graded(ladder, staff_rows("1001", **{measure: {6: 1}}))
    assert person.grade is None and person.amount == Decimal("0.00")
    name = "旷工" if measure == "unauthorized_absence_days" else "major mistake"
    assert person.reasons[0] == f"not A: {name} 1 (June) > 0"
    assert person.reasons[1] == f"not B: {name} 1 (June) > 0"


def test_months_of_a_count_are_listed_then_summed_up(ladder: GradeRules) -> None:
    few = graded(ladder, staff_rows("1001", unauthorized_absence_days={3: 2, 6: 1}))
    assert few.reasons[0] == "not A: 旷工 3 (March ×2, June) > 0"
    many = graded(
        ladder, staff_rows("1001", unauthorized_absence_days=dict.fromkeys(range(1, 6), 1))
    )
    assert many.reasons[0] == "not A: 旷工 5 (5 months) > 0"


def test_many_low_months_are_summed_up(ladder: GradeRules) -> None:
    person = graded(ladder, staff_rows("1001", [7.0] * 5 + [6.5] + [7.0] * 6))
    assert person.reasons[0] == "not A: 12 months < 8, lowest June 6.5, average 6.95 < 9.5"


# ---------------------------------------------------------------- grade B


def test_b_average_exactly_8(ladder: GradeRules) -> None:
    person = graded(ladder, staff_rows("1001", 8.0))
    assert person.grade is not None and person.grade.id == "B"
    assert person.amount == Decimal("2000.00")
    assert person.reasons == [
        "B: no 旷工, no major mistake, average 8 ≥ 8",
        "not A: average 8 < 9.5",
    ]


def test_b_average_just_below_8_is_no_b(ladder: GradeRules) -> None:
    person = graded(ladder, staff_rows("1001", [8.0] * 11 + [7.5]))
    assert person.grade is None
    assert person.reasons[1] == "not B: average 7.95 < 8"


def test_the_issue_example(ladder: GradeRules) -> None:
    scores = [10.0, 9.5, 10, 10, 10, 7.5, 10, 10, 10, 10, 10, 10]  # average 9.75
    person = graded(ladder, staff_rows("1003", scores))
    assert person.reasons == [
        "B: no 旷工, no major mistake, average 9.75 ≥ 8",
        "not A: June 7.5 < 8",
    ]


def test_reasons_in_chinese(ladder: GradeRules) -> None:
    scores = [10.0, 9.5, 10, 10, 10, 7.5, 10, 10, 10, 10, 10, 10]
    person = graded(ladder, staff_rows("1003", scores), lang="zh")
    assert person.reasons == [
        "B：无旷工，无重大失误，平均分 9.75，不低于 8",
        "未达 A：6月 7.5，低于 8",
    ]


def test_first_grade_whose_conditions_hold_wins(ladder: GradeRules) -> None:
    # B (average 8.5) and C (4 leave days, 4 lates) both hold: B comes first.
    person = graded(ladder, staff_rows("1001", 8.5, leave_days={1: 4}, late_days={2: 4}))
    assert person.grade is not None and person.grade.id == "B"


# ---------------------------------------------------------------- grade C


def c_candidate(leave: int, lates: int, early: int = 0, **extra: object) -> list:
    # Average 7 (not B) and no major mistake; C then depends on leave days and lates.
    return staff_rows(
        "1007",
        7.0,
        leave_days={4: leave},
        late_days={5: lates},
        early_leave_days={6: early},
        **extra,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(("leave", "grade"), [(2, None), (3, "C"), (10, "C"), (11, None)])
def test_c_leave_days_3_to_10(ladder: GradeRules, leave: int, grade: str | None) -> None:
    person = graded(ladder, c_candidate(leave, 5))
    assert (person.grade.id if person.grade else None) == grade


@pytest.mark.parametrize(
    ("lates", "early", "grade"),
    [(2, 0, None), (2, 1, "C"), (3, 0, "C"), (6, 4, "C"), (10, 1, None), (0, 2, None)],
)
def test_c_lates_plus_early_leaves_3_to_10(
    ladder: GradeRules, lates: int, early: int, grade: str | None
) -> None:
    person = graded(ladder, c_candidate(5, lates, early))
    assert (person.grade.id if person.grade else None) == grade


def test_c_reasons(ladder: GradeRules) -> None:
    person = graded(ladder, c_candidate(4, 3, 2))
    assert person.amount == Decimal("1000.00")
    assert person.reasons == [
        "C: no major mistake, leave days 4 within 3–10, lates + early leaves 5 within 3–10",
        "not A: 12 months < 8, lowest January 7, average 7 < 9.5",
        "not B: average 7 < 8",
    ]


def test_c_allows_旷工_but_no_major_mistake(ladder: GradeRules) -> None:
    with_absence = graded(ladder, c_candidate(4, 4, unauthorized_absence_days={2: 1}))
    assert with_absence.grade is not None and with_absence.grade.id == "C"
    with_mistake = graded(ladder, c_candidate(4, 4, major_mistakes={2: 1}))
    assert with_mistake.grade is None
    assert with_mistake.reasons[2] == "not C: major mistake 1 (February) > 0"


def test_nothing_holds_no_grade(ladder: GradeRules) -> None:
    person = graded(ladder, staff_rows("1002", 4.0, late_days={1: 24}))
    assert person.grade is None
    assert staff_grade_document(person) == {
        "staff_id": "1002",
        "name": "客服1002",
        "grade": None,
        "amount": "0.00",
        "months": 12,
        "reasons": [
            "not A: 12 months < 8, lowest January 4, average 4 < 9.5",
            "not B: average 4 < 8",
            "not C: leave days 0, outside 3–10, lates + early leaves 24, outside 3–10",
        ],
    }


# ---------------------------------------------------------------- months worked


def test_part_year_is_prorated(ladder: GradeRules) -> None:
    person = graded(ladder, staff_rows("1008", months=range(5, 13)))  # joined in May
    assert person.grade is not None and person.grade.id == "A"
    assert person.months == 8
    assert person.amount == Decimal("2000.00")
    assert person.reasons[-1] == "prorated: 3000.00 × 8/12 months = 2000.00"


@pytest.mark.parametrize(("rounding", "amount"), [("half_up", "1166.67"), ("down", "1166.66")])
def test_proration_rounds_once_to_the_fen(ladder: GradeRules, rounding: str, amount: str) -> None:
    result = grade_year(
        year_of(staff_rows("1008", 8.5, months=range(6, 13))), ladder, rounding=rounding
    )
    [person] = result.staff
    assert person.grade is not None and person.grade.id == "B"
    assert person.amount == Decimal(amount)  # 2000 × 7 / 12 = 1166.666…


@pytest.mark.parametrize(("months", "graded_"), [(2, False), (3, True)])
def test_fewer_months_than_the_minimum_is_excluded(
    ladder: GradeRules, months: int, graded_: bool
) -> None:
    person = graded(ladder, staff_rows("1006", months=range(1, 1 + months)))
    assert (person.grade is not None) is graded_
    if not graded_:
        assert person.amount == Decimal("0.00")
        assert person.reasons == ["no grade: 2 months on staff, fewer than the 3 a grade needs"]
    else:
        assert person.amount == Decimal("750.00")  # 3000 × 3/12


def test_short_year_full_pays_the_whole_amount(ladder: GradeRules) -> None:
    rules = ladder.model_copy(
        update={"months_worked": ladder.months_worked.model_copy(update={"short_year": "full"})}
    )
    person = graded(rules, staff_rows("1008", months=range(5, 13)))
    assert person.amount == Decimal("3000.00")
    assert person.reasons[-1] == "8 of 12 months on staff: the full amount (short_year: full)"


# ---------------------------------------------------------------- missing months


def test_months_not_closed_are_an_error_naming_them(ladder: GradeRules) -> None:
    records = year_of(staff_rows("1001", months=range(1, 11)), closed=range(1, 11))
    with pytest.raises(LedgerError) as err:
        grade_year(records, ladder)
    assert err.value.message == (
        "grades for 2026 need all twelve months closed; not closed: 2026-11, 2026-12. Close "
        "them (csops close --month 2026-11 …) or pass --allow-missing to grade on the 10 "
        "closed months"
    )


def test_allow_missing_grades_on_the_closed_months(ladder: GradeRules) -> None:
    records = year_of(
        staff_rows("1001", months=range(1, 11)),
        staff_rows("1008", months=range(6, 11)),
        closed=range(1, 11),
    )
    result = grade_year(records, ladder, allow_missing=True)
    amounts = {s.staff_id: s.amount for s in result.staff}
    # A full year is the 10 closed months: 1001 gets all of A, 1008 5/10 of it.
    assert amounts == {"1001": Decimal("3000.00"), "1008": Decimal("1500.00")}
    assert result.missing == ["2026-11", "2026-12"]
    assert result.notes == [
        "graded on the 10 closed months of 2026; not closed: 2026-11, 2026-12 "
        "(--allow-missing); a full year counts as 10 months"
    ]


def test_no_closed_month_at_all(ladder: GradeRules) -> None:
    with pytest.raises(LedgerError, match="no month of 2026 is closed in the ledger"):
        grade_year(year_of(closed=[]), ladder, allow_missing=True)


# ---------------------------------------------------------------- rules as data


def test_other_measures_and_labels(ladder: GradeRules) -> None:
    rules = GradeRules.model_validate(
        {
            "grades": [
                {
                    "id": "S",
                    "amount": 5000,
                    "conditions": [
                        {"measure": "net_sales", "min": 100000},
                        {"measure": "months_worked", "min": 12},
                        {"measure": "absences", "max": 1, "label": {"zh": "缺勤", "en": "缺勤"}},
                    ],
                }
            ]
        }
    )
    sales = [
        {"month": f"2026-{m:02d}", "staff_id": "1001", "net_sales": "8333.34"} for m in range(1, 13)
    ]
    result = grade_year(year_of(staff_rows("1001", absences={2: 1}), commission=sales), rules)
    [person] = result.staff
    assert person.grade is not None and person.grade.id == "S"
    assert person.reasons == ["S: net sales 100000.08 ≥ 100000, months worked 12 ≥ 12, 缺勤 1 ≤ 1"]
    short = grade_year(year_of(staff_rows("1001"), commission=sales[:11]), rules)
    assert short.staff[0].reasons == ["not S: net sales 91666.74 < 100000"]


def test_document_shape(ladder: GradeRules) -> None:
    result: GradeResult = grade_year(
        year_of(staff_rows("1001", name="周建国"), staff_rows("1002", 4.0)), ladder
    )
    doc = grades_document(result)
    assert doc["year"] == 2026
    assert [s["staff_id"] for s in doc["staff"]] == ["1001", "1002"]
    assert doc["staff"][0] == {
        "staff_id": "1001",
        "name": "周建国",
        "grade": "A",
        "amount": "3000.00",
        "months": 12,
        "reasons": ["A: no 旷工, no major mistake, no month below 8, average 10 ≥ 9.5"],
    }


def test_a_grade_without_conditions_catches_everyone_left() -> None:
    rules = GradeRules.model_validate(
        {
            "grades": [
                {"id": "A", "amount": 100, "conditions": [{"measure": "average_score", "min": 9}]},
                {"id": "D", "amount": 10},
            ]
        }
    )
    result = grade_year(year_of(staff_rows("1001", 8.0)), rules, lang="zh")
    [person] = result.staff
    assert person.grade is not None and person.grade.id == "D"
    assert person.reasons == ["D：无条件", "未达 A：平均分 8，低于 9"]


def test_months_closed_under_different_rule_sets_are_noted(ladder: GradeRules) -> None:
    records = year_of(staff_rows("1001"))
    records.rule_sets = {f"2026-{m:02d}": ("a" if m < 7 else "b") * 64 for m in range(1, 13)}
    result = grade_year(records, ladder)
    assert result.notes == [
        "the months were closed under 2 different rule sets: aaaaaaaaaaaa: 2026-01, 2026-02, "
        "2026-03, 2026-04, 2026-05, 2026-06; bbbbbbbbbbbb: 2026-07, 2026-08, 2026-09, 2026-10, "
        "2026-11, 2026-12"
    ]
