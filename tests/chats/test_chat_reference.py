"""The vectorised KPIs agree with a plain loop over messages on random chat logs.

The loop below follows the definitions in docs/chats.md message by message; hypothesis
draws logs around the September/October boundary, at night and across long silences.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from .chatcases import kpis, roster, row

BASE = datetime(2026, 9, 30)
ACCOUNTS = {"小美": "1001", "星辰家居旗舰店:阿杰": "1002", "临时号": "临时号"}
OPEN, CLOSE = timedelta(hours=8), timedelta(hours=23)
MONTH = (datetime(2026, 10, 1), datetime(2026, 11, 1))


def clock_start(t: datetime) -> datetime:
    day = datetime(t.year, t.month, t.day)
    if t - day < OPEN:
        return day + OPEN
    if t - day >= CLOSE:
        return day + timedelta(days=1) + OPEN
    return t


def reference(
    rows: list[tuple[str, str, datetime, bool]], orders: list[tuple[str, str, datetime, int]]
) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(float))
    convs: dict[tuple[str, str, Any], dict[str, Any]] = {}
    streams: dict[tuple[str, str], list[tuple[datetime, bool]]] = defaultdict(list)
    for account, buyer, t, from_buyer in rows:  # already in file order
        streams[(account, buyer)].append((t, from_buyer))
    waits = []  # (who, buyer, start, response or None)
    for (account, buyer), messages in streams.items():
        who = ACCOUNTS[account]
        messages.sort(key=lambda m: m[0])  # stable: same-second messages keep file order
        open_wait: datetime | None = None
        last: datetime | None = None
        for t, from_buyer in messages:
            if last is not None and t - last > timedelta(hours=24) and open_wait is not None:
                waits.append((who, buyer, open_wait, None))
                open_wait = None
            last = t
            if from_buyer and open_wait is None:
                open_wait = t
            elif not from_buyer and open_wait is not None:
                seconds = max((t - clock_start(open_wait)).total_seconds(), 0.0)
                waits.append((who, buyer, open_wait, seconds))
                open_wait = None
            if MONTH[0] <= t < MONTH[1]:
                conv = convs.setdefault(
                    (who, account + "\0" + buyer, t.date()),
                    {"buyer": buyer, "asked": None, "staff": False},
                )
                out[who]["buyer_messages" if from_buyer else "staff_messages"] += 1
                if from_buyer and conv["asked"] is None:
                    conv["asked"] = t
                conv["staff"] |= not from_buyer
        if open_wait is not None:
            waits.append((who, buyer, open_wait, None))
    first_waits: dict[tuple[str, str, Any], float | None] = {}
    for who, buyer, start, seconds in sorted(waits, key=lambda w: w[2]):
        if not MONTH[0] <= start < MONTH[1]:
            continue
        fig = out[who]
        fig["waits"] += 1
        fig["unanswered_10min"] += seconds is None or seconds > 600
        if seconds is not None:
            fig["answered_waits"] += 1
            fig["response_sum"] += seconds
            fig["replies_within_30s"] += seconds <= 30
        first_waits.setdefault((who, buyer, start.date()), seconds)
    for key, seconds in first_waits.items():
        if seconds is not None:
            out[key[0]]["first_sum"] += seconds
            out[key[0]]["first_n"] += 1
    paid_times = defaultdict(list)
    for order_id, buyer, paid, fen in orders:
        paid_times[buyer].append((paid, order_id, fen))
    inquiries, converted, next_day = defaultdict(set), defaultdict(set), defaultdict(set)
    credited: dict[str, dict[str, int]] = defaultdict(dict)
    for (who, _, day), conv in convs.items():
        out[who]["conversations"] += 1
        if conv["asked"] is None:
            continue
        out[who]["asked"] += 1
        out[who]["replied"] += conv["staff"]
        t = conv["asked"]
        end = datetime(day.year, day.month, day.day) + timedelta(days=1)
        mine = paid_times[conv["buyer"]]
        before = any(t - timedelta(days=21) <= p < t for p, _, _ in mine)
        after = [(o, f) for p, o, f in mine if t <= p < end]
        if before and not after:
            continue
        for slot in (who, "shop"):
            inquiries[slot].add(conv["buyer"])
            if after:
                converted[slot].add(conv["buyer"])
                credited[slot].update(after)
            if any(t <= p < end + timedelta(days=1) for p, _, _ in mine):
                next_day[slot].add(conv["buyer"])
    for slot in set(inquiries) | set(out):
        fig = out[slot]
        fig["inquiries"] = len(inquiries[slot])
        fig["paid_buyers"] = len(converted[slot])
        fig["next_day_paid_buyers"] = len(next_day[slot])
        fig["paid_fen"] = sum(credited[slot].values())
    return out


def moment(days: st.SearchStrategy[int]) -> st.SearchStrategy[datetime]:
    """Coarse times (few hours, minutes and seconds) so that ties and exact limits happen."""
    return st.builds(
        lambda d, h, m, s: BASE + timedelta(days=d, hours=h, minutes=m, seconds=s),
        days,
        st.sampled_from([2, 7, 8, 10, 22, 23]),
        st.integers(0, 3),
        st.sampled_from([0, 30, 40]),
    )


message = st.tuples(
    st.sampled_from(sorted(ACCOUNTS)),
    st.sampled_from(["b1", "b2", "b3"]),
    moment(st.integers(0, 3)),
    st.booleans(),
)
order = st.tuples(
    st.sampled_from(["b1", "b2", "b3", "b4"]),
    moment(st.sampled_from([-20, -19, -18, -1, 0, 1, 2, 3])),  # chat day - 21, …
    st.integers(1, 100_000),
)


_T = datetime(2026, 10, 2, 10, 0, 0)
_S = timedelta(seconds=1)


@settings(max_examples=200, deadline=None)
@given(st.lists(message, max_size=40), st.lists(order, max_size=12))
@example(  # the exact limits: a 30 s reply, a 600 s reply, a payment exactly 21 days before
    [("小美", "b1", _T, True), ("小美", "b1", _T + 30 * _S, False),
     ("小美", "b2", _T, True), ("小美", "b2", _T + 600 * _S, False)],
    [("b1", _T - timedelta(days=21), 100), ("b2", _T - timedelta(days=21) - _S, 100)],
)  # fmt: skip
def test_vectorised_kpis_match_a_loop_over_messages(
    rows: list[tuple[str, str, datetime, bool]], drawn: list[tuple[str, datetime, int]]
) -> None:
    orders = [(f"o{i}", b, t, fen) for i, (b, t, fen) in enumerate(drawn)]
    result = kpis(
        [(a, b, t.strftime("%Y-%m-%d %H:%M:%S"), "买家" if fb else "客服") for a, b, t, fb in rows],
        orders=[(o, b, t.strftime("%Y-%m-%d %H:%M:%S"), fen) for o, b, t, fen in orders],
        staff=roster(),
    )
    expected = reference(rows, orders)
    for who in ("1001", "1002", "临时号"):
        want = expected.get(who, defaultdict(float))
        if who == "临时号" and not want.get("conversations"):
            assert (result.staff["account"] == who).sum() == 0
            continue
        got = row(result, who)
        for name in (
            "conversations", "buyer_messages", "staff_messages", "waits", "answered_waits",
            "replies_within_30s", "unanswered_10min", "inquiries", "paid_buyers",
            "next_day_paid_buyers",
        ):  # fmt: skip
            assert got[name] == want.get(name, 0), (who, name)
        assert got["avg_response_s"] == _mean(want["response_sum"], want["answered_waits"])
        assert got["first_response_s"] == _mean(want["first_sum"], want["first_n"])
        assert got["reply_rate"] == _mean(want["replied"], want["asked"])
        assert got["paid_amount"] * 100 == want.get("paid_fen", 0)
    shop = expected["shop"]
    assert result.total["inquiries"] == shop.get("inquiries", 0)
    assert result.total["paid_buyers"] == shop.get("paid_buyers", 0)
    assert result.total["paid_amount"] * 100 == shop.get("paid_fen", 0)


def _mean(total: float, count: float) -> Any:
    return None if not count else pytest.approx(total / count)


def test_reference_agrees_on_a_fixed_case() -> None:
    """The loop itself, on the 02:00 → 08:05 case (so a broken reference cannot pass)."""
    t = pd.Timestamp
    got = reference(
        [("小美", "b", t("2026-10-07 02:00").to_pydatetime(), True),
         ("小美", "b", t("2026-10-07 08:05").to_pydatetime(), False)],
        [],
    )  # fmt: skip
    assert got["1001"]["response_sum"] == 300.0
