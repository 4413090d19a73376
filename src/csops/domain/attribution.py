"""Who is credited with an order (DOMAIN.md §3, `attribution` in rules/commission.yaml).

The memo 工号/nickname (`csops.domain.memo.MemoMatcher`), the chat log (the staff member
who last/first wrote to the buyer within `chat_window_hours` before payment, by
`pd.merge_asof`), or both. A memo naming several staff is a conflict: nobody is credited,
or (rule `split`) each named staff member gets an even share of the order, exact to the fen.
`csops.domain.commission.compute_commission` calls `attribute_orders`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from csops.domain.memo import MemoMatcher
from csops.domain.roster import Roster
from csops.errors import UsageError
from csops.rules.commission import Attribution

# How an order (or an order share) was credited; the last three credit nobody.
HOW_CREDITED = ("memo", "memo_split", "last_chat", "first_chat")
HOW_NOT_CREDITED = ("conflict", "no_flag", "none")


def credit_by_memo(orders: pd.DataFrame, roster: Roster, attribution: Attribution) -> pd.DataFrame:
    """Per order: staff_id (when exactly one staff member is named), candidates and
    unknown_ids (space-separated, NA when none) and how (memo, conflict, no_flag, none)."""
    matcher = MemoMatcher(roster, unknown_id_digits=attribution.unknown_id_digits)
    found = matcher.match(orders["memo"].astype("str"), at=orders["paid_at"])
    out = pd.DataFrame(index=orders.index)
    out["staff_id"] = found["staff_id"].astype("str")
    out["candidates"] = found["candidates"].astype("str")
    out["unknown_ids"] = found["unknown_ids"].astype("str")
    named = out["candidates"].notna()
    conflict = named & out["staff_id"].isna()
    how = np.where(conflict, "conflict", np.where(named, "memo", "none"))
    if attribution.require_flag and "flag" in orders:
        flagged = orders["flag"].isin(attribution.require_flag).fillna(False).astype(bool)
        unflagged = named & ~flagged.to_numpy()
        how = np.where(unflagged, "no_flag", how)
        out.loc[unflagged, "staff_id"] = pd.NA
    out["how"] = pd.Series(how, index=orders.index, dtype="str")
    return out


def credit_by_chat(
    orders: pd.DataFrame, messages: pd.DataFrame, attribution: Attribution, which: str
) -> pd.DataFrame:
    """Per order: the staff member who wrote to its buyer last (`which="last"`) or first
    (`"first"`) within `chat_window_hours` before payment (both ends included), with that
    message's time, file and row. Only messages sent by roster staff count."""
    window = pd.Timedelta(hours=attribution.chat_window_hours)
    sent = (
        ~messages["from_buyer"]
        & messages["staff_id"].notna()
        & messages["buyer"].notna()
        & messages["time"].notna()
    )
    msg_pos = np.flatnonzero(sent.to_numpy())
    order_pos = np.flatnonzero((orders["buyer"].notna() & orders["paid_at"].notna()).to_numpy())
    # Buyers as integer codes shared by both sides: merge_asof's `by` is fastest on ints.
    buyers, _ = pd.factorize(
        pd.concat(
            [orders["buyer"].iloc[order_pos], messages["buyer"].iloc[msg_pos]],
            ignore_index=True,
        )
    )
    paid_at = orders["paid_at"].to_numpy()[order_pos].astype("datetime64[us]")
    left = pd.DataFrame({"buyer": buyers[: len(order_pos)], "paid_at": paid_at, "_pos": order_pos})
    right = pd.DataFrame(
        {
            "buyer": buyers[len(order_pos) :],
            "chat_time": messages["time"].to_numpy()[msg_pos].astype("datetime64[us]"),
            "_msg": msg_pos,
        }
    )
    right = right.sort_values(["chat_time", "_msg"], kind="stable")
    if which == "last":
        hit = pd.merge_asof(
            left.sort_values("paid_at", kind="stable"),
            right,
            left_on="paid_at",
            right_on="chat_time",
            by="buyer",
            direction="backward",
            tolerance=window,
        )
    else:
        left["window_start"] = left["paid_at"] - window
        hit = pd.merge_asof(
            left.sort_values("window_start", kind="stable"),
            right,
            left_on="window_start",
            right_on="chat_time",
            by="buyer",
            direction="forward",
        )
    # forward from the window start may find a message after payment: not a chat before it.
    ok = (hit["chat_time"].notna() & (hit["chat_time"] <= hit["paid_at"])).to_numpy()
    at = hit["_pos"].to_numpy()[ok]
    msg = hit["_msg"].to_numpy()[ok].astype("int64")
    staff = np.full(len(orders), None, dtype=object)
    staff[at] = messages["staff_id"].iloc[msg].to_numpy(dtype=object)
    times = np.full(len(orders), np.datetime64("NaT"), dtype="datetime64[us]")
    times[at] = messages["time"].to_numpy()[msg].astype("datetime64[us]")
    files = np.full(len(orders), None, dtype=object)
    files[at] = messages["_file"].iloc[msg].astype("str").to_numpy(dtype=object)
    rows = pd.Series(pd.NA, index=orders.index, dtype="Int64")
    rows.iloc[at] = messages["_row"].to_numpy()[msg]
    out = pd.DataFrame(index=orders.index)
    out["staff_id"] = pd.Series(staff, index=orders.index, dtype="str")
    out["chat_time"] = pd.Series(times, index=orders.index)
    out["chat_file"] = pd.Series(files, index=orders.index, dtype="str")
    out["chat_row"] = rows
    return out


def attribute_orders(
    orders: pd.DataFrame,
    roster: Roster,
    attribution: Attribution,
    messages: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The counted orders with `staff_id`, `how`, `candidates`, `unknown_ids` and the chat
    evidence (`chat_time`, `chat_file`, `chat_row`) of chat-credited orders."""
    mode = attribution.mode
    out = orders.copy()
    out["chat_time"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[us]")
    out["chat_file"] = pd.Series(pd.NA, index=out.index, dtype="str")
    out["chat_row"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
    if mode in ("memo", "memo_then_last_chat"):
        memo = credit_by_memo(orders, roster, attribution)
        for column in ("staff_id", "how", "candidates", "unknown_ids"):
            out[column] = memo[column]
    else:
        # Chat-only modes never read the memo: no conflicts, no unknown IDs.
        for column in ("staff_id", "candidates", "unknown_ids"):
            out[column] = pd.Series(pd.NA, index=out.index, dtype="str")
        out["how"] = pd.Series("none", index=out.index, dtype="str")
    if mode != "memo":
        if messages is None:
            raise UsageError(f"attribution mode {mode} needs the chat log (聊天记录)")
        which = "first" if mode == "first_chat" else "last"
        # memo_then_last_chat: the chat decides only where the memo credits nobody and
        # names nobody (a conflict stays a conflict: the memo is the staff's own claim).
        todo = out["how"].isin(["none", "no_flag"]).to_numpy()
        chat = credit_by_chat(orders[todo], messages, attribution, which)
        hit = chat["staff_id"].notna()
        idx = chat.index[hit]
        out.loc[idx, "staff_id"] = chat.loc[idx, "staff_id"]
        out.loc[idx, "how"] = f"{which}_chat"
        out.loc[idx, "chat_time"] = chat.loc[idx, "chat_time"]
        out.loc[idx, "chat_file"] = chat.loc[idx, "chat_file"]
        out.loc[idx, "chat_row"] = chat.loc[idx, "chat_row"]
    return out


def split_conflicts(credited: pd.DataFrame) -> pd.DataFrame:
    """Each conflict order becomes one share per named staff member (`how` = memo_split).

    Paid and refunded fen are each divided by the number of staff named; the leftover fen
    go one each to the staff in the order the memo names them (so with two staff, the one
    fen left over goes to the first). Shares add up exactly to the order, and no share's
    refund exceeds its payment."""
    conflict = (credited["how"] == "conflict").to_numpy()
    if not conflict.any():
        return credited
    shares = credited[conflict].copy()
    names = shares["candidates"].str.split(" ")
    count = shares["candidates"].str.count(" ").astype("int64") + 1
    shares["staff_id"] = names
    shares["_count"] = count
    shares = shares.explode("staff_id")
    position = shares.groupby(level=0).cumcount().to_numpy()
    n = shares["_count"].to_numpy()
    for column in ("paid_fen", "refund_fen"):
        total = shares[column].to_numpy()
        shares[column] = total // n + (position < total % n)
    shares["net_fen"] = shares["paid_fen"] - shares["refund_fen"]
    shares["staff_id"] = shares["staff_id"].astype("str")
    shares["how"] = "memo_split"
    shares = shares.drop(columns="_count")
    out = pd.concat([credited[~conflict], shares])
    return out.sort_index(kind="stable").reset_index(drop=True)
