"""rules/commission.yaml: the tier table is validated (ordered, no gaps or overlaps, rates ≥ 0)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from csops.errors import RuleError
from csops.rules import load_rules
from csops.rules.commission import CommissionRules

from ..conftest import REPO


def table(*tiers: dict[str, Any], mode: str = "whole") -> CommissionRules:
    return CommissionRules.model_validate({"mode": mode, "tiers": list(tiers)})


def test_default_table_is_the_issue_example() -> None:
    rules = load_rules(REPO / "rules").get(CommissionRules)
    assert rules.mode == "whole"
    assert rules.attribution.mode == "memo"
    assert rules.month_by == "paid_at"
    assert [(t.from_fen, t.below_fen, t.rate) for t in rules.tiers] == [
        (0, 5_000_000, Decimal("0.005")),
        (5_000_000, 10_000_000, Decimal("0.008")),
        (10_000_000, 20_000_000, Decimal("0.01")),
        (20_000_000, None, Decimal("0.012")),
    ]
    assert [t.label() for t in rules.tiers] == [
        "0.00–49,999.99",
        "50,000.00–99,999.99",
        "100,000.00–199,999.99",
        "≥ 200,000.00",
    ]
    assert rules.level_multipliers == {}


def test_rates_as_percent_text_and_tiers_without_below() -> None:
    rules = table({"from": 0, "rate": "0.5%"}, {"from": "50000", "rate": "0.8%", "bonus": 100})
    assert [t.rate for t in rules.tiers] == [Decimal("0.005"), Decimal("0.008")]
    assert rules.tiers  # 2.bonus == Decimal(100)


@pytest.mark.parametrize(
    ("tiers", "message"),
    [
        (
            [{"from": 0, "below": 50000, "rate": 0.005}, {"from": 60000, "rate": 0.008}],
            "gap between tiers #1 and tiers #2: net sales from 50000 to below 60000 have no tier",
        ),
        (
            [{"from": 0, "below": 60000, "rate": 0.005}, {"from": 50000, "rate": 0.008}],
            "tiers #1 and tiers #2 overlap: tiers #1.below is 60000 but tiers #2 starts at 50000",
        ),
        (
            [
                {"from": 0, "rate": 0.005},
                {"from": 100000, "rate": 0.01},
                {"from": 50000, "rate": 0.02},
            ],
            "tiers #3.from (50000) is not above tiers #2.from (100000)",
        ),
        (
            [{"from": 100, "rate": 0.005}],
            "tiers #1.from is 100: the first tier must start at 0",
        ),
        (
            [{"from": 0, "below": 50000, "rate": 0.005}],
            "the last tier ends below 50000",
        ),
        (
            [{"from": 0, "rate": 0.008}, {"from": 50000, "rate": 0.005}],
            "tiers #2.rate (0.005) is below tiers #1.rate (0.008): in whole mode",
        ),
        (
            [
                {"from": 0, "rate": 0.005, "bonus": 200},
                {"from": 50000, "rate": 0.008, "bonus": 100},
            ],
            "tiers #2.bonus (100) is below tiers #1.bonus (200)",
        ),
        ([{"from": 0, "rate": -0.001}], "greater than or equal to 0"),
        ([{"from": 0, "rate": 5}], "less than or equal to 1"),
        ([{"from": 0, "rate": "abc"}], "expected a rate such as 0.008 or '0.8%', got 'abc'"),
        ([{"from": 0, "rate": 0.005, "bonus": 0.001}], "whole fen"),
        ([], "at least 1 item"),
    ],
)
def test_bad_tables_are_refused(tiers: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        CommissionRules.model_validate({"tiers": tiers})
    assert message in str(caught.value)


def test_progressive_may_lower_the_rate_of_higher_slices() -> None:
    # Each slice keeps its own rate, so a lower top rate never lowers the total.
    rules = table({"from": 0, "rate": 0.01}, {"from": 50000, "rate": 0.005}, mode="progressive")
    assert rules.tiers  # 2.rate == Decimal("0.005")


def test_rule_file_problem_names_file_and_key(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(REPO / "rules", folder)
    (folder / "commission.yaml").write_text(
        "tiers:\n  - {from: 0, below: 50000, rate: 0.005}\n  - {from: 50000, rate: -1}\n"
        "attribution: {mode: memo, conflict: split}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError) as caught:
        load_rules(folder)
    text = caught.value.message
    assert "rules/commission.yaml: attribution.conflict: unknown key (a typo?)" in text
    assert "rules/commission.yaml: tiers #2.rate: expected 0 or more, got -1" in text
