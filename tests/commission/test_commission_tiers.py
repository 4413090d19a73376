"""Tier arithmetic: boundaries in both modes, one rounding, bonus, multiplier, monotonicity."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csops.domain.commission import tier_commission
from csops.rules import RuleSet
from csops.rules.commission import CommissionRules

DEFAULT_TIERS = [
    {"from": 0, "below": 50000, "rate": "0.005"},
    {"from": 50000, "below": 100000, "rate": "0.008"},
    {"from": 100000, "below": 200000, "rate": "0.010"},
    {"from": 200000, "rate": "0.012"},
]


def table(mode: str, tiers: list[dict[str, Any]] | None = None) -> CommissionRules:
    return CommissionRules.model_validate({"mode": mode, "tiers": tiers or DEFAULT_TIERS})


def fen(yuan: str) -> int:
    return int(Decimal(yuan) * 100)


@pytest.mark.parametrize(
    ("mode", "net", "commission", "tier"),
    [
        # whole: the reached tier's rate on everything.
        ("whole", "49999.99", "250.00", 0),  # 249.99995 → 250.00
        ("whole", "50000.00", "400.00", 1),
        ("whole", "99999.99", "800.00", 1),  # 799.99992
        ("whole", "100000.00", "1000.00", 2),
        ("whole", "250000.00", "3000.00", 3),
        ("whole", "0.00", "0.00", 0),
        # progressive: each slice at its own rate.
        ("progressive", "49999.99", "250.00", 0),
        ("progressive", "50000.00", "250.00", 1),  # 250 + 0 × 0.008
        ("progressive", "50000.01", "250.00", 1),  # 250.00008
        ("progressive", "100000.00", "650.00", 2),  # 250 + 400
        ("progressive", "250000.00", "2250.00", 3),  # 250 + 400 + 1000 + 600
    ],
)
def test_tier_boundaries(mode: str, net: str, commission: str, tier: int) -> None:
    got, reached = tier_commission(fen(net), table(mode))
    assert (got, reached) == (Decimal(commission), tier)


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [("half_up", "0.03"), ("half_even", "0.02"), ("down", "0.02")],
)
def test_rounding_of_a_five_at_the_third_decimal(rounding: str, expected: str) -> None:
    # 5.00 × 0.005 = 0.025
    assert tier_commission(500, table("whole"), rounding)[0] == Decimal(expected)


def test_half_up_rounds_0_035_up() -> None:
    assert tier_commission(700, table("whole"), "half_up")[0] == Decimal("0.04")


def test_progressive_slices_are_summed_unrounded_then_rounded_once() -> None:
    # Slices 1.00 × 0.005 and 1.00 × 0.005: 0.005 + 0.005 = 0.01 (rounding each: 0.02).
    rules = table(
        "progressive",
        [{"from": 0, "below": 1, "rate": "0.005"}, {"from": 1, "rate": "0.005"}],
    )
    assert tier_commission(200, rules, "half_up")[0] == Decimal("0.01")


def test_bonus_and_multiplier_apply_before_the_single_rounding() -> None:
    rules = table(
        "whole",
        [
            {"from": 0, "below": 50000, "rate": "0.005"},
            {"from": 50000, "rate": "0.008", "bonus": 88.88},
        ],
    )
    assert tier_commission(fen("50000"), rules)[0] == Decimal("488.88")
    # (400 + 88.88) × 0.5 = 244.44; 7.00 × 0.005 × 0.5 = 0.0175 → 0.02 (once)
    assert tier_commission(fen("50000"), rules, multiplier=Decimal("0.5"))[0] == Decimal("244.44")
    assert tier_commission(700, rules, multiplier=Decimal("0.5"))[0] == Decimal("0.02")
    assert tier_commission(fen("50000"), rules, multiplier=Decimal(0))[0] == Decimal("0.00")


def test_default_rules_file_gives_the_contract_example(rules: RuleSet) -> None:
    # The JSON example: 50,000.00 net → rate 0.008 → 400.00.
    assert tier_commission(fen("50000"), rules.get(CommissionRules))[0] == Decimal("400.00")


@st.composite
def tier_tables(draw: st.DrawFn) -> CommissionRules:
    mode = draw(st.sampled_from(["whole", "progressive"]))
    count = draw(st.integers(1, 5))
    starts = sorted(
        draw(st.sets(st.integers(1, 50_000_000), min_size=count - 1, max_size=count - 1))
    )
    rates = [
        Decimal(r).scaleb(-4)
        for r in draw(st.lists(st.integers(0, 500), min_size=count, max_size=count))
    ]
    if mode == "whole":
        rates.sort()  # whole mode refuses falling rates (see the rules model)
    bonuses = sorted(draw(st.lists(st.integers(0, 100_000), min_size=count, max_size=count)))
    froms = [0, *starts]
    tiers = [
        {"from": Decimal(f).scaleb(-2), "rate": r, "bonus": Decimal(b).scaleb(-2)}
        for f, r, b in zip(froms, rates, bonuses, strict=True)
    ]
    return CommissionRules.model_validate({"mode": mode, "tiers": tiers})


@settings(max_examples=400, deadline=None)
@given(
    rules=tier_tables(),
    low=st.integers(0, 60_000_000),
    more=st.integers(0, 10_000_000),
    rounding=st.sampled_from(["half_up", "half_even", "down"]),
    multiplier=st.sampled_from([Decimal(1), Decimal("0.5"), Decimal(0), Decimal("1.25")]),
)
def test_commission_never_decreases_when_net_sales_increase(
    rules: CommissionRules, low: int, more: int, rounding: str, multiplier: Decimal
) -> None:
    lower, _ = tier_commission(low, rules, rounding, multiplier)
    higher, _ = tier_commission(low + more, rules, rounding, multiplier)
    assert higher >= lower


@pytest.mark.parametrize("mode", ["whole", "progressive"])
@pytest.mark.parametrize("edge", [5_000_000, 10_000_000, 20_000_000])
def test_one_fen_more_at_each_default_edge_never_pays_less(mode: str, edge: int) -> None:
    rules = table(mode)
    below, tier_below = tier_commission(edge - 1, rules)
    at, tier_at = tier_commission(edge, rules)
    assert tier_at == tier_below + 1
    assert at >= below
