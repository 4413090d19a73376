"""Metric values → points: band edges, linear scoring, the direction of each metric,
and the checks of rules/kpi.yaml."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from csops.domain.kpi import check_levels, metric_points
from csops.errors import RuleError
from csops.report.kpi import rule_text
from csops.rules import load_rules
from csops.rules.kpi import KpiRules, MetricRule
from csops.rules.scoring import ScoringRules


def rule(**spec: object) -> MetricRule:
    return MetricRule.model_validate({"weight": 100, **spec})


def points(r: MetricRule, *values: float) -> list[float]:
    return metric_points(pd.Series(values, dtype="float64"), r).tolist()


TIMELY = rule(
    metric="reply_timeliness",
    bands=[{"min": 0.95, "points": 100}, {"min": 0.90, "points": 80}, {"min": 0.8, "points": 60}],
    otherwise=20,
)


def test_band_edges_belong_to_the_band_they_reach() -> None:
    assert points(TIMELY, 0.95, 0.9499, 0.90, 0.8999, 0.80, 0.0, 1.0) == [
        100,
        80,
        80,
        60,
        60,
        20,
        100,
    ]


def test_lower_is_better_bands_use_max() -> None:
    r = rule(
        metric="first_response_s",
        direction="lower",
        bands=[{"max": 30, "points": 100}, {"max": 60, "points": 70}],
        otherwise=10,
    )
    # 30 s is within the best band; a slower reply never scores more than a faster one.
    assert points(r, 0, 30, 30.1, 60, 61, 600) == [100, 100, 70, 70, 10, 10]


def test_linear_between_worst_and_best_higher_is_better() -> None:
    r = rule(metric="qa_score", linear={"worst": 60, "best": 100})
    assert points(r, 60, 70, 80, 90.5, 100, 40, 120) == [0, 25, 50, 76.25, 100, 0, 100]


def test_linear_lower_is_better_and_custom_points() -> None:
    r = rule(
        metric="avg_response_s",
        linear={"best": 30, "worst": 300, "best_points": 100, "worst_points": 20},
    )
    # 165 s is halfway: 20 + 0.5 × 80 = 60; 100 s: 20 + 200/270 × 80 = 79.259… → 79.26.
    assert points(r, 30, 10, 165, 100, 300, 900) == [100, 100, 60, 79.26, 20, 20]


def test_no_value_gives_no_points() -> None:
    got = points(TIMELY, math.nan, 0.97)
    assert math.isnan(got[0]) and got[1] == 100


def test_rule_text() -> None:
    assert rule_text(TIMELY, "en") == "≥ 95% → 100; ≥ 90% → 80; ≥ 80% → 60; else → 20"
    lin = rule(metric="first_response_s", linear={"best": 30, "worst": 300}, missing=50)
    assert rule_text(lin, "zh") == "30 s → 100 … 300 s → 0 (线性); 缺数据 → 50"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            {
                "metric": "first_response_s",
                "direction": "higher",
                "linear": {"best": 300, "worst": 30},
            },
            "first_response_s is better when lower",
        ),
        (
            {"metric": "first_response_s", "linear": {"best": 300, "worst": 30}},
            "best must be below worst",
        ),
        (
            {"metric": "conversion_rate", "bands": [{"max": 0.5, "points": 100}]},
            "every band needs min",
        ),
        (
            {
                "metric": "conversion_rate",
                "bands": [{"min": 0.4, "points": 80}, {"min": 0.5, "points": 100}],
            },
            "list them from the best down",
        ),
        (
            {
                "metric": "conversion_rate",
                "bands": [{"min": 0.5, "points": 60}, {"min": 0.4, "points": 80}],
            },
            "a better band must not score fewer points",
        ),
        ({"metric": "conversion_rate"}, "give exactly one of bands or linear"),
        ({"metric": "reply_speed", "linear": {"best": 1, "worst": 0}}, "reply_speed"),
        (
            {"metric": "qa_score", "linear": {"best": 100, "worst": 60}, "missing": "zero"},
            "missing",
        ),
    ],
)
def test_bad_metric_rules(spec: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rule(**spec)


def _rules_folder(tmp_path: Path, text: str) -> Path:
    (tmp_path / "kpi.yaml").write_text(text, encoding="utf-8")
    return tmp_path


CARD = """
cards:
  presale:
    label: {zh: 售前, en: pre-sale}
    roles: [售前]
    metrics:
      - {metric: reply_timeliness, weight: 60, bands: [{min: 0.9, points: 100}]}
      - {metric: qa_score, weight: 30, linear: {best: 100, worst: 60}}
"""


def test_weights_must_sum_to_100(tmp_path: Path) -> None:
    with pytest.raises(RuleError) as caught:
        load_rules(_rules_folder(tmp_path, CARD))
    assert caught.value.message == (
        f"{tmp_path.name}/kpi.yaml: cards.presale: metrics: weights must sum to 100, "
        "got 60 + 30 = 90"
    )


def test_a_role_picks_one_card(tmp_path: Path) -> None:
    text = CARD.replace("weight: 30", "weight: 40") + (
        "  aftersale:\n    label: {zh: 售后, en: after-sale}\n    roles: [售前]\n"
        "    metrics: [{metric: qa_score, weight: 100, linear: {best: 100, worst: 60}}]\n"
    )
    with pytest.raises(
        RuleError, match="role '售前' is in the roles of both presale and aftersale"
    ):
        load_rules(_rules_folder(tmp_path, text))


def test_bonus_tiers_are_checked(tmp_path: Path) -> None:
    text = CARD.replace("weight: 30", "weight: 40") + (
        "bonus:\n  tiers: [{min_total: 70, amount: 200}, {min_total: 80, amount: 500.001}]\n"
    )
    with pytest.raises(RuleError) as caught:
        load_rules(_rules_folder(tmp_path, text))
    assert caught.value.message == (
        f"{tmp_path.name}/kpi.yaml: bonus.tiers #2.amount: expected a yuan amount with at "
        "most two decimals, got 500.001"
    )
    text = text.replace("500.001", "500")
    with pytest.raises(RuleError, match="bonus: tiers: list them from the highest min_total"):
        load_rules(_rules_folder(tmp_path, text))


def test_default_card_must_exist(tmp_path: Path) -> None:
    text = CARD.replace("weight: 30", "weight: 40") + "default_card: manager\n"
    with pytest.raises(RuleError, match="default_card: 'manager' is no card"):
        load_rules(_rules_folder(tmp_path, text))


def test_withhold_levels_must_be_score_levels(tmp_path: Path) -> None:
    text = CARD.replace("weight: 30", "weight: 40") + "bonus:\n  withhold_levels: [punishmnet]\n"
    rules = load_rules(_rules_folder(tmp_path, text))
    with pytest.raises(RuleError) as caught:
        check_levels(rules.get(KpiRules), rules.get(ScoringRules))
    assert caught.value.message == (
        "rules/kpi.yaml: bonus.withhold_levels: 'punishmnet' is no level of "
        "rules/scoring.yaml; levels: punishment, warning, ok, serious"
    )


def test_default_cards_are_valid_and_weighted_to_100() -> None:
    kpi = load_rules().get(KpiRules)
    assert set(kpi.cards) == {"presale", "aftersale"}
    assert kpi.card_of_role()["售前"] == "presale" and kpi.card_of_role()["售后"] == "aftersale"
    for card in kpi.cards.values():
        assert sum(m.weight for m in card.metrics) == 100
    assert [(t.min_total, str(t.amount)) for t in kpi.bonus.tiers] == [
        (90, "800"),
        (80, "500"),
        (70, "200"),
    ]
    assert kpi.default_card is None
    assert kpi.sources() == {"chats", "qa", "score"}
