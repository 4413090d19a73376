"""`csops.domain.shipments`: which orders are unshipped / unpaid at a moment, their level, order,
handler and the notes that explain what was left off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from csops.domain.roster import Roster
from csops.domain.shipments import staff_counts, unpaid_orders, unshipped_orders
from csops.rules import RuleSet
from csops.rules.shipping import Campaign, ShippingRules

from .frames import orders_frame

HERE = Path(__file__).parent
CASES = yaml.safe_load((HERE / "level_cases.yaml").read_text(encoding="utf-8"))
AS_OF = pd.Timestamp("2026-10-31 20:00")
PAID_50H = "2026-10-29 18:00:00"  # 50 h before AS_OF: overdue


@pytest.fixture(scope="module")
def shipping(rules: RuleSet) -> ShippingRules:
    return rules.get(ShippingRules)


def listed_ids(result: Any) -> list[str]:
    return result.orders["order_id"].tolist()


def roster_of(*rows: tuple[str, str, str]) -> Roster:
    text = {
        "staff_id": [r[0] for r in rows],
        "name": [r[1] for r in rows],
        "accounts": [r[2] for r in rows],
    }
    frame = pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in text.items()})
    frame["_file"] = "roster.csv"
    frame["_row"] = range(2, len(rows) + 2)
    return Roster.from_frame(frame)


# ---------------------------------------------------------------- levels and campaigns


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_level_case(case: dict[str, Any], shipping: ShippingRules) -> None:
    campaigns = [Campaign.model_validate(c) for c in CASES["campaigns"]]
    rules = shipping.model_copy(update={"campaigns": campaigns})
    as_of = pd.Timestamp(case.get("as_of", CASES["as_of"]))
    frame = orders_frame([{"paid_at": case["paid_at"], "status": "买家已付款，等待卖家发货"}])
    result = unshipped_orders(frame, rules, as_of)
    if case["level"] is None:
        assert result.orders.empty
        return
    row = result.orders.iloc[0]
    assert (row["level"], row["hours_unshipped"], row["minutes_left"]) == (
        case["level"],
        case["hours"],
        case["minutes_left"],
    )
    assert result.counts[case["level"]] == 1


def test_campaign_orders_are_named_in_a_note(shipping: ShippingRules) -> None:
    campaigns = [Campaign.model_validate(c) for c in CASES["campaigns"]]
    rules = shipping.model_copy(update={"campaigns": campaigns})
    frame = orders_frame(
        [
            {"paid_at": "2026-11-11 10:00", "status": "待发货"},  # 48 h in 双11: warning
            {"paid_at": "2026-11-09 10:00", "status": "待发货"},  # 96 h, normal lines: late
        ]
    )
    result = unshipped_orders(frame, rules, pd.Timestamp("2026-11-13 10:00"))
    got = result.orders[["order_id", "level", "campaign"]].astype(object)
    assert got.where(got.notna(), None).values.tolist() == [
        ["O2", "late", None],
        ["O1", "warning", "双11"],
    ]
    assert result.notes == ["1 listed orders were paid during campaign 双11 and use its lines"]


def test_sorted_by_time_left_then_hours(shipping: ShippingRules) -> None:
    """Urgency is the time left to each order's own late line; equal time left → more
    hours first, then order ID. Hours descending alone would put C first."""
    campaigns = [Campaign.model_validate(c) for c in CASES["campaigns"]]
    rules = shipping.model_copy(update={"campaigns": campaigns})
    frame = orders_frame(
        [
            # paid during 双11: 100 h unshipped, 20 h left to its 120 h line
            {"order_id": "C", "paid_at": "2026-11-13 08:00", "status": "待发货"},
            # normal lines: 70 h (2 h left) and 30 h (42 h left)
            {"order_id": "N70", "paid_at": "2026-11-14 14:00", "status": "待发货"},
            {"order_id": "N30", "paid_at": "2026-11-16 06:00", "status": "待发货"},
            # the same moment as N70: the order ID breaks the tie
            {"order_id": "B", "paid_at": "2026-11-14 14:00", "status": "待发货"},
        ]
    )
    result = unshipped_orders(frame, rules, pd.Timestamp("2026-11-17 12:00"))
    assert listed_ids(result) == ["B", "N70", "C", "N30"]
    assert result.orders["hours_unshipped"].tolist() == [70.0, 70.0, 100.0, 30.0]
    assert result.orders["minutes_left"].tolist() == [120, 120, 1200, 2520]


def test_level_filter_lists_at_or_above(shipping: ShippingRules) -> None:
    frame = orders_frame(
        [
            {"paid_at": "2026-10-30 18:00", "status": "待发货"},  # 26 h warning
            {"paid_at": PAID_50H, "status": "待发货"},  # 50 h overdue
            {"paid_at": "2026-10-27 20:00", "status": "待发货"},  # 96 h late
        ]
    )
    overdue = unshipped_orders(frame, shipping, AS_OF, min_level="overdue")
    assert listed_ids(overdue) == ["O3", "O2"]
    assert overdue.counts == {"warning": 0, "overdue": 1, "late": 1}
    assert overdue.at_or_past("warning") == 2
    assert overdue.at_or_past("late") == 1
    late = unshipped_orders(frame, shipping, AS_OF, min_level="late")
    assert listed_ids(late) == ["O3"]
    everything = unshipped_orders(frame, shipping, AS_OF)
    assert everything.counts == {"warning": 1, "overdue": 1, "late": 1}


# ---------------------------------------------------------------- what counts as unshipped


def _status_words(shipping: ShippingRules, group: str) -> list[str]:
    return list(getattr(shipping.status, group))


@pytest.mark.parametrize("group", ["unpaid", "shipped", "finished", "closed", "held"])
def test_every_excluding_status_word_keeps_an_order_off(
    group: str, shipping: ShippingRules
) -> None:
    words = _status_words(shipping, group)
    assert words, f"rules/shipping.yaml has no {group} words"
    frame = orders_frame([{"paid_at": PAID_50H, "status": w} for w in words])
    assert unshipped_orders(frame, shipping, AS_OF).orders.empty


def test_every_awaiting_shipment_word_is_listed(shipping: ShippingRules) -> None:
    words = _status_words(shipping, "awaiting_shipment")
    frame = orders_frame([{"paid_at": PAID_50H, "status": w} for w in words])
    result = unshipped_orders(frame, shipping, AS_OF)
    assert len(result.orders) == len(words)
    assert result.notes == []


def test_platform_words_from_the_issue(shipping: ShippingRules) -> None:
    """The Taobao / JD / PDD words named in the issue, with real full-width commas."""
    listed = ["买家已付款，等待卖家发货", "部分发货", "等待出库", "待发货"]
    off = [
        "等待买家付款", "卖家已发货，等待买家确认", "交易成功", "交易关闭",
        "等待付款", "等待确认收货", "完成", "已取消", "锁定",
        "待支付", "已发货，待签收", "已签收", "未发货，退款成功",
    ]  # fmt: skip
    frame = orders_frame([{"order_id": w, "paid_at": PAID_50H, "status": w} for w in listed + off])
    assert sorted(listed_ids(unshipped_orders(frame, shipping, AS_OF))) == sorted(listed)


def test_status_words_compare_without_width_or_spaces(shipping: ShippingRules) -> None:
    frame = orders_frame(
        [
            {"paid_at": PAID_50H, "status": "卖家已发货, 等待买家确认"},  # half-width comma
            {"paid_at": PAID_50H, "status": " wait_seller_send_goods "},
        ]
    )
    assert listed_ids(unshipped_orders(frame, shipping, AS_OF)) == ["O2"]


def test_unknown_and_empty_status_are_listed_with_a_note(shipping: ShippingRules) -> None:
    frame = orders_frame(
        [
            {"paid_at": PAID_50H, "status": "仓库处理中", "shipped_at": None},
            {"paid_at": PAID_50H, "status": "仓库处理中", "shipped_at": None},
            {"paid_at": PAID_50H, "status": None, "shipped_at": None},
        ]
    )
    result = unshipped_orders(frame, shipping, AS_OF)
    assert listed_ids(result) == ["O1", "O2", "O3"]
    assert result.notes == [
        "order-status words not in rules/shipping.yaml (treated as awaiting shipment): "
        "'仓库处理中' (2); add each to its group under status:"
    ]


def test_ship_time_decides_before_status(shipping: ShippingRules) -> None:
    frame = orders_frame(
        [
            # shipped before as_of: off, whatever the status says
            {"paid_at": PAID_50H, "shipped_at": "2026-10-31 19:59", "status": "待发货"},
            # shipped after as_of: was unshipped at that moment (a replay of the past)
            {"paid_at": PAID_50H, "shipped_at": "2026-10-31 20:01", "status": "交易成功"},
            # no ship time: the status decides
            {"paid_at": PAID_50H, "status": "交易成功"},
            {"paid_at": PAID_50H, "status": "待发货"},
        ]
    )
    assert listed_ids(unshipped_orders(frame, shipping, AS_OF)) == ["O2", "O4"]


def test_ship_time_alone_decides_without_a_status_column(shipping: ShippingRules) -> None:
    frame = orders_frame(
        [
            {"paid_at": PAID_50H, "shipped_at": "2026-10-30 10:00"},
            {"paid_at": PAID_50H, "shipped_at": None},
        ]
    )
    result = unshipped_orders(frame, shipping, AS_OF)
    assert listed_ids(result) == ["O2"]
    assert result.notes == []


def test_status_alone_without_ship_time_column_notes_empty_statuses(
    shipping: ShippingRules,
) -> None:
    frame = orders_frame(
        [
            {"paid_at": PAID_50H, "status": "卖家已发货，等待买家确认"},
            {"paid_at": PAID_50H, "status": None},
        ]
    )
    result = unshipped_orders(frame, shipping, AS_OF)
    assert listed_ids(result) == ["O2"]
    assert result.notes == [
        "1 orders have neither a ship time column nor a status; listed as unshipped"
    ]


def test_unpaid_order_is_never_overdue(shipping: ShippingRules) -> None:
    frame = orders_frame([{"created_at": "2026-10-20 10:00", "paid_at": None, "status": "待发货"}])
    assert unshipped_orders(frame, shipping, AS_OF).orders.empty


# ---------------------------------------------------------------- refunds and presale


def test_each_refund_exclude_word_takes_an_order_off(shipping: ShippingRules) -> None:
    words = shipping.refund_excludes
    assert len(words) >= 10
    rows = [{"order_id": w, "paid_at": PAID_50H, "status": "待发货", "refund_status": w}
            for w in words]  # fmt: skip
    rows.append({"order_id": "none", "paid_at": PAID_50H, "status": "待发货"})
    result = unshipped_orders(orders_frame(rows), shipping, AS_OF)
    assert listed_ids(result) == ["none"]
    assert result.notes == [f"{len(words)} orders in refund (refund_excludes) left off the list"]


def test_refund_keep_words_and_unknown_refund_words_stay(shipping: ShippingRules) -> None:
    frame = orders_frame(
        [
            {"paid_at": PAID_50H, "status": "待发货", "refund_status": "无售后或售后取消"},
            {"paid_at": PAID_50H, "status": "待发货", "refund_status": "卖家拒绝退款"},
            {"paid_at": PAID_50H, "status": "待发货", "refund_status": "协商中"},
        ]
    )
    result = unshipped_orders(frame, shipping, AS_OF)
    assert listed_ids(result) == ["O1", "O2", "O3"]
    assert result.notes == [
        "refund-status words in neither refund_excludes nor refund_keeps (kept on the list): "
        "'协商中' (1); add each to one of them in rules/shipping.yaml"
    ]


def test_presale_waits_for_its_promised_time(shipping: ShippingRules) -> None:
    frame = orders_frame(
        [
            # presale paid 10 days ago, promised 2026-11-02: waits, not listed
            {"paid_at": "2026-10-21 20:00", "status": "待发货", "promised_ship_at": "2026-11-02"},
            # presale whose promised time passed 2 h ago: late, 2 h past its promised time
            {
                "paid_at": "2026-10-21 20:00",
                "status": "待发货",
                "promised_ship_at": "2026-10-31 18:00",
            },
            # PDD prints 承诺发货时间 = payment + 48 h on ordinary orders: no presale
            {"paid_at": PAID_50H, "status": "待发货", "promised_ship_at": "2026-10-31 18:00"},
        ]
    )
    result = unshipped_orders(frame, shipping, AS_OF)
    assert result.orders[["order_id", "level", "hours_unshipped", "minutes_left"]].to_dict(
        "records"
    ) == [
        {"order_id": "O2", "level": "late", "hours_unshipped": 240.0, "minutes_left": -120},
        {"order_id": "O3", "level": "overdue", "hours_unshipped": 50.0, "minutes_left": 1320},
    ]
    assert result.orders["deadline"].tolist() == [
        pd.Timestamp("2026-10-31 18:00"),
        pd.Timestamp("2026-11-01 18:00"),
    ]
    assert "1 presale orders wait for their promised ship time" in result.notes


def test_presale_rule_can_be_switched_off(shipping: ShippingRules) -> None:
    rules = shipping.model_copy(update={"presale_waits": False})
    frame = orders_frame(
        [{"paid_at": "2026-10-21 20:00", "status": "待发货", "promised_ship_at": "2026-11-02"}]
    )
    result = unshipped_orders(frame, rules, AS_OF)
    assert result.orders[["level", "minutes_left"]].to_dict("records") == [
        {"level": "late", "minutes_left": -10080}
    ]


def test_held_orders_are_counted_in_a_note(shipping: ShippingRules) -> None:
    frame = orders_frame([{"paid_at": PAID_50H, "status": "锁定"}])
    result = unshipped_orders(frame, shipping, AS_OF)
    assert result.orders.empty
    assert result.notes == ["1 paid orders on hold (status group held, e.g. 锁定) left off"]


# ---------------------------------------------------------------- who handles it


def test_staff_from_memo_with_a_roster(shipping: ShippingRules) -> None:
    roster = roster_of(("1003", "小美", "星辰家居旗舰店:小美"), ("1004", "阿杰", "店:阿杰"))
    frame = orders_frame(
        [
            {"paid_at": "2026-10-27 20:00", "status": "待发货", "memo": "客服1003 赠品袜子"},
            {"paid_at": "2026-10-28 20:00", "status": "待发货", "memo": "小美 缺货已告知"},
            {"paid_at": "2026-10-29 20:00", "status": "待发货", "memo": "1003 1004 交接"},
            {"paid_at": "2026-10-30 10:00", "status": "待发货", "memo": "1009"},
            {"paid_at": "2026-10-30 11:00", "status": "待发货", "memo": None},
        ]
    )
    result = unshipped_orders(frame, shipping, AS_OF, roster=roster)
    got = result.orders[["order_id", "staff_id", "staff_name"]].astype(object)
    assert got.where(got.notna(), None).values.tolist() == [
        ["O1", "1003", "小美"],
        ["O2", "1003", "小美"],
        ["O3", "1003/1004", None],
        ["O4", "1009", None],
        ["O5", None, None],
    ]
    by_staff = result.by_staff.astype(object)
    assert by_staff.where(by_staff.notna(), None).values.tolist() == [
        ["1003", "小美", 0, 0, 2, 2],
        ["1003/1004", None, 0, 1, 0, 1],
        ["1009", None, 1, 0, 0, 1],
        [None, None, 1, 0, 0, 1],
    ]


def test_staff_without_a_roster_is_the_memo_number(shipping: ShippingRules) -> None:
    frame = orders_frame(
        [
            {"paid_at": PAID_50H, "status": "待发货", "memo": "客服1003 赠品袜子"},
            {"paid_at": PAID_50H, "status": "待发货", "memo": "小美"},
            {"paid_at": PAID_50H, "status": "待发货", "memo": "顺丰 SF1234567890"},
        ]
    )
    result = unshipped_orders(frame, shipping, AS_OF)
    assert result.orders["staff_id"].fillna("-").tolist() == ["1003", "-", "-"]


def test_no_memo_column_means_no_staff(shipping: ShippingRules) -> None:
    frame = orders_frame([{"paid_at": PAID_50H, "status": "待发货"}])
    result = unshipped_orders(frame, shipping, AS_OF)
    assert result.orders["staff_id"].isna().all()
    assert result.by_staff[["overdue", "total"]].values.tolist() == [[1, 1]]


def test_staff_counts_of_an_empty_list(shipping: ShippingRules) -> None:
    frame = orders_frame([{"paid_at": "2026-10-31 10:00", "status": "待发货"}])
    result = unshipped_orders(frame, shipping, AS_OF)
    assert result.orders.empty and result.by_staff.empty
    assert list(staff_counts(result.orders).columns) == [
        "staff_id", "staff_name", "warning", "overdue", "late", "total",
    ]  # fmt: skip


def test_buyers_masked_when_asked(shipping: ShippingRules) -> None:
    frame = orders_frame([{"paid_at": PAID_50H, "status": "待发货", "buyer": "tb小鱼88"}])
    assert unshipped_orders(frame, shipping, AS_OF, mask=True).orders["buyer"].tolist() == ["t**"]
    assert unshipped_orders(frame, shipping, AS_OF).orders["buyer"].tolist() == ["tb小鱼88"]


def test_evidence_columns_carried(shipping: ShippingRules) -> None:
    frame = orders_frame([{"paid_at": PAID_50H, "status": "待发货"}], file="淘宝订单.csv")
    row = unshipped_orders(frame, shipping, AS_OF).orders.iloc[0]
    assert (row["_file"], row["_row"]) == ("淘宝订单.csv", 2)


# ---------------------------------------------------------------- unpaid orders


def test_unpaid_boundaries_and_exclusions(shipping: ShippingRules) -> None:
    frame = orders_frame(
        [
            {"order_id": "exact3h", "created_at": "2026-10-31 17:00", "status": "等待买家付款"},
            {"order_id": "2h59", "created_at": "2026-10-31 17:01", "status": "等待买家付款"},
            {"order_id": "jd", "created_at": "2026-10-31 09:00", "status": "等待付款"},
            {"order_id": "pdd", "created_at": "2026-10-31 08:00", "status": "待支付"},
            {"order_id": "closed", "created_at": "2026-10-31 08:00", "status": "交易关闭"},
            {"order_id": "paid", "created_at": "2026-10-31 08:00", "status": "交易成功",
             "paid_at": "2026-10-31 08:05"},
            {"order_id": "paid_later", "created_at": "2026-10-31 08:00", "status": "交易成功",
             "paid_at": "2026-10-31 20:30"},
            {"order_id": "paid_no_time", "created_at": "2026-10-31 08:00", "status": "待发货"},
            {"order_id": "odd", "created_at": "2026-10-31 12:00", "status": "预定中"},
            {"order_id": "no_created", "created_at": None, "status": "等待买家付款"},
        ]
    )  # fmt: skip
    result = unpaid_orders(frame, shipping, AS_OF, 3.0)
    assert result.orders[["order_id", "hours_unpaid"]].values.tolist() == [
        ["paid_later", 12.0],
        ["pdd", 12.0],
        ["jd", 11.0],
        ["odd", 8.0],
        ["exact3h", 3.0],
    ]
    assert result.notes == [
        "order-status words not in rules/shipping.yaml (treated as unpaid): '预定中' (1); "
        "add each to its group under status:"
    ]


def test_unpaid_with_payment_time_only(shipping: ShippingRules) -> None:
    frame = orders_frame(
        [
            {"created_at": "2026-10-31 10:00", "paid_at": None},
            {"created_at": "2026-10-31 10:00", "paid_at": "2026-10-31 10:02"},
        ]
    )
    result = unpaid_orders(frame, shipping, AS_OF, 1.5)
    assert listed_ids(result) == ["O1"]
    assert result.after_hours == 1.5
