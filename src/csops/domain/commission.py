"""Sales commission 提成 of a month (DOMAIN.md §3): credit orders to staff, apply the tiers.

The flow, all vectorised over orders:

1. `select_orders`: the orders that count — paid (a 订单付款时间) and inside the month by
   the rule's `month_by` time; net = paid − refunded, in integer fen. A refund larger
   than the payment, or a paid order without an amount, is a row error.
2. `attribute_orders`: who is credited and how — the memo 工号/nickname
   (`csops.domain.memo.MemoMatcher`), the chat log (the staff member who last/first wrote to
   the buyer within `chat_window_hours` before payment, by `pd.merge_asof`), or both.
   A memo naming several staff is a conflict: nobody is credited, or (rule `split`) each
   named staff member gets an even share of the order, exact to the fen.
3. `tier_commission`: per staff member, Decimal net × rate (whole) or Σ slice × rate
   (progressive), plus the tier's fixed bonus, times the score-level multiplier, rounded
   ONCE to the fen with `settings.rounding`.
4. Awards (`award` incidents of the month, yuan) are added as their own column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from csops.domain.chatlog import normalize_messages
from csops.domain.incidents import classify_incidents
from csops.domain.memo import MemoMatcher
from csops.domain.money import fen_to_yuan, money_str, round_fen
from csops.domain.period import Month
from csops.domain.roster import Roster
from csops.errors import InputError, Problem, UsageError, files_lacking, raise_problems
from csops.rules.base import normalize_word
from csops.rules.commission import Attribution, CommissionRules, Tier
from csops.rules.loader import RuleSet
from csops.rules.vocab import IncidentKinds, ValueWords

# How an order (or an order share) was credited; the last three credit nobody.
HOW_CREDITED = ("memo", "memo_split", "last_chat", "first_chat")
HOW_NOT_CREDITED = ("conflict", "no_flag", "none")

ORDER_COLUMNS = [
    "order_id",
    "paid_at",
    "paid_fen",
    "refund_fen",
    "net_fen",
    "staff_id",
    "how",
    "memo",
    "candidates",
    "unknown_ids",
    "chat_time",
    "chat_file",
    "chat_row",
    "_file",
    "_row",
]


@dataclass
class Selection:
    """The orders that count this month, and how many were left out and why."""

    orders: pd.DataFrame  # order_id, buyer, paid_at, memo, flag, paid_fen, refund_fen, net_fen
    unpaid: int = 0  # no payment time (never count)
    closed_before_payment: int = 0  # of the unpaid: status says closed
    other_months: int = 0  # paid, but the month_by time is outside the month
    notes: list[str] = field(default_factory=list)
    # Paid orders whose status says closed or cancelled, with no refund amount in their
    # export: counted as fully refunded (how many, and the fen).
    cancelled: int = 0
    cancelled_fen: int = 0
    # Files of some counted orders that have no refund column (refunds taken as 0 there,
    # but for cancelled orders).
    no_refund_files: list[str] = field(default_factory=list)


@dataclass
class CommissionResult:
    month: Month
    rules: CommissionRules
    staff: pd.DataFrame  # a row per staff member (see `staff_table`)
    orders: pd.DataFrame  # a row per counted order, a row per share for split orders
    conflicts: pd.DataFrame  # order_id, candidates (list), memo, net_fen, _file, _row
    unknown_ids: pd.DataFrame  # order_id, token, memo, _file, _row
    awards: pd.DataFrame  # award incidents of the month: staff_id, date, amount_fen, note, …
    selection: Selection
    notes: list[str] = field(default_factory=list)

    @property
    def unattributed(self) -> pd.DataFrame:
        """Counted orders credited to nobody (conflicts not split included)."""
        return self.orders[self.orders["staff_id"].isna()]

    def staff_ids(self) -> list[str]:
        return self.staff["staff_id"].tolist()

    def check_staff(self, staff_id: str) -> None:
        if staff_id not in set(self.staff["staff_id"]):
            known = ", ".join(self.staff["staff_id"].head(12))
            raise UsageError(
                f"--staff {staff_id}: no such 工号 on the roster for {self.month} "
                f"(known: {known}); check the roster's 工号 column"
            )

    def document(self, staff_id: str | None = None) -> dict[str, Any]:
        """The JSON contract of `csops commission`."""
        staff = self.staff
        conflicts = self.conflicts
        if staff_id is not None:
            staff = staff[staff["staff_id"] == staff_id]
            mine = [staff_id in candidates for candidates in conflicts["candidates"]]
            conflicts = conflicts[np.array(mine, dtype=bool)]  # (an empty list: no rows)
        unattributed = self.unattributed
        return {
            "month": str(self.month),
            "staff": [
                {
                    "staff_id": row["staff_id"],
                    "name": row["name"],
                    "orders": int(row["orders"]),
                    "sales": money_str(row["sales"]),
                    "refunds": money_str(row["refunds"]),
                    "net_sales": money_str(row["net_sales"]),
                    "rate": rate_str(row["rate"]),
                    "commission": money_str(row["commission"]),
                    "awards": money_str(row["awards"]),
                    "total": money_str(row["total"]),
                }
                for row in _records(staff)
            ],
            "unattributed": {
                "orders": int(unattributed["order_id"].nunique()),
                "net_sales": money_str(fen_to_yuan(int(unattributed["net_fen"].sum()))),
            },
            # Thousands of rows in a big month: two columns zipped, not every column of
            # every row turned into a dict.
            "conflicts": [
                {"order_id": order_id, "candidates": list(candidates)}
                for order_id, candidates in zip(
                    conflicts["order_id"], conflicts["candidates"], strict=True
                )
            ],
            "unknown_ids": [
                {"order_id": order_id, "token": token}
                for order_id, token in zip(
                    self.unknown_ids["order_id"], self.unknown_ids["token"], strict=True
                )
            ],
        }

    def explain_document(self, staff_id: str) -> dict[str, Any]:
        """The JSON document of one staff member plus the evidence behind the figure: each
        credited order (or share) and each award, with file and row."""
        document = self.document(staff_id)
        document["orders"] = [
            {
                "order_id": o["order_id"],
                "paid_at": o["paid_at"],
                "paid": money_str(fen_to_yuan(o["paid_fen"])),
                "refund": money_str(fen_to_yuan(o["refund_fen"])),
                "net": money_str(fen_to_yuan(o["net_fen"])),
                "how": o["how"],
                "memo": _text(o["memo"]),
                "chat": None
                if pd.isna(o["chat_file"])
                else {"file": o["chat_file"], "row": int(o["chat_row"]), "time": o["chat_time"]},
                "file": str(o["_file"]),
                "row": int(o["_row"]),
            }
            for o in _records(self.credited_orders(staff_id))
        ]
        document["awards"] = [
            {
                "date": f"{a['date']:%Y-%m-%d}",
                "amount": money_str(fen_to_yuan(a["amount_fen"])),
                "note": _text(a["note"]),
                "file": str(a["_file"]),
                "row": int(a["_row"]),
            }
            for a in _records(self.awards[self.awards["staff_id"] == staff_id])
        ]
        return document

    def credited_orders(self, staff_id: str) -> pd.DataFrame:
        """The orders (or shares) credited to one staff member, by payment time."""
        mine = self.orders[self.orders["staff_id"] == staff_id]
        return mine.sort_values(["paid_at", "order_id"], kind="stable").reset_index(drop=True)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts (for the few rows a JSON document lists)."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def _text(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def rate_str(rate: Decimal) -> str:
    """Decimal('0.0080') → '0.008'; the JSON form of a rate."""
    return f"{rate.normalize():f}"


# ---------------------------------------------------------------- which orders count


def select_orders(orders: pd.DataFrame, rules: CommissionRules, month: Month) -> Selection:
    """Paid orders of the month with net = paid − refunded (fen); unpaid ones never count."""
    needed: list[str] = ["paid_at", rules.month_by]
    for column in needed:
        if column not in orders:
            raise InputError(
                f"orders: the {column} column is needed by commission (month_by: "
                f"{rules.month_by}) but the export has none"
            )
    paid_at = orders["paid_at"]
    paid = paid_at.notna()
    when = orders[rules.month_by] if rules.month_by != "paid_at" else paid_at
    in_month = paid & month.contains(when).fillna(False).astype(bool)
    sel = Selection(orders=pd.DataFrame())
    sel.unpaid = int((~paid).sum())
    closed = pd.Series(False, index=orders.index)
    if "status" in orders:
        words = {normalize_word(w) for w in rules.closed_statuses}
        status = orders["status"].astype("str")
        closed = status.map(lambda v: isinstance(v, str) and normalize_word(v) in words)
        closed = closed.astype(bool)
        sel.closed_before_payment = int((closed & ~paid).sum())
    sel.other_months = int((paid & ~in_month).sum())

    counted = orders[in_month]
    paid_fen = counted["paid_amount_fen"]
    if "refund_amount_fen" in counted:
        given = counted["refund_amount_fen"]
    else:
        given = pd.Series(pd.NA, index=counted.index, dtype="Int64")
    sel.no_refund_files = files_lacking(counted, "refund_amount")
    if "refund_amount_fen" not in counted:
        sel.notes.append("refunds")
        sel.no_refund_files = []
    # Cancelled means refunded: a paid order closed or cancelled afterwards earns nothing,
    # unless its export states the refund (an explicit amount wins).
    cancelled = (closed[in_month] & given.isna() & paid_fen.notna()).astype(bool)
    refund_fen = given.fillna(0).astype("Int64")
    if cancelled.any():
        refund_fen = refund_fen.mask(cancelled, paid_fen)
        sel.cancelled = int(cancelled.sum())
        sel.cancelled_fen = int(paid_fen[cancelled].sum())
    problems = []
    no_amount = paid_fen.isna()
    if no_amount.any():
        bad = counted[no_amount]
        problems.append(
            Problem.at(
                bad,
                column="买家实际支付金额",
                message=f"{int(no_amount.sum())} paid orders of {month} have no paid amount",
                samples=bad["order_id"].astype(str).head(3).tolist(),
                expected="the amount the buyer paid, e.g. 128.50",
            )
        )
    too_much = (refund_fen > paid_fen).fillna(False).astype(bool)
    if too_much.any():
        bad = counted[too_much]
        samples = [
            f"order {o}: refunded {fen_to_yuan(r)} of {fen_to_yuan(p)}"
            for o, r, p in zip(
                bad["order_id"].head(3),
                refund_fen[too_much].head(3),
                paid_fen[too_much].head(3),
                strict=True,
            )
        ]
        problems.append(
            Problem.at(
                bad,
                column="退款金额",
                message=f"{int(too_much.sum())} orders have a refund larger than the payment",
                samples=samples,
                expected="a refund no larger than the paid amount; correct the export row",
            )
        )
    raise_problems(problems)

    keep = [c for c in ("order_id", "buyer", "paid_at", "memo", "flag") if c in counted]
    frame = counted[keep + ["_file", "_row"]].copy()
    for column in ("buyer", "memo"):
        if column not in frame:
            frame[column] = pd.Series(pd.NA, index=frame.index, dtype="str")
    frame["paid_fen"] = paid_fen.astype("int64")
    frame["refund_fen"] = refund_fen.astype("int64")
    frame["net_fen"] = frame["paid_fen"] - frame["refund_fen"]
    sel.orders = frame.reset_index(drop=True)
    return sel


# ---------------------------------------------------------------- attribution


def credit_by_memo(orders: pd.DataFrame, roster: Roster, attribution: Attribution) -> pd.DataFrame:
    """Per order: staff_id (when exactly one staff member is named), candidates and
    unknown_ids (space-separated, NA when none) and how (memo, conflict, no_flag, none)."""
    matcher = MemoMatcher(roster, unknown_id_digits=attribution.unknown_id_digits)
    found = matcher.match(orders["memo"].astype("str"))
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


# ---------------------------------------------------------------- tiers


def reached_tier(net_fen: int, rules: CommissionRules) -> int:
    """Index of the tier whose [from, below) holds `net_fen`."""
    reached = 0
    for i, tier in enumerate(rules.tiers):
        if net_fen >= tier.from_fen:
            reached = i
    return reached


def tier_commission(
    net_fen: int,
    rules: CommissionRules,
    rounding: str = "half_up",
    multiplier: Decimal = Decimal(1),
) -> tuple[Decimal, int]:
    """(commission rounded once to the fen, index of the tier reached) for one staff member.

    whole: net × the reached tier's rate; progressive: each slice [from, below) × its own
    rate, summed unrounded. Both add the reached tier's fixed bonus, and the sum is
    multiplied by the score-level multiplier before the single rounding."""
    index = reached_tier(net_fen, rules)
    net = fen_to_yuan(net_fen)
    tiers: list[Tier] = rules.tiers
    if rules.mode == "whole":
        amount = net * tiers[index].rate
    else:
        amount = Decimal(0)
        for tier in tiers[: index + 1]:
            top = net if tier.below is None else min(net, tier.below)
            amount += (top - tier.from_) * tier.rate
    amount = (amount + tiers[index].bonus) * multiplier
    return round_fen(amount, rounding), index


# ---------------------------------------------------------------- awards


def month_awards(
    incidents: pd.DataFrame | None, kinds: IncidentKinds, month: Month
) -> pd.DataFrame:
    """The `award` incidents dated in the month (evidence rows); an award without an
    amount is a row error."""
    columns = ["staff_id", "date", "kind", "amount_fen", "note", "_file", "_row"]
    if incidents is None or len(incidents) == 0:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    classified = classify_incidents(incidents, kinds)
    awards = classified[
        (classified["kind_id"] == "award") & month.contains(classified["date"]).astype(bool)
    ].copy()
    if "amount_fen" not in awards:
        awards["amount_fen"] = pd.Series(pd.NA, index=awards.index, dtype="Int64")
    if "note" not in awards:
        awards["note"] = pd.Series(pd.NA, index=awards.index, dtype="str")
    missing = awards["amount_fen"].isna()
    if missing.any():
        bad = awards[missing]
        raise_problems(
            [
                Problem.at(
                    bad,
                    column="金额",
                    message=f"{int(missing.sum())} awards (嘉奖) of {month} have no amount",
                    samples=bad["staff_id"].astype(str).head(3).tolist(),
                    expected="the award in yuan, e.g. 200",
                )
            ]
        )
    return awards[columns].reset_index(drop=True)


# ---------------------------------------------------------------- the month


def compute_commission(
    orders: pd.DataFrame,
    roster: Roster,
    month: Month,
    rules: RuleSet,
    *,
    chats: pd.DataFrame | None = None,
    incidents: pd.DataFrame | None = None,
    levels: Mapping[str, str] | None = None,
) -> CommissionResult:
    """Commission of every staff member for `month`.

    `chats` (the raw chat-log frame) is needed by the chat attribution modes; `incidents`
    gives the awards; `levels` (staff_id → score level) applies `level_multipliers`."""
    crules = rules.get(CommissionRules)
    attribution = crules.attribution
    notes: list[str] = []
    selection = select_orders(orders, crules, month)
    counted = selection.orders
    if attribution.require_flag and "flag" not in counted:
        notes.append("flag")
    messages = None
    if crules.uses_chats:
        if chats is None:
            raise UsageError(f"attribution mode {attribution.mode} needs the chat log (聊天记录)")
        messages = normalize_messages(chats, roster, rules.get(ValueWords).chat_direction)
    credited = attribute_orders(counted, roster, attribution, messages)
    conflicts = _conflicts(credited)
    if attribution.conflicts == "split":
        credited = split_conflicts(credited)
    unknown = _unknown_ids(credited)
    awards = month_awards(incidents, rules.get(IncidentKinds), month)
    if len(awards):
        roster.require_known(awards["staff_id"], "incidents (嘉奖)")
    if crules.level_multipliers and levels is None:
        notes.append("levels")
    if incidents is None:
        notes.append("no_incidents")
    staff = staff_table(credited, awards, roster, month, crules, rules.settings.rounding, levels)
    return CommissionResult(
        month=month,
        rules=crules,
        staff=staff,
        orders=credited.reindex(columns=ORDER_COLUMNS),
        conflicts=conflicts,
        unknown_ids=unknown,
        awards=awards,
        selection=selection,
        notes=selection.notes + notes,
    )


def order_fields(rules: CommissionRules) -> list[str]:
    """The order columns the rules need."""
    fields = ["order_id", "paid_amount", "paid_at"]
    if rules.attribution.mode in ("memo", "memo_then_last_chat"):
        fields.append("memo")
    if rules.uses_chats:
        fields.append("buyer")
    if rules.month_by != "paid_at":
        fields.append(rules.month_by)
    return fields


def _conflicts(credited: pd.DataFrame) -> pd.DataFrame:
    rows = credited[credited["how"] == "conflict"]
    return pd.DataFrame(
        {
            "order_id": rows["order_id"],
            "candidates": rows["candidates"].str.split(" "),
            "memo": rows["memo"],
            "net_fen": rows["net_fen"],
            "_file": rows["_file"].astype("str"),
            "_row": rows["_row"],
        }
    ).reset_index(drop=True)


def _unknown_ids(credited: pd.DataFrame) -> pd.DataFrame:
    rows = credited[credited["unknown_ids"].notna()].drop_duplicates("order_id")
    tokens = rows.assign(token=rows["unknown_ids"].str.split(" ")).explode("token")
    tokens = tokens.drop_duplicates(["order_id", "token"])
    return pd.DataFrame(
        {
            "order_id": tokens["order_id"],
            "token": tokens["token"].astype("str"),
            "memo": tokens["memo"],
            "_file": tokens["_file"].astype("str"),
            "_row": tokens["_row"],
        }
    ).reset_index(drop=True)


def staff_table(
    credited: pd.DataFrame,
    awards: pd.DataFrame,
    roster: Roster,
    month: Month,
    rules: CommissionRules,
    rounding: str,
    levels: Mapping[str, str] | None,
) -> pd.DataFrame:
    """A row per staff member (active in the month, or credited, or awarded), by 工号."""
    mine = credited[credited["staff_id"].notna()]
    sums = mine.groupby("staff_id", sort=True).agg(
        orders=("order_id", "size"),
        sales_fen=("paid_fen", "sum"),
        refunds_fen=("refund_fen", "sum"),
        net_fen=("net_fen", "sum"),
    )
    award_fen = (
        awards.groupby("staff_id")["amount_fen"].sum() if len(awards) else pd.Series(dtype="int64")
    )
    ids = set(roster.active_in(month)["staff_id"]) | set(sums.index) | set(award_fen.index)
    names = roster.name_of()
    multipliers = rules.level_multipliers if levels is not None else {}
    rows = []
    for staff_id in sorted(ids):
        # A loop over staff (tens): Decimal arithmetic, one rounding per person.
        got = sums.loc[staff_id] if staff_id in sums.index else None
        net_fen = int(got["net_fen"]) if got is not None else 0
        level = levels.get(staff_id) if levels is not None else None
        multiplier = multipliers.get(level, Decimal(1)) if level is not None else Decimal(1)
        commission, tier = tier_commission(net_fen, rules, rounding, multiplier)
        awards_yuan = fen_to_yuan(int(award_fen.get(staff_id, 0)))
        rows.append(
            {
                "staff_id": staff_id,
                "name": names.get(staff_id, ""),
                "orders": int(got["orders"]) if got is not None else 0,
                "sales": fen_to_yuan(int(got["sales_fen"]) if got is not None else 0),
                "refunds": fen_to_yuan(int(got["refunds_fen"]) if got is not None else 0),
                "net_sales": fen_to_yuan(net_fen),
                "net_fen": net_fen,
                "tier": tier + 1,
                "tier_range": rules.tiers[tier].label(),
                "rate": rules.tiers[tier].rate,
                "level": level,
                "multiplier": multiplier,
                "commission": commission,
                "awards": awards_yuan,
                "total": commission + awards_yuan,
            }
        )
    columns = [
        "staff_id",
        "name",
        "orders",
        "sales",
        "refunds",
        "net_sales",
        "net_fen",
        "tier",
        "tier_range",
        "rate",
        "level",
        "multiplier",
        "commission",
        "awards",
        "total",
    ]
    return pd.DataFrame(rows, columns=columns)
