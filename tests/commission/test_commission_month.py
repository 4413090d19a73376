"""Which orders count (month edges, unpaid, refunds) and how they are credited."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from csops.domain.commission import compute_commission, select_orders
from csops.domain.period import Month
from csops.errors import InputError
from csops.report.documents import commission_document, commission_explain_document
from csops.rules import RuleSet
from csops.rules.commission import CommissionRules

from .commission_frames import chats, incidents, order, orders, roster, with_rules

OCT = Month(2026, 10)


def staff_row(result: object, staff_id: str) -> dict[str, object]:
    frame = result.staff  # type: ignore[attr-defined]
    return frame[frame["staff_id"] == staff_id].iloc[0].to_dict()


# ---------------------------------------------------------------- which orders count


def test_month_edges_unpaid_and_closed(rules: RuleSet) -> None:
    frame = orders(
        [
            {"order_id": "A", "paid": "10", "paid_at": "2026-10-31 23:59:59", "memo": "1001"},
            {"order_id": "B", "paid": "20", "paid_at": "2026-11-01 00:00:00", "memo": "1001"},
            {"order_id": "C", "paid": "40", "paid_at": "2026-10-01 00:00:00", "memo": "1001"},
            {"order_id": "D", "paid": "80", "paid_at": "2026-09-30 23:59:59", "memo": "1001"},
            {"order_id": "E", "paid": "0", "memo": "1001", "status": "等待买家付款"},
            {"order_id": "F", "paid": "160", "memo": "1001", "status": "交易关闭"},
        ]
    )
    sel = select_orders(frame, rules.get(CommissionRules), OCT)
    assert sel.orders["order_id"].tolist() == ["A", "C"]
    assert (sel.unpaid, sel.closed_before_payment, sel.other_months) == (2, 1, 2)
    result = compute_commission(frame, roster(), OCT, rules)
    row = staff_row(result, "1001")
    assert (row["orders"], row["net_sales"]) == (2, Decimal("50.00"))
    assert "no_incidents" in result.notes


def test_confirmation_time_may_place_the_month(rules: RuleSet) -> None:
    frame = orders(
        [
            {"order_id": "A", "paid": "10", "paid_at": "2026-09-28 10:00:00",
             "confirmed_at": "2026-10-02 10:00:00", "memo": "1001"},
            {"order_id": "B", "paid": "20", "paid_at": "2026-10-28 10:00:00",
             "confirmed_at": "2026-11-02 10:00:00", "memo": "1001"},
            {"order_id": "C", "paid": "40", "paid_at": "2026-10-05 10:00:00", "memo": "1001"},
            {"order_id": "D", "paid": "80", "confirmed_at": "2026-10-05 10:00:00", "memo": "1001"},
        ]
    )  # fmt: skip
    by_confirmation = with_rules(rules, month_by="confirmed_at")
    sel = select_orders(frame, by_confirmation.get(CommissionRules), OCT)
    # D has no payment time: unpaid, whatever its confirmation says.
    assert sel.orders["order_id"].tolist() == ["A"]
    assert select_orders(frame, rules.get(CommissionRules), OCT).orders["order_id"].tolist() == [
        "B",
        "C",
    ]


def test_refunds_net_and_full_refund(rules: RuleSet) -> None:
    frame = orders(
        [
            order("A", "128.50", "2026-10-03 14:05:00", "1001", refund="28.50"),
            order("B", "99.90", "2026-10-04 10:00:00", "1001", refund="99.90"),
            order("C", "0.10", "2026-10-05 10:00:00", "1001", refund=None),
        ]
    )
    result = compute_commission(frame, roster(), OCT, rules)
    row = staff_row(result, "1001")
    assert row["orders"] == 3  # the fully refunded order is credited, for 0
    assert (row["sales"], row["refunds"], row["net_sales"]) == (
        Decimal("228.50"),
        Decimal("128.40"),
        Decimal("100.10"),
    )
    assert row["commission"] == Decimal("0.50")  # 100.10 × 0.005 = 0.5005
    assert result.orders.set_index("order_id")["net_fen"].to_dict() == {
        "A": 10000,
        "B": 0,
        "C": 10,
    }


def test_refund_larger_than_payment_is_a_row_error(rules: RuleSet) -> None:
    frame = orders(
        [
            {"order_id": "A", "paid": "10", "paid_at": "2026-10-03 14:05:00", "memo": "1001"},
            {"order_id": "4012345678901234567", "paid": "100", "refund": "200",
             "paid_at": "2026-10-04 10:00:00", "memo": "1001"},
        ]
    )  # fmt: skip
    with pytest.raises(InputError) as caught:
        compute_commission(frame, roster(), OCT, rules)
    assert caught.value.message == (
        "orders.csv: column 退款金额: 1 orders have a refund larger than the payment "
        "(rows 3: 'order 4012345678901234567: refunded 200.00 of 100.00') — expected a refund "
        "no larger than the paid amount; correct the export row"
    )


def test_paid_order_without_amount_is_a_row_error(rules: RuleSet) -> None:
    frame = orders([{"order_id": "A", "paid": None, "paid_at": "2026-10-03 14:05:00"}])
    with pytest.raises(InputError, match=r"orders.csv: column 买家实际支付金额: 1 paid orders"):
        compute_commission(frame, roster(), OCT, rules)


def test_no_refund_column_counts_refunds_as_zero(rules: RuleSet) -> None:
    frame = orders(
        [{"order_id": "A", "paid": "10", "paid_at": "2026-10-03 14:05:00", "memo": "1001"}]
    )
    result = compute_commission(frame.drop(columns="refund_amount_fen"), roster(), OCT, rules)
    assert staff_row(result, "1001")["net_sales"] == Decimal("10.00")
    assert "refunds" in result.notes


# ---------------------------------------------------------------- memo attribution


MEMO_CASES = [
    ("1001", "1001", "memo"),
    ("客服1001 赠品袜子", "1001", "memo"),
    ("1002/已核对", "1002", "memo"),
    ("10015", None, "none"),  # 1001 inside a longer number
    ("订单4012345678901234567", None, "none"),
    ("客服:小美", "1003", "memo"),  # roster nickname
    ("1001 1002", None, "conflict"),
    ("1001 小美", None, "conflict"),
    ("1099 加急", None, "none"),  # unknown ID
    ("1099 1002", "1002", "memo"),
    (None, None, "none"),
]


def test_memo_cases(rules: RuleSet) -> None:
    frame = orders(
        [
            {"order_id": f"O{i}", "paid": "100", "paid_at": "2026-10-10 10:00:00", "memo": memo}
            for i, (memo, _, _) in enumerate(MEMO_CASES)
        ]
    )
    result = compute_commission(frame, roster(), OCT, rules)
    got = result.orders.set_index("order_id")
    for i, (memo, staff, how) in enumerate(MEMO_CASES):
        row = got.loc[f"O{i}"]
        assert (None if pd.isna(row["staff_id"]) else row["staff_id"], row["how"]) == (
            staff,
            how,
        ), memo
    doc = commission_document(result)
    assert doc["conflicts"] == [
        {"order_id": "O6", "candidates": ["1001", "1002"]},
        {"order_id": "O7", "candidates": ["1001", "1003"]},
    ]
    assert doc["unknown_ids"] == [
        {"order_id": "O8", "token": "1099"},
        {"order_id": "O9", "token": "1099"},
    ]
    # Unattributed: no memo credit at all, conflicts included (nobody is paid for them).
    assert doc["unattributed"] == {"orders": 6, "net_sales": "600.00"}
    assert [(s["staff_id"], s["orders"]) for s in doc["staff"]] == [
        ("1001", 2),
        ("1002", 2),
        ("1003", 1),
    ]


def test_conflict_split_is_exact_with_leftover_fen_first(rules: RuleSet) -> None:
    split = with_rules(rules, attribution={"conflicts": "split"})
    frame = orders(
        [
            order("A", "100.01", "2026-10-10 10:00:00", "1002 1001"),
            order("B", "0.03", "2026-10-11 10:00:00", "1001 1002 小美", refund="0.02"),
        ]
    )
    result = compute_commission(frame, roster(), OCT, split)
    shares = result.orders[["order_id", "staff_id", "paid_fen", "refund_fen", "net_fen", "how"]]
    assert shares.values.tolist() == [
        ["A", "1002", 5001, 0, 5001, "memo_split"],  # the leftover fen to the first named
        ["A", "1001", 5000, 0, 5000, "memo_split"],
        ["B", "1001", 1, 1, 0, "memo_split"],
        ["B", "1002", 1, 1, 0, "memo_split"],
        ["B", "1003", 1, 0, 1, "memo_split"],
    ]
    assert shares.groupby("order_id")["net_fen"].sum().to_dict() == {"A": 10001, "B": 1}
    doc = commission_document(result)
    assert doc["unattributed"] == {"orders": 0, "net_sales": "0.00"}
    # Still listed, so the memo gets fixed.
    assert [c["order_id"] for c in doc["conflicts"]] == ["A", "B"]
    assert [(s["staff_id"], s["orders"], s["net_sales"]) for s in doc["staff"]] == [
        ("1001", 2, "50.00"),
        ("1002", 2, "50.01"),
        ("1003", 1, "0.01"),
    ]


def test_red_flag_requirement(rules: RuleSet) -> None:
    red = with_rules(rules, attribution={"require_flag": [1]})
    rows = [
        order("A", "10", "2026-10-10 10:00:00", "1001", flag=1),
        order("B", "20", "2026-10-10 11:00:00", "1001", flag=0),
        order("C", "40", "2026-10-10 12:00:00", "1001", flag=None),
    ]
    result = compute_commission(orders(rows), roster(), OCT, red)
    assert result.orders["how"].tolist() == ["memo", "no_flag", "no_flag"]
    assert staff_row(result, "1001")["net_sales"] == Decimal("10.00")
    # An export without a 旗帜 column: the requirement cannot be checked, memos count.
    result = compute_commission(orders(rows).drop(columns="flag"), roster(), OCT, red)
    assert staff_row(result, "1001")["net_sales"] == Decimal("70.00")
    assert "flag" in result.notes


def test_commission_is_rounded_once_per_staff_not_per_order(rules: RuleSet) -> None:
    frame = orders(
        [
            {"order_id": "A", "paid": "1.00", "paid_at": "2026-10-10 10:00:00", "memo": "1001"},
            {"order_id": "B", "paid": "1.00", "paid_at": "2026-10-10 11:00:00", "memo": "1001"},
        ]
    )
    # 2.00 × 0.005 = 0.01; rounding each order (0.005 → 0.01) would pay 0.02.
    result = compute_commission(frame, roster(), OCT, rules)
    assert staff_row(result, "1001")["commission"] == Decimal("0.01")


def test_every_net_fen_is_either_credited_or_unattributed(rules: RuleSet) -> None:
    rows = [
        {"order_id": f"O{i}", "paid": f"{i}.{i:02d}", "refund": f"0.{i:02d}",
         "paid_at": f"2026-10-{i % 28 + 1:02d} 10:00:00", "memo": memo}
        for i, memo in enumerate(["1001", "1002 1003", "x", "小美", "1001 1002", None] * 5, start=1)
    ]  # fmt: skip
    total = sum(round(float(r["paid"]) * 100) - round(float(r["refund"]) * 100) for r in rows)
    for conflicts in ("skip", "split"):
        result = compute_commission(
            orders(rows), roster(), OCT, with_rules(rules, attribution={"conflicts": conflicts})
        )
        credited = int(result.staff["net_fen"].sum())
        unattributed = int(result.unattributed["net_fen"].sum())
        assert credited + unattributed == total


# ---------------------------------------------------------------- chat attribution


CHAT_LOG = [
    # account, buyer, time, direction
    ("星辰家居旗舰店:阿伟", "tb小鱼88", "2026-10-10 09:00:00", "客服"),
    ("星辰家居旗舰店:阿杰", "tb小鱼88", "2026-10-10 10:59:00", "客服"),
    ("星辰家居旗舰店:小美", "tb小鱼88", "2026-10-10 11:00:00", "买家"),  # the buyer writing
    ("星辰家居旗舰店:小美", "tb小鱼88", "2026-10-10 11:30:00", "客服"),  # after payment
    ("星辰家居旗舰店:小美", "星星不眨眼", "2026-10-09 09:59:59", "客服"),  # 24 h + 1 s before
    ("星辰家居旗舰店:阿杰", "星星不眨眼", "2026-10-10 10:00:00", "客服"),  # at payment
    ("陌生人账号", "tb_user_01", "2026-10-10 09:00:00", "客服"),  # not on the roster
]


def chat_orders() -> pd.DataFrame:
    return orders(
        [
            order("A", "100", "2026-10-10 11:00:00", None, buyer="tb小鱼88"),
            order("B", "200", "2026-10-10 10:00:00", "1003", buyer="星星不眨眼"),
            order("C", "400", "2026-10-10 10:00:00", None, buyer="tb_user_01"),
            order("D", "800", "2026-10-12 11:00:00", "1001 1002", buyer="tb小鱼88"),
        ]
    )


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (
            "last_chat",
            {"A": ("1002", "last_chat", 3), "B": ("1002", "last_chat", 7),
             "C": (None, "none", None), "D": (None, "none", None)},
        ),
        (
            "first_chat",
            {"A": ("1001", "first_chat", 2), "B": ("1002", "first_chat", 7),
             "C": (None, "none", None), "D": (None, "none", None)},
        ),
        (
            "memo_then_last_chat",
            {"A": ("1002", "last_chat", 3), "B": ("1003", "memo", None),
             "C": (None, "none", None), "D": (None, "conflict", None)},
        ),
    ],
)  # fmt: skip
def test_chat_attribution(rules: RuleSet, mode: str, expected: dict[str, tuple]) -> None:
    chosen = with_rules(rules, attribution={"mode": mode, "chat_window_hours": 24})
    result = compute_commission(chat_orders(), roster(), OCT, chosen, chats=chats(CHAT_LOG))
    got = result.orders.set_index("order_id")
    for order_id, (staff, how, chat_row) in expected.items():
        row = got.loc[order_id]
        assert (
            None if pd.isna(row["staff_id"]) else row["staff_id"],
            row["how"],
            None if pd.isna(row["chat_row"]) else int(row["chat_row"]),
        ) == (staff, how, chat_row), order_id
    credited = got[got["how"].str.endswith("_chat")]
    assert set(credited["chat_file"]) == {"chats.csv"}


def test_chat_window_is_a_rule_value(rules: RuleSet) -> None:
    # A 1-hour window: 阿伟's message 2 h before payment no longer counts for first_chat.
    narrow = with_rules(rules, attribution={"mode": "first_chat", "chat_window_hours": 1})
    result = compute_commission(chat_orders(), roster(), OCT, narrow, chats=chats(CHAT_LOG))
    assert result.orders.set_index("order_id").loc["A", "staff_id"] == "1002"


def test_chat_mode_without_chat_log_is_a_usage_error(rules: RuleSet) -> None:
    chosen = with_rules(rules, attribution={"mode": "last_chat"})
    with pytest.raises(Exception, match="needs the chat log"):
        compute_commission(chat_orders(), roster(), OCT, chosen)


# ---------------------------------------------------------------- staff rows, awards, levels


def test_awards_column_and_total(rules: RuleSet) -> None:
    frame = orders(
        [{"order_id": "A", "paid": "50000", "paid_at": "2026-10-10 10:00:00", "memo": "1001"}]
    )
    sheet = incidents(
        [
            ("2026-10-07", "1001", "特别嘉奖", "200", "挽回大额退款"),
            ("2026-10-20", "1001", "嘉奖", "50.50", None),
            ("2026-09-30", "1001", "嘉奖", "1000", "上月"),
            ("2026-10-08", "1002", "态度投诉", None, None),
            ("2026-10-09", "1003", "嘉奖", "10", None),
        ]
    )
    result = compute_commission(frame, roster(), OCT, rules, incidents=sheet)
    row = staff_row(result, "1001")
    assert (row["commission"], row["awards"], row["total"]) == (
        Decimal("400.00"),
        Decimal("250.50"),
        Decimal("650.50"),
    )
    assert staff_row(result, "1003")["total"] == Decimal("10.00")
    assert "no_incidents" not in result.notes
    explained = commission_explain_document(result, "1001")
    assert [(a["amount"], a["file"], a["row"]) for a in explained["awards"]] == [
        ("200.00", "incidents.xlsx", 2),
        ("50.50", "incidents.xlsx", 3),
    ]
    assert [(o["order_id"], o["net"], o["file"], o["row"]) for o in explained["orders"]] == [
        ("A", "50000.00", "orders.csv", 2)
    ]


def test_award_without_amount_or_for_unknown_staff_is_an_error(rules: RuleSet) -> None:
    frame = orders([{"order_id": "A", "paid": "1", "paid_at": "2026-10-10 10:00:00"}])
    no_amount = incidents([("2026-10-07", "1001", "嘉奖", None, None)])
    with pytest.raises(InputError, match=r"incidents.xlsx: column 金额: 1 awards .* \(rows 2"):
        compute_commission(frame, roster(), OCT, rules, incidents=no_amount)
    stranger = incidents([("2026-10-07", "1999", "嘉奖", "100", None)])
    with pytest.raises(InputError, match="工号 not on the roster: 1999"):
        compute_commission(frame, roster(), OCT, rules, incidents=stranger)


def test_staff_rows_cover_the_active_roster(rules: RuleSet) -> None:
    staff = roster()
    staff.staff.loc[staff.staff["staff_id"] == "1002", "left_on"] = pd.Timestamp("2026-09-15")
    frame = orders(
        [{"order_id": "A", "paid": "1", "paid_at": "2026-10-10 10:00:00", "memo": "1003"}]
    )
    result = compute_commission(frame, staff, OCT, rules)
    # 1002 left in September and sold nothing in October: no row; 1001 active with 0.
    assert result.staff_ids() == ["1001", "1003"]
    assert staff_row(result, "1001")["commission"] == Decimal("0.00")


def test_level_multipliers(rules: RuleSet) -> None:
    levelled = with_rules(rules, level_multipliers={"warning": "0.5", "punishment": 0})
    frame = orders(
        [
            {"order_id": "A", "paid": "100000", "paid_at": "2026-10-10 10:00:00", "memo": "1001"},
            {"order_id": "B", "paid": "100000", "paid_at": "2026-10-10 10:00:00", "memo": "1002"},
            {"order_id": "C", "paid": "100000", "paid_at": "2026-10-10 10:00:00", "memo": "1003"},
        ]
    )
    levels = {"1001": "warning", "1002": "punishment", "1003": "ok"}
    result = compute_commission(frame, roster(), OCT, levelled, levels=levels)
    got = {r["staff_id"]: r["commission"] for r in commission_document(result)["staff"]}
    assert got == {"1001": "500.00", "1002": "0.00", "1003": "1000.00"}
    # Configured but no levels given: not applied, and said so.
    result = compute_commission(frame, roster(), OCT, levelled)
    assert staff_row(result, "1001")["commission"] == Decimal("1000.00")
    assert "levels" in result.notes
    # Levels given but no multipliers configured: nothing changes.
    result = compute_commission(frame, roster(), OCT, rules, levels=levels)
    assert staff_row(result, "1002")["commission"] == Decimal("1000.00")
