"""`rules/shipping.yaml`: its model, and the problems a shop's edit can make."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from csops.errors import RuleError
from csops.rules import load_rules
from csops.rules.shipping import ShippingRules, normalize_word, parse_duration_hours

from ..conftest import REPO


def rules_with(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "shipping.yaml").write_text(text, encoding="utf-8")
    return folder


MINIMAL = "status: {awaiting_shipment: [待发货]}\n"


def test_default_file_reads_as_documented() -> None:
    shipping = load_rules(REPO / "rules").get(ShippingRules)
    assert (shipping.levels.warning, shipping.levels.overdue, shipping.levels.late) == (24, 48, 72)
    assert shipping.unpaid_after == 3.0
    assert shipping.presale_waits is True
    assert [c.name for c in shipping.campaigns] == ["618", "双11"]
    lookup = shipping.status.lookup()
    assert lookup[normalize_word("买家已付款，等待卖家发货")] == "awaiting_shipment"
    assert lookup[normalize_word("锁定")] == "held"
    assert lookup[normalize_word("未发货，退款成功")] == "closed"


@pytest.mark.parametrize(
    ("text", "hours"),
    [("3h", 3.0), ("90m", 1.5), ("2h30m", 2.5), ("2h 30m", 2.5), ("45min", 0.75), ("0h", 0.0),
     ("1.5h", 1.5), ("3H", 3.0)],
)  # fmt: skip
def test_durations(text: str, hours: float) -> None:
    assert parse_duration_hours(text) == hours


@pytest.mark.parametrize("text", ["3", "", "h", "3 hours", "-1h", "30m2h", "1d"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError, match="expected a duration such as 3h, 90m or 2h30m"):
        parse_duration_hours(text)


def test_yaml_details_a_shop_writes(tmp_path: Path) -> None:
    folder = rules_with(
        tmp_path,
        MINIMAL
        + "unpaid_after: 2h30m\n"
        + "campaigns:\n"
        + "  - {name: 618, start: 2026-06-17, end: '2026-06-20 12:00', levels: "
        + "{warning: 36, overdue: 60, late: 96}}\n",
    )
    shipping = load_rules(folder).get(ShippingRules)
    assert shipping.unpaid_after == 2.5
    campaign = shipping.campaigns[0]
    assert campaign.name == "618"
    assert (campaign.start, campaign.end) == (datetime(2026, 6, 17), datetime(2026, 6, 20, 12))
    assert shipping.levels.late == 72  # defaults when a file leaves them out


def test_every_problem_with_its_key_path(tmp_path: Path) -> None:
    folder = rules_with(
        tmp_path,
        "levels: {warning: 48, overdue: 24, late: 72}\n"
        "status:\n"
        "  awaiting_shipment: [待发货]\n"
        "  shipped: [' 待发货']\n"
        "  delivered: [已签收]\n"
        "unpaid_after: soon\n",
    )
    with pytest.raises(RuleError) as caught:
        load_rules(folder)
    text = caught.value.message
    assert "rules/shipping.yaml: levels: levels must rise: 0 < warning < overdue < late, " in text
    assert "got 48 / 24 / 72" in text
    assert "rules/shipping.yaml: status.delivered: unknown key (a typo?)" in text
    assert "rules/shipping.yaml: unpaid_after: expected a duration such as 3h" in text
    assert caught.value.exit_code == 2


def test_a_word_in_two_groups_is_refused(tmp_path: Path) -> None:
    folder = rules_with(
        tmp_path, "status:\n  awaiting_shipment: [待发货]\n  shipped: ['待 发货']\n"
    )
    with pytest.raises(RuleError, match="'待 发货' is in both awaiting_shipment and shipped"):
        load_rules(folder)


def test_overlapping_campaigns_are_refused(tmp_path: Path) -> None:
    folder = rules_with(
        tmp_path,
        MINIMAL
        + "campaigns:\n"
        + "  - {name: A, start: '2026-11-01 00:00', end: '2026-11-12 00:00', levels: {}}\n"
        + "  - {name: B, start: '2026-11-11 00:00', end: '2026-11-13 00:00', levels: {}}\n",
    )
    with pytest.raises(RuleError, match="campaigns A and B overlap"):
        load_rules(folder)


def test_campaign_must_end_after_it_starts(tmp_path: Path) -> None:
    folder = rules_with(
        tmp_path,
        MINIMAL
        + "campaigns: [{name: A, start: '2026-11-02 00:00', end: '2026-11-01', levels: {}}]\n",
    )
    with pytest.raises(RuleError, match=r"campaigns #1 \(A\): .*campaign A: end must be after"):
        load_rules(folder)


def test_refund_word_in_both_lists_is_refused(tmp_path: Path) -> None:
    folder = rules_with(tmp_path, MINIMAL + "refund_excludes: [退款中]\nrefund_keeps: [退款中]\n")
    with pytest.raises(RuleError, match="refund words in both refund_excludes and refund_keeps"):
        load_rules(folder)
