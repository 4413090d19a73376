"""`rules/scoring.yaml`: the model accepts the shipped rule sets and names every mistake."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from csops.domain.scoring import check_rule_events
from csops.errors import RuleError
from csops.rules import load_rules
from csops.rules.loader import packaged_rules_dir
from csops.rules.scoring import ScoringRules
from csops.rules.vocab import IncidentKinds

from ..conftest import REPO


def test_default_scoring_rules() -> None:
    scoring = load_rules(REPO / "rules").get(ScoringRules)
    assert scoring.base == 10 and scoring.floor is None
    assert [r.id for r in scoring.rules] == [
        "late",
        "absence",
        "unauthorized_absence",
        "leave_excess",
        "qianniu_offline",
        "slow_reply_complaint",
        "attitude_complaint",
        "unfinished_work",
    ]
    shifts = scoring.attendance.shifts
    assert (shifts["白班"].start.hour, shifts["白班"].end.hour) == (8, 17)
    assert (shifts["晚班"].start.hour, shifts["晚班"].end.hour) == (17, 23)
    assert [lv.id for lv in scoring.levels] == ["punishment", "warning", "ok"]
    assert scoring.serious is not None and scoring.serious.months_in_a_row == 3


def test_seed001_example_loads() -> None:
    folder = REPO / "rules" / "examples" / "seed001"
    rules = load_rules(folder)
    late = rules.get(ScoringRules).rule("late_or_early")
    assert (late.free_per_month, late.free_within_minutes, late.yuan) == (3, 10, Decimal("20"))
    assert rules.sources["incidents.yaml"].parent == packaged_rules_dir()
    assert (packaged_rules_dir() / "examples" / "seed001" / "scoring.yaml").is_file()


def write_scoring(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(REPO / "rules", folder)
    (folder / "scoring.yaml").write_text(text, encoding="utf-8")
    return folder


BASE = """
attendance:
  shifts: {白班: {start: "08:00", end: "17:00"}}
levels:
  - {id: warning, max_score: 5}
  - {id: ok}
"""


@pytest.mark.parametrize(
    ("rules_text", "message"),
    [
        (
            "rules:\n  - {id: late, events: [late], points: abc}\n",
            "rules/scoring.yaml: rules #1 (late).points",
        ),
        (
            "rules:\n  - {id: late, events: [late], pionts: -1}\n",
            "rules/scoring.yaml: rules #1 (late).pionts: unknown key (a typo?)",
        ),
        (
            "rules:\n  - {id: late, events: [late], convert: [{over_minutes: 30, to: absense}]}\n",
            "rules #1 (late).convert #1.to: no rule 'absense'; rules: late",
        ),
        (
            "rules:\n  - {id: absence}\n"
            "  - {id: late, convert: [{over_minutes: 30, to: absence}]}\n",
            "rules #2 (late).convert #1.to: 'absence' must be listed after 'late'",
        ),
        (
            "rules:\n  - {id: late, thresholds: [{count: 3}]}\n",
            "a threshold needs points or yuan (or both)",
        ),
        (
            "rules:\n"
            "  - {id: late, thresholds: [{count: 5, points: -10}, {count: 3, points: -5}]}\n",
            "threshold counts must be distinct and ascending, got [5, 3]",
        ),
        (
            "rules:\n  - {id: late, yuan: 20.005}\n",
            "expected a yuan amount with at most two decimals",
        ),
        (
            "rules:\n  - {id: Late}\n",
            "expected a lower-case id like late or leave_excess, got 'Late'",
        ),
        (
            "rules:\n  - {id: late}\n  - {id: late}\n",
            "rules #2.id: 'late' is used twice",
        ),
        (
            "rules:\n  - {id: late, free_within_minutes: 10}\n",
            "free_within_minutes needs free_per_month",
        ),
    ],
)
def test_rule_mistakes_are_named(tmp_path: Path, rules_text: str, message: str) -> None:
    folder = write_scoring(tmp_path, BASE + rules_text)
    with pytest.raises(RuleError) as caught:
        load_rules(folder)
    assert message in caught.value.message
    assert caught.value.exit_code == 2


def test_levels_need_one_open_level_last(tmp_path: Path) -> None:
    text = """
attendance:
  shifts: {白班: {start: "08:00", end: "17:00"}}
rules: [{id: late, events: [late]}]
levels:
  - {id: ok}
  - {id: warning, max_score: 5}
"""
    with pytest.raises(RuleError, match="exactly the last one has no max_score"):
        load_rules(write_scoring(tmp_path, text))


def test_unknown_event_is_a_rule_error(rules: object) -> None:
    scoring = ScoringRules.model_validate(
        {
            "attendance": {"shifts": {"白班": {"start": "08:00", "end": "17:00"}}},
            "rules": [
                {"id": "late", "events": ["lates"]},
                {"id": "work", "events": ["late"], "points": "from_sheet"},
            ],
            "levels": [{"id": "ok"}],
        }
    )
    kinds = load_rules(REPO / "rules").get(IncidentKinds)
    with pytest.raises(RuleError) as caught:
        check_rule_events(scoring, kinds)
    text = caught.value.message
    assert "rules[0].events[0]: 'lates' is no event csops knows; expected one of: late," in text
    assert "rules[1].points: from_sheet applies to incident kinds only" in text
