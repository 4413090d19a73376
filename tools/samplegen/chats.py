"""The chat conversations of the month and the 千牛 chat log CSV."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from tools.samplegen.cells import (
    CHAT_HOURS,
    csv_cell,
    event_times,
    lines_payload,
    pick_weighted,
    take_vocab,
)
from tools.samplegen.orders import Orders
from tools.samplegen.plan import Clock, Plan, duty_weights, pick_staff
from tools.samplegen.vocab import (
    BUYER_ASK,
    BUYER_OPEN,
    CHAT_CHUNK,
    DAY,
    HOUR,
    STAFF_ANSWER,
    STAFF_OPEN,
)

I64 = npt.NDArray[np.int64]
Arr = npt.NDArray[Any]


# ------------------------------------------------------------------ chats

BUYER, STAFF_SIDE = 0, 1
TEXTS = (*BUYER_OPEN, *BUYER_ASK, *STAFF_OPEN, *STAFF_ANSWER)
T_BUYER_OPEN = 0
T_BUYER_ASK = len(BUYER_OPEN)
T_STAFF_OPEN = T_BUYER_ASK + len(BUYER_ASK)
T_STAFF_ANSWER = T_STAFF_OPEN + len(STAFF_OPEN)
ROUNDS_P = (0.3, 0.35, 0.25, 0.1)
BUYER_MSGS_P = (0.5, 0.35, 0.15)
STAFF_MSGS_P = (0.7, 0.3)


def _expected_messages_per_chat() -> float:
    rounds = sum((k + 1) * p for k, p in enumerate(ROUNDS_P))
    per_round = sum((k + 1) * p for k, p in enumerate(BUYER_MSGS_P)) + sum(
        (k + 1) * p for k, p in enumerate(STAFF_MSGS_P)
    )
    return rounds * per_round * 0.98


def reply_delay(n: int, rng: np.random.Generator) -> I64:
    """Seconds from a buyer's message to the staff reply: mostly 5–40 s, a few over 10 min."""
    u = rng.random(n)
    d = rng.integers(5, 41, size=n)
    d = np.where(u >= 0.72, rng.integers(41, 181, size=n), d)
    d = np.where(u >= 0.90, rng.integers(181, 601, size=n), d)
    d = np.where(u >= 0.96, rng.integers(601, 1801, size=n), d)
    d = np.where(u >= 0.99, rng.integers(1801, 3601, size=n), d)
    return np.asarray(d, dtype=np.int64)


@dataclass
class Chats:
    staff: I64  # per conversation
    buyer: I64  # per conversation
    start: I64  # per conversation
    conv: I64  # per message (conversation index)
    time: I64  # per message
    side: npt.NDArray[np.int8]
    text: npt.NDArray[np.int16]


def build_chats(
    plan: Plan, orders: Orders, target: int, rng: np.random.Generator
) -> tuple[Chats, int]:
    """Conversations: the order-linked ones first, then inquiries that bought nothing."""
    month = plan.month
    per_chat = _expected_messages_per_chat()
    total_chats = max(2, int(target / per_chat))
    linked = np.nonzero(orders.chat)[0]
    cap = int(total_chats * 0.6)
    if len(linked) > cap:  # too few messages for every buyer to have chatted
        drop = rng.choice(linked, size=len(linked) - cap, replace=False)
        orders.chat[drop] = False
        orders.chat_start[drop] = -1
        linked = np.nonzero(orders.chat)[0]
    n_inq = max(2, int((target - len(linked) * per_chat) / per_chat * 1.15) + 10)
    inq_start = event_times(month, n_inq, CHAT_HOURS, rng)
    # A buyer writing at 02:00 (answered after 08:00) and a chat running past midnight.
    inq_start[0] = min(4, month.days - 1) * DAY + 2 * HOUR + 13
    inq_start[1] = min(8, month.days - 2) * DAY + 23 * HOUR + 56 * 60 + 40
    pool = max(1, int(orders.n * 0.82))
    new_buyers = max(1, int(n_inq * 0.7))
    inq_buyer = np.where(
        rng.random(n_inq) < 0.35,
        rng.integers(0, pool, size=n_inq),
        pool + rng.integers(0, new_buyers, size=n_inq),
    )
    answer = duty_weights(plan, {"售前": 1.0, "售后": 0.7, "主管": 0.08})
    inq_staff = pick_staff(inq_start, answer, month.days, rng)
    start = np.concatenate([orders.chat_start[linked], inq_start]).astype(np.int64)
    buyer = np.concatenate([orders.buyer[linked], inq_buyer]).astype(np.int64)
    staff = np.concatenate([orders.cols["chat_staff"][linked], inq_staff]).astype(np.int64)
    c = len(start)

    rounds = pick_weighted(rng, [1, 2, 3, 4], ROUNDS_P, c)
    nb = pick_weighted(rng, [1, 2, 3], BUYER_MSGS_P, c * 4).reshape(c, 4)
    ns = pick_weighted(rng, [1, 2], STAFF_MSGS_P, c * 4).reshape(c, 4)
    ignored = rng.random(c) < 0.01  # nobody ever answers
    abandon = rng.random(c) < 0.03  # the last question stays unanswered
    special = len(linked) + np.array([0, 1])
    rounds[special], ignored[special], abandon[special] = 3, False, False
    rounds[ignored] = 1
    ns[ignored] = 0
    ab = np.nonzero(abandon)[0]
    ns[ab, rounds[ab] - 1] = 0

    conv_parts: list[I64] = []
    time_parts: list[I64] = []
    side_parts: list[npt.NDArray[np.int8]] = []
    text_parts: list[npt.NDArray[np.int16]] = []

    def emit(idx: I64, t: I64, side: int, first: int, count: int) -> None:
        conv_parts.append(idx)
        time_parts.append(t)
        side_parts.append(np.full(len(idx), side, dtype=np.int8))
        text_parts.append((first + rng.integers(0, count, size=len(idx))).astype(np.int16))

    cur = start.copy()
    last_staff = np.full(c, -(10**9), dtype=np.int64)
    for k in range(4):
        active = rounds > k
        for j in range(3):
            idx = np.nonzero(active & (nb[:, k] > j))[0]
            if k == 0 and j == 0:
                t = cur[idx]
                emit(idx, t, BUYER, T_BUYER_OPEN, len(BUYER_OPEN))
            else:
                gap = (
                    rng.integers(20, 600, size=len(idx))
                    if j == 0
                    else rng.integers(3, 31, size=len(idx))
                )
                t = cur[idx] + gap
                emit(idx, t, BUYER, T_BUYER_ASK, len(BUYER_ASK))
            cur[idx] = t
        for j in range(2):
            idx = np.nonzero(active & (ns[:, k] > j))[0]
            if j == 0:
                last = cur[idx]
                tod = last % DAY
                # Nobody is on duty 00:00–08:00: a new question waits for the morning shift,
                # but a chat the evening shift is still in goes on past midnight.
                live = last - last_staff[idx] < 30 * 60
                night = (tod < 8 * HOUR) & ~live
                morning = last - tod + 8 * HOUR + rng.integers(20, 1500, size=len(idx))
                t = np.where(night, morning, last + reply_delay(len(idx), rng))
                first, count = (
                    (T_STAFF_OPEN, len(STAFF_OPEN))
                    if k == 0
                    else (T_STAFF_ANSWER, len(STAFF_ANSWER))
                )
            else:
                t = cur[idx] + rng.integers(3, 26, size=len(idx))
                first, count = T_STAFF_ANSWER, len(STAFF_ANSWER)
            emit(idx, t, STAFF_SIDE, first, count)
            cur[idx] = t
            last_staff[idx] = t

    conv = np.concatenate(conv_parts).astype(np.int64)
    times = np.concatenate(time_parts).astype(np.int64)
    side = np.concatenate(side_parts)
    text = np.concatenate(text_parts)
    keep = (times >= 0) & (times <= month.end)
    conv, times, side, text = conv[keep], times[keep], side[keep], text[keep]
    order = np.lexsort((times, conv))[:target]
    chats = Chats(staff, buyer, start, conv[order], times[order], side[order], text[order])
    return chats, pool + new_buyers


CHAT_HEADERS = "客服账号,买家,时间,发送方,内容"


def write_chats(path: Path, plan: Plan, chats: Chats, clock: Clock, nicks: Any) -> None:
    accounts = pa.array([p.account for p in plan.staff])
    sides = pa.array(["买家", "客服"])
    texts = pa.array([csv_cell(t) for t in TEXTS])
    # The export lists each account's conversations one after another.
    order = np.lexsort((chats.time, chats.conv, chats.start[chats.conv], chats.staff[chats.conv]))
    with path.open("wb") as fh:
        fh.write(codecs.BOM_UTF8 + (CHAT_HEADERS + "\r\n").encode("utf-8"))
        for begin in range(0, len(order), CHAT_CHUNK):
            rows = order[begin : begin + CHAT_CHUNK]
            conv = chats.conv[rows]
            fh.write(
                lines_payload(
                    [
                        take_vocab(accounts, chats.staff[conv]),
                        take_vocab(nicks, chats.buyer[conv]),
                        clock.format(chats.time[rows]),
                        take_vocab(sides, chats.side[rows]),
                        take_vocab(texts, chats.text[rows]),
                    ]
                )
            )
