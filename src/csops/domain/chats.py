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
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from csops.domain.chatlog import changes, positions_in
from csops.domain.money import fen_to_yuan, round_fen
from csops.domain.period import Month
from csops.domain.roster import Roster
from csops.rules.base import RoundingName, ServiceHours
from csops.rules.chats import ChatRules

NS = 1_000_000_000
DAY_S = 86_400

# The per-staff KPIs in report order (also the JSON keys, after staff_id and name).
KPI_COLUMNS = (
    "conversations",
    "buyer_messages",
    "staff_messages",
    "first_response_s",
    "avg_response_s",
    "replies_within_30s",
    "unanswered_10min",
    "reply_rate",
    "answer_ratio",
    "inquiries",
    "paid_buyers",
    "conversion_rate",
    "next_day_conversion_rate",
    "paid_amount",
    "avg_order_value",
    "satisfaction_rate",
)

# Counts summed per chat account; KPIs are derived from them (so totals derive the same way).
_COUNTS = (
    "conversations",
    "asked_conversations",  # with a buyer message
    "replied_conversations",  # with a buyer message and a staff message
    "buyer_messages",
    "staff_messages",
    "waits",
    "answered_waits",
    "response_s_sum",
    "first_waits_answered",
    "first_response_s_sum",
    "replies_within_30s",
    "unanswered_10min",
    "ratings",
    "satisfied_ratings",
)


@dataclass
class WaitLog:
    """Every wait started in the month with what its evidence needs: the chat-log rows and
    the staff rows its `key` refers to."""

    waits: pd.DataFrame  # one row per wait started in the month, by start
    staff: pd.DataFrame  # row `key` of the waits: staff_id, name (or the unknown account)
    messages: pd.DataFrame = field(repr=False)

    def wait_rows(self, picked: pd.DataFrame, *, text: bool = True) -> pd.DataFrame:
        """Some rows of `waits` with their chat-log evidence: account, buyer, when the wait
        started, when its clock started, the reply, and the file and row of both. With
        `text=False` account, buyer and files keep the log's categorical type (millions of
        waits: one string per distinct value, not per wait)."""
        msgs = self.messages
        start, end = picked["start"].to_numpy(), picked["end"].to_numpy()
        answered = end >= 0
        safe_end = np.where(answered, end, 0)

        def at(column: str, index: np.ndarray) -> pd.Series:
            # The array's own take: no 10M-row column turned into an array, and no index
            # taken beside it (millions of waits: a second per run, measured).
            return pd.Series(msgs[column].array.take(index), index=picked.index, copy=False)

        def label(column: str, index: np.ndarray) -> pd.Series:
            return at(column, index).astype(str) if text else at(column, index)

        return pd.DataFrame(
            {
                "account": label("account", start),
                "buyer": label("buyer", start),
                "wait_start": at("time", start),
                "clock_start": picked["clock_start"],
                "reply_at": at("time", safe_end).where(answered),
                "response_s": picked["response_s"],
                "wait_messages": picked["buyer_messages"],
                "start_file": label("_file", start),
                "start_row": at("_row", start),
                "reply_file": label("_file", safe_end).where(answered),
                "reply_row": at("_row", safe_end).astype("Int64").where(answered),
            },
            copy=False,  # every column is new here
        ).reset_index(drop=True)


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


def _shift_flags(values: np.ndarray, first: bool) -> np.ndarray:
    """values[i-1] at i, `first` at 0."""
    out = np.empty(len(values), dtype=bool)
    if len(values):
        out[0] = first
        out[1:] = values[:-1]
    return out


def _clock_start(times: np.ndarray, hours: ServiceHours, second: int = NS) -> np.ndarray:
    """When the clock of a wait starting at `times` (`second` ticks a second) starts: the
    time itself inside service hours, else the next opening (later that day or the next
    day)."""
    a_day = DAY_S * second
    opens = (hours.open.hour * 3600 + hours.open.minute * 60) * second
    closes = (hours.close.hour * 3600 + hours.close.minute * 60) * second or a_day
    tod = times % a_day
    out = times.copy()  # most waits start in service hours: only the others are changed
    early = tod < opens
    out[early] += opens - tod[early]
    late = tod >= closes
    out[late] += a_day + opens - tod[late]
    return out


_TICKS = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": NS}


def _ticks(values: pd.Series) -> tuple[np.ndarray, int]:
    """The datetimes in their own unit (no 10M-row conversion), and its ticks a second."""
    times = values.to_numpy()
    if times.dtype.kind != "M" or np.datetime_data(times.dtype)[0] not in _TICKS:
        times = values.to_numpy(dtype="datetime64[ns]")
    return times, _TICKS[np.datetime_data(times.dtype)[0]]


def _position_type(n: int) -> type[np.signedinteger[Any]]:
    """int32 for numbers up to `n` when they fit: half the memory of int64 for 10M rows,
    and each new 80 MB array costs the kernel a fresh 80 MB to zero."""
    return np.int32 if n <= np.iinfo(np.int32).max else np.int64


def _narrow_cumsum(flags: np.ndarray) -> np.ndarray:
    """`np.cumsum(flags)` in `_position_type`."""
    return np.cumsum(flags, dtype=_position_type(len(flags)))


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
            f"chat account {account} is on no roster row: its "
            f"{int(messages_of_acc[accounts.get_loc(account)])} messages of the month are kept "
            "under the account name; add it to the roster's 旺旺子账号 column"
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
        notes.append(
            "no orders export: inquiries, conversion and paid amount are not computed; "
            "add the orders of the month and the 21 days before it"
        )
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


# Counts kept beside the KPIs in `ChatKpis.staff` (denominators, for the scoring engine).
EXTRA_COUNTS = (
    "waits",
    "answered_waits",
    "asked_conversations",
    "replied_conversations",
    "first_waits_answered",
    "ratings",
    "satisfied_ratings",
    "next_day_paid_buyers",
)
FIGURES = (*KPI_COLUMNS, *EXTRA_COUNTS)
_SALES = (
    "inquiries",
    "paid_buyers",
    "next_day_paid_buyers",
    "conversion_rate",
    "next_day_conversion_rate",
    "paid_amount",
    "avg_order_value",
)


def _ratio(num: float, den: float) -> float | None:
    return float(num) / float(den) if den else None


def _figures(
    c: dict[str, Any], sales: dict[str, np.ndarray] | None, slot: int, rounding: RoundingName
) -> dict[str, Any]:
    """Every figure of one staff row (or of the shop: the last sales slot) from its counts."""
    out: dict[str, Any] = {k: int(round(float(c[k]))) for k in _COUNTS if not k.endswith("_sum")}
    out |= {
        "first_response_s": _ratio(c["first_response_s_sum"], c["first_waits_answered"]),
        "avg_response_s": _ratio(c["response_s_sum"], c["answered_waits"]),
        "reply_rate": _ratio(c["replied_conversations"], c["asked_conversations"]),
        "answer_ratio": _ratio(c["staff_messages"], c["buyer_messages"]),
        "satisfaction_rate": _ratio(c["satisfied_ratings"], c["ratings"]),
    }
    if sales is None:
        return out | dict.fromkeys(_SALES)
    inquiries = int(sales["inquiries"][slot])
    paid = int(sales["paid_buyers"][slot])
    next_day = int(sales["next_day_paid_buyers"][slot])
    amount = fen_to_yuan(int(sales["paid_fen"][slot]))
    return out | {
        "inquiries": inquiries,
        "paid_buyers": paid,
        "next_day_paid_buyers": next_day,
        "conversion_rate": _ratio(paid, inquiries),
        "next_day_conversion_rate": _ratio(next_day, inquiries),
        "paid_amount": amount,
        "avg_order_value": round_fen(amount / Decimal(paid), rounding) if paid else None,
    }


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
                f"orders start at {first_paid:%Y-%m-%d %H:%M}: payments before it are unseen, "
                f"so chats before {first_paid + pd.Timedelta(days=lookback):%Y-%m-%d} may count "
                f"buyers who paid within {lookback} days as inquiries; export orders from "
                f"{needed:%Y-%m-%d}"
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
