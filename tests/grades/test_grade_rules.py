"""rules/grades.yaml: the default ladder as the issue states it, and rule-file errors."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from csops.errors import RuleError
from csops.rules import RuleSet, load_rules
from csops.rules.grades import GradeRules

from ..conftest import REPO


def test_default_ladder(rules: RuleSet) -> None:
    ladder = rules.get(GradeRules)
    summary = [
        (g.id, g.amount, [(c.measure, c.min, c.max) for c in g.conditions]) for g in ladder.grades
    ]
    none, eight = Decimal(0), Decimal(8)
    assert summary == [
        (
            "A",
            Decimal(3000),
            [
                ("unauthorized_absence_days", None, none),
                ("major_mistakes", None, none),
                ("lowest_score", eight, None),
                ("average_score", Decimal("9.5"), None),
            ],
        ),
        (
            "B",
            Decimal(2000),
            [
                ("unauthorized_absence_days", None, none),
                ("major_mistakes", None, none),
                ("average_score", eight, None),
            ],
        ),
        (
            "C",
            Decimal(1000),
            [
                ("major_mistakes", None, none),
                ("leave_days", Decimal(3), Decimal(10)),
                (["late_days", "early_leave_days"], Decimal(3), Decimal(10)),
            ],
        ),
    ]
    months = ladder.months_worked
    assert (months.full_year, months.minimum, months.short_year) == (12, 3, "prorate")


def load_with(tmp_path: Path, text: str) -> RuleSet:
    folder = tmp_path / "rules"
    shutil.copytree(REPO / "rules", folder)
    (folder / "grades.yaml").write_text(text, encoding="utf-8")
    return load_rules(folder)


def test_every_problem_with_its_key_path(tmp_path: Path) -> None:
    text = """
months_worked: {full_year: 12, minimum: 13}
grades:
  - id: A
    amount: 3000.005
    conditions:
      - {measure: lates, max: 0}
      - {measure: leave_days}
      - {measure: leave_days, min: 10, max: 3}
      - {measure: [average_score, late_days], min: 1}
  - {id: A, amount: 1, condtions: []}
"""
    with pytest.raises(RuleError) as caught:
        load_with(tmp_path, text)
    problems = caught.value.details
    expected = [
        "rules/grades.yaml: months_worked.minimum: expected 12 or less",
        "rules/grades.yaml: grades #1 (A).amount: expected a yuan amount with at most two decimals",
        "rules/grades.yaml: grades #1 (A).conditions #1.measure: unknown measure 'lates'; "
        "expected one of: scheduled_days,",
        "rules/grades.yaml: grades #1 (A).conditions #2: a condition needs min, max or both",
        "rules/grades.yaml: grades #1 (A).conditions #3: min 10 is above max 3",
        "rules/grades.yaml: grades #1 (A).conditions #4.measure: only counts and yuan figures can "
        "be added up, not average_score",
        "rules/grades.yaml: grades #2 (A).condtions: unknown key (a typo?)",
    ]
    for line in expected:
        assert any(p.startswith(line) for p in problems), (line, problems)
    assert caught.value.exit_code == 2


def test_duplicate_grade_ids_and_minimum_above_full_year(tmp_path: Path) -> None:
    with pytest.raises(RuleError) as caught:
        load_with(
            tmp_path,
            "months_worked: {full_year: 6, minimum: 7}\n"
            "grades: [{id: A, amount: 1}, {id: A, amount: 2}]\n",
        )
    text = caught.value.message
    assert "rules/grades.yaml: months_worked: minimum 7 is above full_year 6" in text
    assert "rules/grades.yaml: grades: grade id 'A' is listed twice" in text


def test_a_grade_without_conditions_is_a_catch_all(tmp_path: Path) -> None:
    rules = load_with(tmp_path, "grades: [{id: D, amount: 100}]\n")
    ladder = rules.get(GradeRules)
    assert ladder.grades[0].conditions == []
    assert ladder.months_worked.minimum == 3  # the rest of grades.yaml: the default's
