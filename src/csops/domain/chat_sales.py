"""询单 and conversion: each asked conversation's orders, credited to staff rows and the shop."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from csops.domain.chat_waits import DAY_S, NS
from csops.domain.chatlog import changes, positions_in
from csops.domain.period import Month
from csops.messages import Msg
from csops.rules.chats import ChatRules


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted: `np.unique` by a sort (numpy 2.4's hashing unique
    takes seconds where sorting takes a fraction of one on millions of int64)."""
    ordered = np.sort(values)
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def _pairs_count(keys: np.ndarray, items: np.ndarray, n_items: int, n_keys: int) -> np.ndarray:
    """Distinct items per key (e.g. distinct buyers per staff row)."""
    if not len(keys):
        return np.zeros(n_keys, dtype=np.int64)
    pairs = _distinct(keys.astype(np.int64) * n_items + items)
    return np.bincount(pairs // n_items, minlength=n_keys)


@dataclass
class _Conversations:
    conv_id: np.ndarray  # per message: its conversation
    account: np.ndarray  # per conversation: account code
    buyer: np.ndarray  # per conversation: buyer code
    day: np.ndarray  # per conversation: epoch day
    asked: np.ndarray  # per conversation: in the month and has a buyer message


@dataclass
class _Inquiries:
    """Per asked conversation (in the month, with a buyer message): whether it is an
    inquiry and converted (that day / by the next day), and the orders it converted
    (`first`, `stop`: a range of `order_fen`)."""

    account: np.ndarray  # account code
    buyer: np.ndarray  # buyer code
    inquiry: np.ndarray
    converted: np.ndarray
    converted_next: np.ndarray
    first: np.ndarray
    stop: np.ndarray
    order_fen: np.ndarray  # paid fen of the chatting buyers' orders, by buyer and time


def _inquiries(
    buyers: pd.Index,
    orders: pd.DataFrame,
    convs: _Conversations,
    t: np.ndarray,
    second: int,
    fb: np.ndarray,
    month: Month,
    rules: ChatRules,
    notes: list[str],
) -> _Inquiries:
    """询单 and conversion of every asked conversation: the part of the sales figures that
    knows nothing of staff rows, so it runs beside the wait figures."""
    lookback = rules.inquiry_lookback_days

    orders = orders[["buyer", "paid_at", "paid_amount_fen"]]  # not every column filtered
    paid = orders[orders["paid_at"].notna() & orders["buyer"].notna()]
    o_buy = positions_in(paid["buyer"], buyers)
    o_s = paid["paid_at"].to_numpy(dtype="datetime64[ns]").view(np.int64) // NS
    o_fen = paid["paid_amount_fen"].fillna(0).to_numpy(dtype=np.int64)
    if len(paid):
        first_paid = paid["paid_at"].min()
        needed = month.start - pd.Timedelta(days=lookback)
        if first_paid > needed:
            notes.append(
                Msg(
                    "chats.orders_start_late",
                    first=f"{first_paid:%Y-%m-%d %H:%M}",
                    until=f"{first_paid + pd.Timedelta(days=lookback):%Y-%m-%d}",
                    days=lookback,
                    since=f"{needed:%Y-%m-%d}",
                )
            )
    chatted = o_buy >= 0  # orders of buyers who never chatted play no part
    o_buy, o_s, o_fen = o_buy[chatted], o_s[chatted], o_fen[chatted]

    # The chat time of a conversation: its first buyer message.
    bpos = np.flatnonzero(fb)
    bconv = convs.conv_id[bpos]
    firstb = changes(bconv)
    chat_s = np.zeros(len(convs.account), dtype=np.int64)
    chat_s[bconv[firstb]] = t[bpos[firstb]] // second
    conv = np.flatnonzero(convs.asked)
    q_buy, q_s = convs.buyer[conv], chat_s[conv]
    q_day_end = (convs.day[conv] + 1) * DAY_S

    # One sorted int64 key per order: buyer code in the high bits, seconds (from a base
    # 21+ days before everything) in the low 32 bits; searchsorted then finds, for every
    # conversation at once, the buyer's orders before, on and after the chat.
    base = min((int(a.min()) for a in (q_s, o_s) if len(a)), default=0)
    base -= (lookback + 2) * DAY_S

    def key(b: np.ndarray, s: np.ndarray) -> np.ndarray:
        return (b << 32) | np.clip(s - base, 0, (1 << 32) - 1)

    # Orders of equal key (one buyer, one second) may come in any order: a range of keys
    # holds all of them or none, so sums and counts are the same (6× faster than lexsort).
    o_key = key(o_buy, o_s)
    order = np.argsort(o_key)
    o_key = o_key[order]
    # The conversations in key order: searchsorted then walks the orders once (a tenth of
    # the time of a million lookups in random order); the results go back in place.
    by_key = np.argsort(key(q_buy, q_s))
    k_buy, k_s, k_end = q_buy[by_key], q_s[by_key], q_day_end[by_key]

    def first_at_or_after(seconds: np.ndarray) -> np.ndarray:
        out = np.empty(len(by_key), dtype=np.int64)
        out[by_key] = np.searchsorted(o_key, key(k_buy, seconds), "left")
        return out

    i_lo = first_at_or_after(k_s - lookback * DAY_S)
    i_chat = first_at_or_after(k_s)
    i_end = first_at_or_after(k_end)
    i_next = first_at_or_after(k_end + DAY_S)
    inquiry = (i_chat == i_lo) | (i_end > i_chat)  # no payment before, or paid after
    return _Inquiries(
        account=convs.account[conv],
        buyer=q_buy,
        inquiry=inquiry,
        converted=inquiry & (i_end > i_chat),
        converted_next=inquiry & (i_next > i_chat),
        first=i_chat,
        stop=i_end,
        order_fen=o_fen[order],
    )


def _sales(q: _Inquiries, acc_key: np.ndarray, n_buyers: int, n_keys: int) -> dict[str, np.ndarray]:
    """询单人数, paid buyers (same day / next day) and their paid amount, per staff row.

    Arrays have one slot per staff row plus a last one for the shop, where buyers and
    orders are counted once however many staff members they chatted with.
    """
    n_buy = max(n_buyers, 1)
    q_key = acc_key[q.account]
    mapped = q_key >= 0

    def distinct_buyers(mask: np.ndarray) -> np.ndarray:
        out = np.zeros(n_keys + 1, dtype=np.int64)
        out[:n_keys] = _pairs_count(q_key[mask & mapped], q.buyer[mask & mapped], n_buy, n_keys)
        seen = np.zeros(n_buy, dtype=bool)  # buyer codes are 0..n_buyers-1: no sort
        seen[q.buyer[mask]] = True
        out[n_keys] = np.count_nonzero(seen)
        return out

    # The orders behind paid_amount: paid in [chat, end of day) after an inquiry chat.
    converted = q.converted
    lengths = (q.stop - q.first)[converted]
    owner = np.repeat(q_key[converted], lengths)
    first = np.repeat(q.first[converted], lengths)
    o_idx = first + np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    n_orders = max(len(q.order_fen), 1)
    paid_fen = np.zeros(n_keys + 1, dtype=np.int64)
    credited = _distinct(owner[owner >= 0] * n_orders + o_idx[owner >= 0])
    np.add.at(paid_fen, credited // n_orders, q.order_fen[credited % n_orders])
    paid_fen[n_keys] = q.order_fen[_distinct(o_idx)].sum()
    return {
        "inquiries": distinct_buyers(q.inquiry),
        "paid_buyers": distinct_buyers(converted),
        "next_day_paid_buyers": distinct_buyers(q.converted_next),
        "paid_fen": paid_fen,
    }
