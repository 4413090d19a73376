"""Sales commission 提成 of a month (DOMAIN.md §3): credit orders to staff, apply the tiers.

The flow, all vectorised over orders:

1. `select_orders`: the orders that count — paid (a 订单付款时间) and inside the month by
   the rule's `month_by` time; net = paid − refunded, in integer fen. A refund larger
   than the payment, or a paid order without an amount, is a row error.
2. `attribute_orders` (`csops.domain.attribution`): who is credited and how — the memo
   工号/nickname (`csops.domain.memo.MemoMatcher`), the chat log (the staff member who
   last/first wrote to the buyer within `chat_window_hours` before payment, by
   `pd.merge_asof`), or both.
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

import pandas as pd

from csops.domain.attribution import attribute_orders, split_conflicts
from csops.domain.chatlog import normalize_messages
from csops.domain.incidents import classify_incidents
from csops.domain.money import fen_to_yuan, round_fen
from csops.domain.period import Month
from csops.domain.roster import Roster
from csops.errors import InputError, Problem, UsageError, files_lacking, raise_problems
from csops.rules.base import normalize_word
from csops.rules.commission import CommissionRules, Tier
from csops.rules.loader import RuleSet
from csops.rules.vocab import IncidentKinds, ValueWords

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

    def credited_orders(self, staff_id: str) -> pd.DataFrame:
        """The orders (or shares) credited to one staff member, by payment time."""
        mine = self.orders[self.orders["staff_id"] == staff_id]
        return mine.sort_values(["paid_at", "order_id"], kind="stable").reset_index(drop=True)


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
