"""The scorecard end to end on the small exports of `kpidata` (hand-computed there):
role cards, missing data, totals, ranks, bonus tiers and withholding, the quarter."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from csops.domain.kpi import KpiResult
from csops.domain.period import Month, Quarter
from csops.errors import InputError
from csops.ingest.discover import Inputs
from csops.jobs import month as jobs_month
from csops.jobs.month import compute, read_month
from csops.report.documents import kpi_document
from csops.rules import load_rules

from ..conftest import kpi_of
from .kpidata import ATTENDANCE, BONUS, CARDS, write_data, write_rules

OCTOBER = Month(2026, 10)


def run(
    tmp_path: Path,
    period: Month | Quarter = OCTOBER,
    rules_text: str = CARDS + BONUS,
    **data: bool,
) -> KpiResult:
    folder = write_data(tmp_path / "data", **data)
    rules = load_rules(write_rules(tmp_path / "rules", rules_text))
    return kpi_of(Inputs.scan(rules, folder), rules, period)


def metric(result: KpiResult, staff_id: str, name: str) -> pd.Series:
    m = result.metrics
    [row] = m[(m["staff_id"] == staff_id) & (m["metric"] == name)].to_dict("records")
    return pd.Series(row)


def staff(result: KpiResult, staff_id: str) -> pd.Series:
    return result.staff.set_index("staff_id").loc[staff_id]


def test_presale_card_values_points_and_total(tmp_path: Path) -> None:
    result = run(tmp_path)
    expected = {
        # metric: (value, numerator, denominator, points)
        "reply_timeliness": (0.5, 2, 4, 60),  # 10 s and 20 s of 10, 20, 40, 100 s
        "first_response_s": (42.5, 170, 4, 67.5),  # (110 − 42.5) / 100 of the way
        "satisfaction_rate": (2 / 3, 2, 3, 100),  # 很满意 + 满意 of 3 ratings
        "qa_score": (80, 160, 2, 50),  # (90 + 70) / 2, linear 60 → 0 … 100 → 100
    }
    for name, (value, num, den, points) in expected.items():
        row = metric(result, "1002", name)
        assert row["value"] == pytest.approx(value), name
        assert (row["numerator"], row["denominator"], row["points"]) == (num, den, points), name
        assert not row["missing"]
    me = staff(result, "1002")
    assert me["card"] == "presale" and me["role"] == "售前"
    # (60×40 + 67.5×20 + 100×20 + 50×20) / 100
    assert me["total"] == 67.5
    assert me["bonus"] == Decimal("200.00")


def test_missing_metric_weight_is_redistributed(tmp_path: Path) -> None:
    result = run(tmp_path)
    sat = metric(result, "1003", "satisfaction_rate")
    assert sat["missing"] and pd.isna(sat["value"]) and pd.isna(sat["points"])
    assert pd.isna(sat["effective_weight"])
    # The other 80 of weight count as 100: 40 → 50, 20 → 25, 20 → 25.
    weights = result.metrics[result.metrics["staff_id"] == "1003"]["effective_weight"]
    assert weights.dropna().tolist() == [50, 25, 25]
    me = staff(result, "1003")
    assert me["missing"] == ["satisfaction_rate"]
    assert me["weight_with_data"] == 80
    # 100 (2 of 2 timely) ×40 + 100 (5 s) ×20 + 75 (marks 8/9/10 → 90) ×20, over 80
    assert me["total"] == 93.75
    assert me["bonus"] == Decimal("500.00")


def test_missing_metric_scored_as_the_rules_say(tmp_path: Path) -> None:
    result = run(tmp_path)
    res = metric(result, "1005", "qa_resolution_rate")
    assert res["missing"] and res["points"] == 50 and res["effective_weight"] == 50
    me = staff(result, "1005")
    assert me["card"] == "aftersale"
    assert me["total"] == 35  # (20 × 50 + 50 × 50) / 100: 0 of 1 wait timely → 20
    assert me["bonus"] == Decimal("0.00")


def test_ranks_are_per_card(tmp_path: Path) -> None:
    result = run(tmp_path)
    ranks = dict(zip(result.staff["staff_id"], result.staff["rank"], strict=True))
    assert ranks["1003"] == 1 and ranks["1002"] == 2 and ranks["1005"] == 1
    assert pd.isna(ranks["1001"])


def test_supervisor_without_a_card_is_listed_not_scored(tmp_path: Path) -> None:
    result = run(tmp_path)
    me = staff(result, "1001")
    assert not me["scored"] and pd.isna(me["card"]) and pd.isna(me["total"])
    assert me["bonus"] is None
    assert me["note"] == "no KPI card for the role 主管"
    assert (result.metrics["staff_id"] != "1001").all()
    assert any(n.startswith("not scored: 1001 老周") for n in result.notes)


def test_default_card_scores_other_roles(tmp_path: Path) -> None:
    result = run(tmp_path, rules_text=CARDS + BONUS + "default_card: aftersale\n")
    me = staff(result, "1001")
    assert me["card"] == "aftersale" and me["scored"]
    assert metric(result, "1001", "reply_timeliness")["value"] == 1.0  # 20 s reply
    assert me["total"] == 75  # (100 × 50 + 50 × 50) / 100
    assert staff(result, "1001")["rank"] == 1 and staff(result, "1005")["rank"] == 2


def test_too_little_data_is_not_scored(tmp_path: Path) -> None:
    # On the aftersale card: 1005 has data for 50 of its 100 weight only.
    text = CARDS.replace("    roles: [售后]\n", "    roles: [售后]\n    min_weight_with_data: 60\n")
    result = run(tmp_path, rules_text=text + BONUS)
    me = staff(result, "1005")
    assert not me["scored"] and pd.isna(me["total"]) and me["bonus"] is None
    assert me["note"] == "data for only 50 of 100 weight (min_weight_with_data 60): not scored"


def test_no_qa_sheet_makes_qa_metrics_missing_with_a_note(tmp_path: Path) -> None:
    result = run(tmp_path, qa=False)
    assert metric(result, "1002", "qa_score")["missing"]
    assert metric(result, "1003", "qa_score")["missing"]
    # 1002 without QA: (60×40 + 67.5×20 + 100×20) / 80 = 71.875 → 71.88 (rounded half up)
    assert staff(result, "1002")["total"] == 71.88
    assert (
        "no spot-check sheet (质检/抽查记录) found: QA metrics are missing for everyone"
        in result.notes
    )


def test_no_rating_column_makes_satisfaction_missing(tmp_path: Path) -> None:
    result = run(tmp_path, ratings=False)
    assert metric(result, "1002", "satisfaction_rate")["missing"]
    assert staff(result, "1002")["missing"] == ["satisfaction_rate"]


def test_bonus_withheld_at_punishment_level(tmp_path: Path) -> None:
    result = run(tmp_path, attendance=True)
    me = staff(result, "1003")
    assert me["levels"] == ["punishment"]  # 10 − 5 (千牛离线 ×3) − 5 (态度投诉 ×3) = 0
    assert me["total"] == 93.75
    assert me["bonus_before_withholding"] == Decimal("500.00")
    assert me["bonus"] == Decimal("0.00")
    assert me["withheld_by_level"] == "punishment"
    other = staff(result, "1002")
    assert other["levels"] == ["ok"] and other["bonus"] == Decimal("200.00")
    assert pd.isna(other["withheld_by_level"])


def test_bonus_not_withheld_when_the_rules_do_not_say_so(tmp_path: Path) -> None:
    text = CARDS + BONUS.replace("withhold_levels: [punishment]", "withhold_levels: []")
    result = run(tmp_path, rules_text=text, attendance=True)
    assert staff(result, "1003")["bonus"] == Decimal("500.00")


def test_withholding_unchecked_without_attendance_is_said(tmp_path: Path) -> None:
    result = run(tmp_path)
    assert staff(result, "1003")["bonus"] == Decimal("500.00")
    assert any(
        "bonus could not be checked against the levels punishment" in n for n in result.notes
    )


def test_quarter_adds_up_counts_not_percentages(tmp_path: Path) -> None:
    result = run(tmp_path, period=Quarter(2026, 3), quarter=True)
    assert [str(m) for m in result.months] == ["2026-07", "2026-08", "2026-09"]
    timely = metric(result, "1002", "reply_timeliness")
    # July 2 of 4, August 1 of 10: 3 / 14 = 0.214 (the mean of 50 % and 10 % is 30 %)
    assert (timely["numerator"], timely["denominator"]) == (3, 14)
    assert timely["value"] == pytest.approx(3 / 14)
    assert timely["points"] == 10  # below the 0.5 band
    first = metric(result, "1002", "first_response_s")
    # (170 + 10 + 9 × 100) / 14 = 77.142857 s, not the mean of 42.5 and 91 (66.75)
    assert first["value"] == pytest.approx(1080 / 14)
    assert first["points"] == 32.86  # (110 − 77.142857) / 100 × 100
    qa = metric(result, "1002", "qa_score")
    # (90 + 70 + 60) / 3 = 73.33, not the mean of the monthly means 80 and 60 (70)
    assert qa["value"] == pytest.approx(220 / 3)
    assert qa["points"] == 33.33
    sat = metric(result, "1002", "satisfaction_rate")
    assert (sat["numerator"], sat["denominator"]) == (2, 3)  # November has no ratings
    me = staff(result, "1002")
    # (10×40 + 32.86×20 + 100×20 + 33.33×20) / 100 = 37.238 → 37.24
    assert me["total"] == 37.24
    assert me["bonus"] == Decimal("0.00")
    assert "the chat log holds no conversations in 2026-09" in result.notes
    assert "the spot-check sheet holds no checks in 2026-09" in result.notes


def test_quarter_tiers_and_levels_of_every_month(tmp_path: Path) -> None:
    text = CARDS + BONUS + "  quarter_tiers: [{min_total: 90, amount: 1500}]\n"
    result = run(tmp_path, period=Quarter(2026, 3), rules_text=text, quarter=True, attendance=True)
    me = staff(result, "1003")
    # July's punishment withholds the quarter's bonus; August and September are clean.
    assert me["levels"] == ["punishment", "ok", "ok"]
    assert me["bonus_before_withholding"] == Decimal("1500.00")
    assert me["bonus"] == Decimal("0.00") and me["withheld_by_level"] == "punishment"
    assert staff(result, "1002")["bonus"] == Decimal("0.00")  # 37.24 reaches no tier


def test_document_shape(tmp_path: Path) -> None:
    doc = kpi_document(run(tmp_path))
    assert doc["period"] == "2026-10"
    first = doc["staff"][1]
    assert {k: first[k] for k in ("staff_id", "name", "role", "total", "rank", "bonus")} == {
        "staff_id": "1002",
        "name": "小美",
        "role": "售前",
        "total": 67.5,
        "rank": 2,
        "bonus": "200.00",
    }
    assert first["metrics"][0] == {
        "metric": "reply_timeliness",
        "value": 0.5,
        "points": 60,
        "weight": 40,
        "effective_weight": 40,
        "missing": False,
        "numerator": 2,
        "denominator": 4,
    }
    assert "spot_checks" not in first
    supervisor = doc["staff"][0]
    assert supervisor["total"] is None and supervisor["bonus"] is None
    assert supervisor["metrics"] == [] and supervisor["scored"] is False


def test_quarter_needs_attendance_for_every_month(tmp_path: Path) -> None:
    folder = write_data(tmp_path / "data", quarter=True, attendance=True)
    july_only = ATTENDANCE.replace("2026-10-", "2026-07-")
    (folder / "打卡.csv").write_text(july_only, encoding="utf-8")
    rules = load_rules(write_rules(tmp_path / "rules"))
    with pytest.raises(InputError) as caught:
        kpi_of(Inputs.scan(rules, folder), rules, Quarter(2026, 3))
    assert caught.value.message.startswith("打卡.csv: no attendance rows for 2026-08")


OTHER_SOURCES = """
cards:
  presale:
    label: {zh: 售前, en: pre-sale}
    roles: [售前]
    metrics:
      - {metric: net_sales, weight: 25, linear: {best: 300, worst: 0}}
      - {metric: conversion_rate, weight: 25, bands: [{min: 0.5, points: 100}], otherwise: 50}
      - {metric: score, weight: 25, linear: {best: 10, worst: 0}}
      - {metric: reply_rate, weight: 25, bands: [{min: 1, points: 100}]}
  aftersale:
    label: {zh: 售后, en: after-sale}
    roles: [售后]
    metrics:
      - {metric: unanswered_rate, weight: 50, direction: lower, bands: [{max: 0, points: 100}]}
      - {metric: avg_response_s, weight: 50, linear: {best: 0, worst: 120}}
"""


def test_sales_conversion_score_and_reply_metrics(tmp_path: Path) -> None:
    result = run(tmp_path, rules_text=OTHER_SOURCES, attendance=True)
    net = metric(result, "1002", "net_sales")
    assert net["value"] == 300 and net["numerator"] == 30000 and pd.isna(net["denominator"])
    assert net["points"] == 100
    conversion = metric(result, "1002", "conversion_rate")
    assert (conversion["numerator"], conversion["denominator"], conversion["points"]) == (1, 4, 50)
    assert metric(result, "1002", "score")["value"] == 10
    assert metric(result, "1002", "reply_rate")["value"] == 1
    assert staff(result, "1002")["total"] == 87.5  # (100 + 50 + 100 + 100) / 4
    # 阿杰: 1 of 2 inquiries paid (100), score 0 after his incidents (0 points)
    assert metric(result, "1003", "conversion_rate")["points"] == 100
    assert metric(result, "1003", "score")["points"] == 0
    assert staff(result, "1003")["total"] == 75
    # 小琳: no wait left unanswered over 10 min (100); a 60 s average reply: halfway (50)
    assert metric(result, "1005", "unanswered_rate")["value"] == 0
    assert metric(result, "1005", "avg_response_s")["points"] == 50
    assert staff(result, "1005")["total"] == 75
    doc = kpi_document(result)
    assert doc["staff"][1]["metrics"][0]["value"] == "300.00"  # money as text, like all money


def test_reply_timeliness_limit(tmp_path: Path) -> None:
    default = run(tmp_path / "a")
    # By default the limit is the chat rule's 30 s: the same count as `csops chats`.
    assert metric(default, "1002", "reply_timeliness")["numerator"] == 2
    longer = run(tmp_path / "b", rules_text=CARDS + BONUS + "reply_timeliness_limit_s: 45\n")
    timely = metric(longer, "1002", "reply_timeliness")
    assert (timely["numerator"], timely["denominator"]) == (3, 4)  # 10, 20 and 40 s
    assert timely["points"] == 60


def test_the_scorecard_uses_the_months_own_score(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A month's score is computed once and the scorecard reads that very result
    (`csops monthly` shows both); a quarter has only a scorecard."""
    folder = write_data(tmp_path / "data", attendance=True)
    rules = load_rules(write_rules(tmp_path / "rules"))
    inputs = Inputs.scan(rules, folder)
    data = read_month(inputs, {"score", "kpi"})
    real = jobs_month._score
    calls = []

    def score(*args: Any) -> Any:
        result = real(*args)
        table = result.staff.copy()
        table.loc[table["staff_id"] == "1002", "level"] = "punishment"
        result.staff = table
        calls.append(result)
        return result

    monkeypatch.setattr(jobs_month, "_score", score)
    figures = compute(data, rules, OCTOBER, {"score", "kpi"})
    assert calls == [figures.score]  # once
    assert figures.kpi is not None
    assert staff(figures.kpi, "1002")["withheld_by_level"] == "punishment"  # that result
    assert staff(figures.kpi, "1002")["bonus"] == Decimal("0.00")
    with pytest.raises(ValueError, match="only a KPI scorecard"):
        compute(data, rules, Quarter(2026, 3), {"score", "kpi"})
