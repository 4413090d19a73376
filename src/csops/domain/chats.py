"""Chat KPIs per staff member, defined as 生意参谋 (Sycm) defines them (docs/chats.md).

Input: the messages of `csops.domain.chatlog.normalize_messages` (sorted by account, buyer, time
with integer-coded categoricals) and the cleaned orders. Everything is computed with
whole-column numpy over the one sort order: no loop over messages, waits or orders.

- A *stream* is all messages between one account and one buyer, in time order; a
  silence longer than `session_gap_h` (24 h) splits it, and nothing reaches across that.
- A *wait* starts at a buyer message that is the stream's first message or follows a staff
  message; the buyer messages after it up to the next staff message belong to it. It
  ends at that staff message (even on a later day) or never. It belongs to the day and
  month it started. A wait started outside service hours starts its clock at the next
  opening; a reply before that opening is a 0 s wait.
- A *conversation* is (account, buyer, calendar day).

`chat_kpis` returns `ChatKpis`: `staff` is one row per staff member (and per chat
account on no roster row) with every KPI and the counts behind it — the frame the
scoring engine reads (`waits`, `replies_within_30s`, `unanswered_10min`, …).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from csops.domain.chat_figures import FIGURES, _figures
from csops.domain.chat_sales import _Conversations, _Inquiries, _inquiries, _sales
from csops.domain.chat_waits import (
    DAY_S,
    NS,
    WaitLog,
    _clock_start,
    _narrow_cumsum,
    _position_type,
    _shift_flags,
    _ticks,
)
from csops.domain.chatlog import changes
from csops.domain.period import Month
from csops.domain.roster import Roster
from csops.messages import Msg
from csops.rules.base import RoundingName, ServiceHours
from csops.rules.chats import ChatRules


@dataclass
class ChatKpis:
    month: Month
    staff: pd.DataFrame  # one row per staff / unknown account: staff_id, name, KPIs, counts
    total: dict[str, Any]  # shop totals: the same keys; buyers and orders counted once
    notes: list[str]
    waits: pd.DataFrame  # one row per wait started in the month, by start (for --explain)
    messages: pd.DataFrame = field(repr=False)
    has_orders: bool = True
    has_ratings: bool = False

    @property
    def wait_log(self) -> WaitLog:
        return WaitLog(self.waits, self.staff, self.messages)

    def worst_waits(self, key: int, top: int) -> pd.DataFrame:
        """The `top` longest waits of staff row `key` (never-answered first), with evidence."""
        waits = self.waits[self.waits["key"] == key]
        rank = waits["response_s"].fillna(np.inf)
        picked = waits.assign(_rank=rank).sort_values(
            ["_rank", "start"], ascending=[False, True], kind="stable"
        )
        return self.wait_rows(picked.head(top))

    def wait_rows(self, picked: pd.DataFrame, *, text: bool = True) -> pd.DataFrame:
        """`WaitLog.wait_rows` of these KPIs' waits."""
        return self.wait_log.wait_rows(picked, text=text)


def _ratings(
    messages: pd.DataFrame, conv_id: np.ndarray, satisfied: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Per conversation: its last non-empty rating (index into conversations), satisfied?"""
    codes, uniques = pd.factorize(messages["rating"])
    text = pd.Index(uniques.astype(str)).str.strip()
    rated_u = np.append(np.asarray(text != ""), False)
    good_u = np.append(text.isin([s.strip() for s in satisfied]), False)
    rows = np.flatnonzero(rated_u[codes])
    conv = conv_id[rows]
    last = np.ones(len(rows), dtype=bool)
    last[:-1] = conv[1:] != conv[:-1]
    return conv[last], good_u[codes[rows[last]]]


def chat_kpis(
    messages: pd.DataFrame,
    orders: pd.DataFrame | None,
    roster: Roster,
    month: Month,
    rules: ChatRules,
    hours: ServiceHours,
    rounding: RoundingName = "half_up",
) -> ChatKpis:
    """Every chat KPI per staff member for `month` (see the module docstring)."""
    notes: list[str] = []
    accounts = messages["account"].cat.categories
    buyers = messages["buyer"].cat.categories
    # Codes in their own width, times in their own unit: no 10M-row copies.
    acc = messages["account"].cat.codes.to_numpy()
    buy = messages["buyer"].cat.codes.to_numpy()
    times, second = _ticks(messages["time"])
    t = times.view(np.int64)
    fb = messages["from_buyer"].to_numpy(dtype=bool)
    n = len(t)
    n_acc = len(accounts)
    m0, m1 = (m.value // (NS // second) for m in (month.start, month.end))
    day = t // (DAY_S * second)
    in_month = (t >= m0) & (t < m1)

    # ---- streams, and conversations (account, buyer, day)
    new_stream = changes(acc, buy)
    new_conv = new_stream | changes(day)
    conv_id = _narrow_cumsum(new_conv)
    conv_id -= 1
    conv_first = np.flatnonzero(new_conv)
    c_acc = acc[conv_first].astype(np.int64)
    c_buy, c_day = buy[conv_first].astype(np.int64), day[conv_first]
    c_month = in_month[conv_first]
    # Whether each conversation has a buyer message, and a staff one (all from the buyer:
    # none from staff); one pass over its messages each.
    c_buyer = np.logical_or.reduceat(fb, conv_first) if n else np.zeros(0, dtype=bool)
    c_staff = ~np.logical_and.reduceat(fb, conv_first) if n else np.zeros(0, dtype=bool)
    # Inquiries and conversion need the conversations only, not the staff rows.
    inquiries: _Inquiries | None = None
    inquiry_notes: list[str] = []  # its own list: the notes keep their order
    if orders is not None:
        convs = _Conversations(conv_id, c_acc, c_buy, c_day, c_month & c_buyer)
        inquiries = _inquiries(buyers, orders, convs, t, second, fb, month, rules, inquiry_notes)

    # ---- sessions and waits

    # A stream silent for longer than session_gap_h starts a new session: waits never
    # reach across such a silence.
    new_session = new_stream.copy()
    if rules.session_gap_h is not None and n:
        # The gap in ns, then in the log's unit: a > G ns exactly when a > G // ticks.
        gap = int(rules.session_gap_h * 3600 * NS) // (NS // second)
        new_session[1:] |= np.diff(t) > gap
    session_id = _narrow_cumsum(new_session)
    session_id -= 1
    starts = fb & ~(_shift_flags(fb, False) & ~new_session)
    ws = np.flatnonzero(starts)
    # The next staff message at or after each row (n: none): positions, then a running
    # minimum from the end.
    staff_pos = np.arange(n, dtype=_position_type(n))
    staff_pos[fb] = n
    next_staff = np.minimum.accumulate(staff_pos[::-1])[::-1] if n else staff_pos
    end = next_staff[ws].astype(np.int64)
    end_c = np.minimum(end, n - 1)
    answered = (end < n) & (session_id[end_c] == session_id[ws])
    session_first = np.flatnonzero(new_session)
    session_stop = np.append(session_first[1:], n)[session_id[ws]]
    wait_msgs = np.minimum(end, session_stop) - ws
    clock = _clock_start(t[ws], hours, second)
    response = np.where(answered, np.maximum(t[end_c] - clock, 0) / second, np.nan)
    w_month = in_month[ws]
    w_acc = acc[ws].astype(np.int64)

    def per_acc(mask: np.ndarray, accs: np.ndarray, weights: np.ndarray | None = None) -> Any:
        return np.bincount(
            accs[mask], weights=None if weights is None else weights[mask], minlength=n_acc
        )

    # ---- staff rows: roster staff with a chat account or messages, then unknown accounts
    conversations = per_acc(c_month, c_acc)
    staff_of_acc = roster.staff_for_accounts(pd.Series(accounts, dtype="str"))
    acc_active = conversations > 0
    active = roster.active_in(month)
    with_account = active[active["accounts"].notna()]["staff_id"].tolist()
    chatting = set(staff_of_acc[acc_active].dropna())
    ids = [s for s in roster.staff["staff_id"] if s in set(with_account) | chatting]
    names = roster.name_of()
    unknown = [
        a for a, s, on in zip(accounts, staff_of_acc, acc_active, strict=True) if on and pd.isna(s)
    ]
    rows = pd.DataFrame(
        {
            "staff_id": pd.array(ids + [None] * len(unknown), dtype="str"),
            "name": [names.get(s, s) for s in ids] + unknown,
            "account": [None] * len(ids) + unknown,
        }
    )
    row_of = {s: i for i, s in enumerate(ids)} | {a: len(ids) + i for i, a in enumerate(unknown)}
    acc_key = np.array(
        [
            row_of.get(s if not pd.isna(s) else a, -1)
            for a, s in zip(accounts, staff_of_acc, strict=True)
        ],
        dtype=np.int64,
    )
    n_keys = len(rows)

    waits = pd.DataFrame(
        {
            "key": acc_key[w_acc[w_month]],
            "start": ws[w_month],
            "end": np.where(answered, end, -1)[w_month],
            "clock_start": clock[w_month].view(times.dtype),
            "response_s": response[w_month],
            "buyer_messages": wait_msgs[w_month],
        },
        copy=False,  # every column is new here
    )

    # ---- counts per account
    fast = answered & (response <= rules.fast_reply_s)
    slow = ~answered | (response > rules.unanswered_s)
    w_conv = conv_id[ws]
    first_wait = changes(w_conv)  # the first wait that started in its conversation

    # Messages of the month per account and side: counted per run of one account (the
    # log is sorted by account) less the few messages outside the month.
    bounds = np.append(np.flatnonzero(changes(acc)), n)
    run_acc = acc[bounds[:-1]].astype(np.int64)
    all_msgs, buyer_msgs = np.zeros(n_acc, dtype=np.int64), np.zeros(n_acc, dtype=np.int64)
    np.add.at(all_msgs, run_acc, np.diff(bounds))
    # A run per account: a count each is quicker than a reduceat that casts 10M flags.
    in_runs = [np.count_nonzero(fb[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    np.add.at(buyer_msgs, run_acc, np.array(in_runs, dtype=np.int64))
    outside = ~in_month
    if outside.any():
        o_acc, o_fb = acc[outside].astype(np.int64), fb[outside]
        all_msgs -= np.bincount(o_acc, minlength=n_acc)
        buyer_msgs -= np.bincount(o_acc[o_fb], minlength=n_acc)
    counts = {
        "conversations": conversations,
        "asked_conversations": per_acc(c_month & c_buyer, c_acc),
        "replied_conversations": per_acc(c_month & c_buyer & c_staff, c_acc),
        "buyer_messages": buyer_msgs,
        "staff_messages": all_msgs - buyer_msgs,
        "waits": per_acc(w_month, w_acc),
        "answered_waits": per_acc(w_month & answered, w_acc),
        "response_s_sum": per_acc(w_month & answered, w_acc, response),
        "first_waits_answered": per_acc(w_month & answered & first_wait, w_acc),
        "first_response_s_sum": per_acc(w_month & answered & first_wait, w_acc, response),
        "replies_within_30s": per_acc(w_month & fast, w_acc),
        "unanswered_10min": per_acc(w_month & slow, w_acc),
        "ratings": np.zeros(n_acc),
        "satisfied_ratings": np.zeros(n_acc),
    }
    has_ratings = "rating" in messages and bool(messages["rating"].notna().any())
    if has_ratings:
        r_conv, r_good = _ratings(messages, conv_id, rules.satisfied_ratings)
        r_month = c_month[r_conv]
        counts["ratings"] = per_acc(r_month, c_acc[r_conv])
        counts["satisfied_ratings"] = per_acc(r_month & r_good, c_acc[r_conv])

    messages_of_acc = counts["buyer_messages"] + counts["staff_messages"]
    for account in unknown:
        notes.append(
            Msg(
                "chats.account_not_on_roster",
                account=account,
                messages=int(messages_of_acc[accounts.get_loc(account)]),
            )
        )
    mapped = acc_key >= 0
    sums = {
        k: np.bincount(acc_key[mapped], weights=v[mapped], minlength=n_keys)
        for k, v in counts.items()
    }
    totals = {k: v.sum() for k, v in counts.items()}

    # ---- inquiries and conversion (needs orders)
    sales: dict[str, np.ndarray] | None = None
    if inquiries is not None:
        sales = _sales(inquiries, acc_key, len(buyers), n_keys)
        notes += inquiry_notes
    else:
        notes.append(Msg("chats.no_orders"))
    figures = [
        _figures({k: v[i] for k, v in sums.items()}, sales, i, rounding) for i in range(n_keys)
    ]
    staff = pd.concat(
        [rows, pd.DataFrame(figures, columns=list(FIGURES), index=rows.index)], axis=1
    )
    staff.insert(0, "key", np.arange(n_keys))
    total = _figures(totals, sales, n_keys, rounding)

    return ChatKpis(
        month=month,
        staff=staff,
        total=total,
        notes=notes,
        waits=waits,
        messages=messages,
        has_orders=orders is not None,
        has_ratings=has_ratings,
    )
