"""Chat KPIs on hand-computed cases (the issue's "Done when" list, each a named test)."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pandas as pd
import pytest

from csops.rules.base import ServiceHours

from .chatcases import kpis, roster, row

M = "小美"  # nickname of 1001's account 星辰家居旗舰店:小美
J = "星辰家居旗舰店:阿杰"  # 1002


def test_wait_of_several_buyer_messages_is_timed_from_the_first() -> None:
    result = kpis(
        [
            (M, "b", "2026-10-03 10:00:00", "买家"),
            (M, "b", "2026-10-03 10:00:20", "买家"),
            (M, "b", "2026-10-03 10:00:50", "买家"),
            (M, "b", "2026-10-03 10:01:10", "客服"),  # answers the wait: 70 s
            (M, "b", "2026-10-03 10:01:15", "客服"),
            (M, "b", "2026-10-03 10:05:00", "买家"),
            (M, "b", "2026-10-03 10:05:25", "客服"),  # 25 s
        ]
    )
    r = row(result, "1001")
    assert (r["waits"], r["answered_waits"]) == (2, 2)
    assert r["first_response_s"] == 70.0
    assert r["avg_response_s"] == 47.5
    assert (r["replies_within_30s"], r["unanswered_10min"]) == (1, 0)
    assert (r["buyer_messages"], r["staff_messages"]) == (4, 3)
    assert r["conversations"] == 1
    assert (r["reply_rate"], r["answer_ratio"]) == (1.0, 0.75)
    worst = result.worst_waits(int(r["key"]), 5)
    assert worst["response_s"].tolist() == [70.0, 25.0]
    assert worst["wait_messages"].tolist() == [3, 1]
    assert worst["start_row"].tolist() == [2, 7]
    assert worst["reply_row"].tolist() == [5, 8]
    assert worst["start_file"].tolist() == ["聊天记录.csv"] * 2


def test_conversation_never_answered() -> None:
    result = kpis(
        [
            (M, "b1", "2026-10-05 14:00:00", "买家"),
            (M, "b1", "2026-10-05 14:00:30", "买家"),
            (M, "b2", "2026-10-05 15:00:00", "买家"),
            (M, "b2", "2026-10-05 15:00:10", "客服"),
        ]
    )
    r = row(result, "1001")
    assert (r["conversations"], r["waits"], r["answered_waits"]) == (2, 2, 1)
    assert r["unanswered_10min"] == 1  # never answered counts as unanswered in 10 min
    assert r["first_response_s"] == 10.0  # the unanswered one has no first response
    assert r["avg_response_s"] == 10.0
    assert r["reply_rate"] == 0.5
    assert r["answer_ratio"] == pytest.approx(1 / 3)
    worst = result.worst_waits(int(r["key"]), 5)
    assert worst["buyer"].tolist() == ["b1", "b2"]  # never answered comes first
    assert worst["reply_at"].isna().tolist() == [True, False]
    assert worst["reply_row"].isna().tolist() == [True, False]
    assert worst["wait_messages"].tolist() == [2, 1]


def test_message_at_0200_answered_at_0805_is_300_s() -> None:
    result = kpis(
        [(M, "b", "2026-10-07 02:00:00", "买家"), (M, "b", "2026-10-07 08:05:00", "客服")]
    )
    r = row(result, "1001")
    assert (r["first_response_s"], r["avg_response_s"]) == (300.0, 300.0)
    assert (r["replies_within_30s"], r["unanswered_10min"]) == (0, 0)
    worst = result.worst_waits(int(r["key"]), 1)
    assert worst["clock_start"].tolist() == [pd.Timestamp("2026-10-07 08:00:00")]
    assert worst["wait_start"].tolist() == [pd.Timestamp("2026-10-07 02:00:00")]


def test_message_at_2330_answered_at_0801_next_day_is_60_s() -> None:
    result = kpis(
        [(M, "b", "2026-10-07 23:30:00", "买家"), (M, "b", "2026-10-08 08:01:00", "客服")]
    )
    r = row(result, "1001")
    assert r["first_response_s"] == 60.0
    assert r["waits"] == 1
    # Two conversations (one per day): the 7th has the question, the 8th the answer, so the
    # 7th counts as not replied that day (回复率 is per day, as on 生意参谋).
    assert (r["conversations"], r["reply_rate"]) == (2, 0.0)


def test_reply_before_opening_is_a_0_s_wait() -> None:
    result = kpis(
        [(M, "b", "2026-10-07 23:30:00", "买家"), (M, "b", "2026-10-08 00:10:00", "客服")]
    )
    r = row(result, "1001")
    assert (r["first_response_s"], r["replies_within_30s"]) == (0.0, 1)


def test_conversation_crossing_midnight() -> None:
    result = kpis(
        [
            (M, "b", "2026-10-09 22:58:00", "买家"),
            (M, "b", "2026-10-09 22:59:00", "客服"),  # 60 s
            (M, "b", "2026-10-09 23:50:00", "买家"),  # after closing: clock from 08:00 on the 10th
            (M, "b", "2026-10-10 00:05:00", "买家"),  # same wait, though a new day
            (M, "b", "2026-10-10 00:06:00", "客服"),  # before opening: 0 s
            (M, "b", "2026-10-10 09:00:00", "买家"),
            (M, "b", "2026-10-10 09:00:40", "客服"),  # 40 s
        ]
    )
    r = row(result, "1001")
    assert (r["conversations"], r["waits"], r["answered_waits"]) == (2, 3, 3)
    # First waits: the 9th's (60 s) and the first wait that *started* on the 10th (40 s).
    assert r["first_response_s"] == 50.0
    assert r["avg_response_s"] == pytest.approx(100 / 3)
    assert (r["replies_within_30s"], r["unanswered_10min"], r["reply_rate"]) == (1, 0, 1.0)
    assert (r["buyer_messages"], r["staff_messages"]) == (4, 3)
    worst = result.worst_waits(int(r["key"]), 3)
    assert worst["wait_messages"].tolist() == [1, 1, 2]
    assert worst["wait_start"].iloc[2] == pd.Timestamp("2026-10-09 23:50:00")


def test_wait_crossing_midnight_keeps_running_when_service_runs_to_midnight() -> None:
    result = kpis(
        [(M, "b", "2026-10-09 23:50:00", "买家"), (M, "b", "2026-10-10 00:06:00", "客服")],
        hours=ServiceHours(open=time(8, 0), close=time(0, 0)),
    )
    r = row(result, "1001")
    assert (r["first_response_s"], r["unanswered_10min"]) == (960.0, 1)


def test_buyer_chatting_with_two_staff() -> None:
    chats = [
        (M, "b", "2026-10-12 10:00:00", "买家"),
        (M, "b", "2026-10-12 10:00:10", "客服"),
        (J, "b", "2026-10-12 10:30:00", "买家"),
        (J, "b", "2026-10-12 10:30:20", "客服"),
    ]
    result = kpis(chats, orders=[("o1", "b", "2026-10-12 11:00:00", 20000)])
    mei, jie = row(result, "1001"), row(result, "1002")
    # Two streams: each staff member's wait is their own.
    assert (mei["first_response_s"], jie["first_response_s"]) == (10.0, 20.0)
    for r in (mei, jie):
        assert (r["inquiries"], r["paid_buyers"], r["conversion_rate"]) == (1, 1, 1.0)
        assert r["paid_amount"] == Decimal("200.00")
    total = result.total
    assert (total["inquiries"], total["paid_buyers"]) == (1, 1)  # the buyer counted once
    assert total["paid_amount"] == Decimal("200.00")  # the order counted once
    assert (total["conversations"], total["waits"]) == (2, 2)

    # Paid between the two chats: 阿杰's chat came after a payment, so it is no inquiry.
    result = kpis(chats, orders=[("o1", "b", "2026-10-12 10:15:00", 20000)])
    mei, jie = row(result, "1001"), row(result, "1002")
    assert (mei["inquiries"], mei["paid_buyers"]) == (1, 1)
    assert (jie["inquiries"], jie["paid_buyers"], jie["conversion_rate"]) == (0, 0, None)
    assert jie["paid_amount"] == Decimal("0.00") and jie["avg_order_value"] is None


def test_payment_before_vs_after_the_chat() -> None:
    chats = [(M, b, "2026-10-14 10:00:00", "买家") for b in ("p1", "p2", "p3", "p4")]
    orders = [
        ("o1", "p1", "2026-10-14 09:00:00", 9900),  # before the chat only: no inquiry
        ("o2", "p2", "2026-10-14 18:00:00", 10000),  # after the chat, same day
        ("o3", "p3", "2026-10-14 09:00:00", 9900),  # before …
        ("o4", "p3", "2026-10-14 12:00:00", 5001),  # … and again after: an inquiry
        ("o5", "p4", "2026-10-15 09:00:00", 7000),  # the next day
        ("o6", "p2", None, 30000),  # never paid
    ]
    result = kpis(chats, orders=orders)
    r = row(result, "1001")
    assert (r["inquiries"], r["paid_buyers"], r["next_day_paid_buyers"]) == (3, 2, 3)
    assert r["conversion_rate"] == pytest.approx(2 / 3)
    assert r["next_day_conversion_rate"] == 1.0
    assert r["paid_amount"] == Decimal("150.01")  # o2 + o4; o3 was paid before the chat
    assert r["avg_order_value"] == Decimal("75.01")  # 75.005 rounded half up, once


def test_avg_order_value_uses_the_rounding_rule() -> None:
    from csops.domain.chatlog import normalize_messages
    from csops.domain.chats import chat_kpis
    from csops.rules.chats import ChatRules

    from .chatcases import OCTOBER, WORDS, chat_frame, order_frame

    chats = chat_frame([(M, b, "2026-10-14 10:00:00", "买家") for b in ("p2", "p3")])
    orders = order_frame(
        [("o2", "p2", "2026-10-14 18:00:00", 10000), ("o4", "p3", "2026-10-14 12:00:00", 5001)]
    )
    staff = roster()
    messages = normalize_messages(chats, staff, WORDS)
    result = chat_kpis(
        messages, orders, staff, OCTOBER, ChatRules(), ServiceHours(), rounding="half_even"
    )
    assert row(result, "1001")["avg_order_value"] == Decimal("75.00")


def test_21_day_rule() -> None:
    chats = [(M, b, "2026-10-25 10:00:00", "买家") for b in ("q1", "q2")]
    orders = [
        ("o1", "q1", "2026-10-04 10:00:00", 1000),  # exactly 21 days before: within them
        ("o2", "q2", "2026-10-04 09:59:59", 1000),  # 21 days and 1 s before: outside
    ]
    r = row(kpis(chats, orders=orders), "1001")
    assert (r["inquiries"], r["paid_buyers"]) == (1, 0)
    # The limit is a rule value.
    r = row(kpis(chats, orders=orders, inquiry_lookback_days=30), "1001")
    assert r["inquiries"] == 0
    r = row(kpis(chats, orders=orders, inquiry_lookback_days=7), "1001")
    assert r["inquiries"] == 2


def test_inquiry_needs_a_buyer_message_and_counts_each_buyer_once_a_month() -> None:
    chats = [
        (M, "b", "2026-10-03 10:00:00", "买家"),
        (M, "b", "2026-10-04 10:00:00", "买家"),  # same buyer another day: still one
        (M, "c", "2026-10-03 10:00:00", "客服"),  # the staff wrote first (催付): no inquiry
    ]
    r = row(kpis(chats, orders=[("o1", "c", "2026-10-03 11:00:00", 500)]), "1001")
    assert (r["inquiries"], r["paid_buyers"]) == (1, 0)
    assert r["conversations"] == 3


def test_replies_within_30s_and_unanswered_10min_limits() -> None:
    chats = [
        (M, "a", "2026-10-03 10:00:00", "买家"),
        (M, "a", "2026-10-03 10:00:30", "客服"),  # 30 s: within 30 s
        (M, "b", "2026-10-03 10:00:00", "买家"),
        (M, "b", "2026-10-03 10:00:31", "客服"),  # 31 s
        (M, "c", "2026-10-03 10:00:00", "买家"),
        (M, "c", "2026-10-03 10:10:00", "客服"),  # 600 s: answered within 10 min
        (M, "d", "2026-10-03 10:00:00", "买家"),
        (M, "d", "2026-10-03 10:10:01", "客服"),  # 601 s: not
    ]
    r = row(kpis(chats), "1001")
    assert (r["replies_within_30s"], r["unanswered_10min"]) == (1, 1)
    r = row(kpis(chats, fast_reply_s=31, unanswered_s=30), "1001")
    assert (r["replies_within_30s"], r["unanswered_10min"]) == (2, 3)


def test_a_reply_after_a_long_silence_answers_nothing() -> None:
    chats = [
        (M, "b", "2026-10-03 10:00:00", "买家"),
        (M, "b", "2026-10-05 10:00:00", "客服"),  # 48 h of silence: a new start
        (M, "c", "2026-10-03 10:00:00", "买家"),
        (M, "c", "2026-10-06 09:00:00", "买家"),  # the buyer comes back: a new wait
        (M, "c", "2026-10-06 09:00:20", "客服"),
    ]
    r = row(kpis(chats), "1001")
    assert (r["waits"], r["answered_waits"], r["unanswered_10min"]) == (3, 1, 2)
    assert r["avg_response_s"] == 20.0
    r = row(kpis(chats, session_gap_h=None), "1001")  # waits never expire
    assert (r["waits"], r["answered_waits"]) == (2, 2)
    assert r["avg_response_s"] == (172800 + 255620) / 2


def test_month_boundaries() -> None:
    chats = [
        (M, "b", "2026-09-30 22:50:00", "买家"),  # a September wait
        (M, "b", "2026-10-01 00:00:30", "客服"),
        (M, "b", "2026-10-31 22:59:50", "买家"),  # an October wait, answered in November
        (M, "b", "2026-11-01 00:00:10", "客服"),
        (M, "b", "2026-11-01 09:00:00", "买家"),
    ]
    r = row(kpis(chats), "1001")
    assert (r["waits"], r["avg_response_s"]) == (1, 3620.0)  # 22:59:50 → 00:00:10
    assert (r["buyer_messages"], r["staff_messages"]) == (1, 1)
    assert (r["conversations"], r["reply_rate"]) == (2, 0.0)


def test_satisfaction_rate_only_where_ratings_exist() -> None:
    chats = [
        (M, "b1", "2026-10-03 10:00:00", "买家"),
        (M, "b1", "2026-10-03 10:00:10", "客服"),
        (M, "b2", "2026-10-03 11:00:00", "买家"),
        (M, "b3", "2026-10-03 12:00:00", "买家"),
        (M, "b3", "2026-10-03 12:00:10", "买家"),
        (J, "b4", "2026-10-03 12:00:00", "买家"),
    ]
    ratings = [None, "满意", " 很不满意 ", "不满意", "很满意", ""]
    result = kpis(chats, rating=ratings)
    # b3 re-rated: the last rating of a conversation counts. 很不满意 is not 满意.
    assert row(result, "1001")["satisfaction_rate"] == pytest.approx(2 / 3)
    assert row(result, "1001")["ratings"] == 3
    assert row(result, "1002")["satisfaction_rate"] is None  # no rating: null, never 0
    assert result.total["satisfaction_rate"] == pytest.approx(2 / 3)
    no_column = kpis(chats)
    assert row(no_column, "1001")["satisfaction_rate"] is None
    assert no_column.total["satisfaction_rate"] is None
    custom = kpis(chats, rating=ratings, satisfied_ratings=["很满意"])
    assert row(custom, "1001")["satisfaction_rate"] == pytest.approx(1 / 3)


def test_account_on_no_roster_row_is_reported_and_kept_under_its_name() -> None:
    result = kpis(
        [
            ("临时号", "b", "2026-10-03 10:00:00", "买家"),
            ("临时号", "b", "2026-10-03 10:00:05", "客服"),
            (M, "c", "2026-10-03 10:00:00", "买家"),
        ]
    )
    r = row(result, "临时号")
    assert (r["staff_id"], r["name"], r["account"]) == (None, "临时号", "临时号")
    assert (r["conversations"], r["first_response_s"]) == (1, 5.0)
    assert result.notes == [
        "chat account 临时号 is on no roster row: its 2 messages of the month are kept under "
        "the account name; add it to the roster's 旺旺子账号 column",
        "no orders export: inquiries, conversion and paid amount are not computed; add the "
        "orders of the month and the 21 days before it",
    ]
    assert result.total["conversations"] == 2
    assert row(result, "1001")["inquiries"] is None


def test_staff_rows_roster_staff_with_an_account_even_without_chats() -> None:
    staff = roster(("1003", "老周", None), ("1004", "阿花", "星辰家居旗舰店:阿花"))
    result = kpis([(M, "b", "2026-10-03 10:00:00", "买家")], staff=staff)
    assert result.staff["staff_id"].tolist() == ["1001", "1002", "1004"]
    quiet = row(result, "1004")
    assert (quiet["conversations"], quiet["waits"], quiet["unanswered_10min"]) == (0, 0, 0)
    assert quiet["reply_rate"] is None and quiet["first_response_s"] is None


def test_orders_that_start_late_are_noted() -> None:
    result = kpis(
        [(M, "b", "2026-10-03 10:00:00", "买家")],
        orders=[("o1", "x", "2026-10-01 00:00:05", 100)],
    )
    assert result.notes == [
        "orders start at 2026-10-01 00:00: payments before it are unseen, so chats before "
        "2026-10-22 may count buyers who paid within 21 days as inquiries; export orders from "
        "2026-09-10"
    ]


def test_empty_chat_log() -> None:
    result = kpis([], orders=[])
    assert row(result, "1001")["conversations"] == 0
    assert result.total["inquiries"] == 0 and result.total["reply_rate"] is None


def test_the_notes_keep_their_order_unknown_account_then_late_orders() -> None:
    log = [
        ("临时号", "b", "2026-10-03 10:00:00", "买家"),
        (M, "b", "2026-10-03 10:00:00", "买家"),
        (M, "b", "2026-10-03 10:00:09", "客服"),
        (J, "c", "2026-10-04 11:00:00", "买家"),
    ]
    orders = [("o1", "b", "2026-10-03 12:00:00", 500), ("o2", "c", "2026-10-05 09:00:00", 700)]
    alone = kpis(log, orders=orders)
    assert len(alone.notes) == 2
    assert alone.notes[0].startswith("chat account 临时号") and "orders start" in alone.notes[1]
    assert row(alone, "1001")["paid_amount"] == Decimal("5.00")


def test_all_waits_are_by_staff_row_then_start() -> None:
    from csops.report.chats import all_waits

    result = kpis(
        [
            (J, "z", "2026-10-03 09:00:00", "买家"),
            (M, "b", "2026-10-03 10:00:00", "买家"),
            (J, "a", "2026-10-03 08:00:00", "买家"),
            (M, "b", "2026-10-03 10:00:09", "客服"),
            (M, "b", "2026-10-03 11:00:00", "买家"),
            (J, "z", "2026-10-03 09:30:00", "客服"),
            (J, "z", "2026-10-03 09:40:00", "买家"),
        ]
    )
    waits = result.waits
    assert waits["start"].is_monotonic_increasing  # what the stable sort relies on
    rows = all_waits(result.wait_log, mask=False)
    assert rows["staff"].astype(str).tolist() == ["1001 小美"] * 2 + ["1002 阿杰"] * 3
    assert rows["start_row"].tolist() == [3, 6, 2, 8, 4]


@pytest.mark.parametrize("unit", ["s", "ms", "ns"])
def test_the_kpis_do_not_depend_on_the_unit_of_the_chat_times(unit: str) -> None:
    """The chat KPIs work in the time column's own unit (no copy of 10M times): a log in
    seconds, milliseconds or nanoseconds gives what the same log in microseconds gives."""
    from csops.domain.chatlog import normalize_messages
    from csops.domain.chats import chat_kpis
    from csops.rules.chats import ChatRules

    from .chatcases import OCTOBER, WORDS, chat_frame, order_frame

    log = [
        (M, "b", "2026-09-30 23:59:50", "买家"),  # before the month
        (M, "b", "2026-10-01 00:00:20", "客服"),
        (M, "c", "2026-10-03 23:30:00", "买家"),  # after closing: clock starts at 08:00
        (M, "c", "2026-10-04 08:01:00", "客服"),
        (J, "d", "2026-10-05 10:00:00", "买家"),
        (J, "d", "2026-10-05 10:00:07", "客服"),
        (J, "d", "2026-10-05 10:20:00", "买家"),  # never answered
    ]
    orders = order_frame([("o1", "d", "2026-10-05 12:00:00", 900)])
    staff = roster()

    def run(time_unit: str) -> tuple[pd.DataFrame, dict[str, object], pd.DataFrame]:
        frame = chat_frame(log)
        frame["time"] = frame["time"].astype(f"datetime64[{time_unit}]")
        messages = normalize_messages(frame, staff, WORDS)
        result = chat_kpis(messages, orders, staff, OCTOBER, ChatRules(), ServiceHours())
        waits = result.waits.assign(clock_start=result.waits["clock_start"].astype("M8[ns]"))
        return result.staff, result.total, waits

    staff_us, total_us, waits_us = run("us")
    staff_other, total_other, waits_other = run(unit)
    pd.testing.assert_frame_equal(staff_other, staff_us)
    assert total_other == total_us
    pd.testing.assert_frame_equal(waits_other, waits_us)
    # The wait of September is not the month's; 23:30 waits from 08:00; one never ends.
    assert list(waits_us["response_s"].fillna(-1)) == [60.0, 7.0, -1.0]
    assert total_us["paid_amount"] == Decimal("9.00")
