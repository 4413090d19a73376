"""Smoke test: the committed sample month (samples/2026-10) gives a plausible scorecard
under the default rules, and its spot-check sheet looks like a supervisor's."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from csops.domain.chatlog import normalize_messages
from csops.domain.chats import chat_kpis
from csops.domain.kpi import KpiResult
from csops.domain.period import Month
from csops.domain.roster import Roster
from csops.ingest.discover import Inputs
from csops.rules import RuleSet
from csops.rules.chats import ChatRules
from csops.rules.vocab import ValueWords

from ..conftest import REPO, kpi_of

SAMPLE = REPO / "samples" / "2026-10"


@pytest.fixture(scope="module")
def result(rules: RuleSet) -> KpiResult:
    return kpi_of(Inputs.scan(rules, SAMPLE), rules, Month(2026, 10))


def test_spot_check_sheet(result: KpiResult) -> None:
    qa = result.qa
    assert 30 <= len(qa) <= 60
    assert set(qa["_file"]) == {"质检抽查.xlsx"}
    assert "1001" not in set(qa["staff_id"])  # the supervisor makes the checks
    assert set(qa["staff_id"]) == {"1002", "1003", "1004", "1005", "1006", "1007", "1008"}
    scores = qa["check_score"]
    assert scores.between(60, 100).all()
    assert qa["score"].isna().sum() == 2  # 得分 left empty: scored from the marks
    assert set(qa["resolved"].astype(bool)) == {True, False}
    assert qa["note"].notna().all()


def test_plausible_scorecard(result: KpiResult) -> None:
    staff = result.staff.set_index("staff_id")
    assert not staff.loc["1001", "scored"]  # 主管: no card by default
    scored = staff[staff["scored"]]
    assert list(scored.index) == ["1002", "1003", "1004", "1005", "1006", "1007", "1008"]
    assert scored["total"].between(30, 95).all()
    assert scored["total"].nunique() == len(scored)
    assert set(scored["card"]) == {"presale", "aftersale"}
    tiers = {Decimal("0.00"), Decimal("200.00"), Decimal("500.00"), Decimal("800.00")}
    assert set(scored["bonus"]) <= tiers
    assert (scored["bonus"] > 0).sum() >= 2
    # The sample's chat log has no 评价 column: satisfaction is missing, weight shared out.
    sat = result.metrics[result.metrics["metric"] == "satisfaction_rate"]
    assert sat["missing"].all() and sat["points"].isna().all()
    # 1004 and 1007 end the month at the punishment level: no bonus for them.
    for staff_id in ("1004", "1007"):
        assert staff.loc[staff_id, "levels"] == ["punishment"]
        assert staff.loc[staff_id, "bonus"] == Decimal("0.00")
    assert staff.loc["1004", "withheld_by_level"] == "punishment"
    ranks = scored.groupby("card")["rank"].apply(lambda r: sorted(r.astype(int)))
    assert ranks["presale"] == [1, 2, 3, 4, 5] and ranks["aftersale"] == [1, 2]
    assert pd.notna(result.counts.loc["1002", "waits"])


def test_timely_waits_match_the_chat_kpis(result: KpiResult, rules: RuleSet) -> None:
    """reply_timeliness counts what `csops chats` calls 30秒响应次数, per staff member."""
    inputs = Inputs.scan(rules, SAMPLE).load(["roster", "chats", "orders"])
    roster = Roster.from_frame(inputs.frame("roster"))
    messages = normalize_messages(
        inputs.frame("chats"), roster, rules.get(ValueWords).chat_direction
    )
    kpis = chat_kpis(
        messages,
        inputs.frame("orders"),
        roster,
        Month(2026, 10),
        rules.get(ChatRules),
        rules.settings.service_hours,
    )
    chats = kpis.staff.dropna(subset=["staff_id"]).set_index("staff_id")
    counts = result.counts.loc[chats.index]
    assert counts["timely_waits"].tolist() == chats["replies_within_30s"].astype(float).tolist()
    assert counts["waits"].tolist() == chats["waits"].astype(float).tolist()
