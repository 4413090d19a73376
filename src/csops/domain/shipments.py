"""The daily shipping lists (DOMAIN.md §5): paid orders not yet shipped, by urgency, and
unpaid orders that are due a payment reminder.

An order is *unshipped at `as_of`* when it was paid by then and either its ship time lies
after `as_of` (a past `--as-of` replays that moment) or it has no ship time and its
status is awaiting shipment, empty or a word the rules do not know. Hours are wall-clock
hours from payment to `as_of`; the lines (warning / overdue / late) come from
`rules/shipping.yaml`, per campaign period chosen by the payment time. Ages are compared
in whole microseconds, so exactly 24 h is `warning` and 47:59 is not yet `overdue`.

Only the listed orders (a few hundred of a million) go through the memo matcher that says
who handles each one; everything before that is whole-column numpy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from csops.domain.memo import MemoMatcher
from csops.domain.privacy import mask_buyers
from csops.domain.roster import Roster
from csops.rules.shipping import (
    LEVEL_NAMES,
    LevelName,
    ShippingRules,
    normalize_word,
)

US_PER_HOUR = 3_600_000_000
US_PER_MINUTE = 60_000_000
_NAT = np.iinfo(np.int64).min


@dataclass
class ShippingList:
    """Paid orders unshipped at `as_of`, most urgent first (see `unshipped_orders`)."""

    as_of: pd.Timestamp
    orders: pd.DataFrame
    counts: dict[str, int]
    by_staff: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def at_or_past(self, level: LevelName) -> int:
        """How many listed orders have reached `level` or a later one."""
        rank = LEVEL_NAMES.index(level)
        return sum(self.counts[name] for name in LEVEL_NAMES[rank:])


@dataclass
class UnpaidList:
    """Orders created at least `after_hours` before `as_of` and still unpaid then."""

    as_of: pd.Timestamp
    after_hours: float
    orders: pd.DataFrame
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- helpers


def _micros(times: pd.Series) -> np.ndarray:
    """datetime64 of any unit → int64 microseconds; NaT → int64 min."""
    return times.to_numpy(dtype="datetime64[us]").astype(np.int64)


def _column(frame: pd.DataFrame, name: str) -> pd.Series | None:
    return frame[name] if name in frame.columns else None


def _times(frame: pd.DataFrame, name: str) -> np.ndarray:
    column = _column(frame, name)
    if column is None:
        return np.full(len(frame), _NAT, dtype=np.int64)
    return _micros(column)


def _words(values: pd.Series | None, n: int, lookup: dict[str, str]) -> tuple[np.ndarray, ...]:
    """Per row: the group a word maps to ('' when none), whether the cell is empty, and the
    word as written (for notes). Each distinct word is normalised once."""
    if values is None:
        empty = np.full(n, "", dtype=object)
        return empty, np.ones(n, dtype=bool), empty
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    groups = np.array([lookup.get(normalize_word(str(u)), "") for u in uniques] + [""], object)
    written = np.array([str(u) for u in uniques] + [""], dtype=object)
    return groups[codes], codes < 0, written[codes]


def _word_note(words: np.ndarray, head: str, tail: str) -> str | None:
    if not len(words):
        return None
    counts = pd.Series(words).value_counts()
    shown = ", ".join(f"{w!r} ({n})" for w, n in counts.head(8).items())
    more = f" and {len(counts) - 8} more" if len(counts) > 8 else ""
    return f"{head}: {shown}{more}; {tail}"


def assign_staff(
    memos: pd.Series | None,
    index: pd.Index,
    roster: Roster | None,
    at: pd.Series | None = None,
) -> pd.DataFrame:
    """Who handles each order: `staff_id` and `staff_name` from its memo (订单备注);
    `memos` is aligned with `index` (the listed orders only: matching is per memo text).

    With a roster, the 工号 / nicknames on it are matched (MemoMatcher). A memo that names
    two staff gives `1003/1004`. Without a roster, or when the memo's 4-digit number is not
    on the roster, the number as written is shown (name empty): the memo is the only
    record of who took the order, so it is passed on rather than dropped.
    """
    out = pd.DataFrame(
        {
            "staff_id": pd.Series(pd.NA, index=index, dtype="str"),
            "staff_name": pd.Series(pd.NA, index=index, dtype="str"),
        }
    )
    if memos is None or len(index) == 0:
        return out
    matcher = MemoMatcher(roster if roster is not None else _empty_roster())
    matched = matcher.match(memos, at=at)  # `at`: payment times, for accounts handed over
    ids = matched["candidates"].fillna(matched["unknown_ids"]).str.replace(" ", "/")
    out["staff_id"] = ids
    if roster is not None:
        names = pd.Series(roster.name_of(), dtype="str")
        out["staff_name"] = matched["staff_id"].map(names).astype("str")
    return out


def _empty_roster() -> Roster:
    text = pd.Series([], dtype="str")
    return Roster.from_frame(
        pd.DataFrame({"staff_id": text, "name": text, "accounts": text, "_file": text, "_row": []})
    )


def _floor_tenths(micros: np.ndarray) -> np.ndarray:
    """Microseconds → hours floored to 0.1 h (47:59 shows 47.9, never 48.0)."""
    return np.floor_divide(micros, US_PER_HOUR // 10) / 10


# ---------------------------------------------------------------- overdue shipments


def unshipped_orders(
    orders: pd.DataFrame,
    rules: ShippingRules,
    as_of: pd.Timestamp,
    *,
    roster: Roster | None = None,
    min_level: LevelName = "warning",
    mask: bool = False,
) -> ShippingList:
    """Paid orders unshipped at `as_of` that reached `min_level` or later, most urgent first.

    Columns of `.orders`: order_id, paid_at, hours_unshipped (floored to 0.1 h), level,
    campaign, deadline (the late line, or a presale's promised time), minutes_left (to the
    deadline, negative when past), staff_id, staff_name, buyer, title, _file, _row.
    Urgency is the time left to the deadline; with one set of lines that is the same as
    hours unshipped, descending.
    """
    n = len(orders)
    now = _micros(pd.Series([as_of]))[0]
    paid = _times(orders, "paid_at")
    shipped = _times(orders, "shipped_at")
    promised = _times(orders, "promised_ship_at")
    has_paid = paid != _NAT
    age = np.where(has_paid, now - paid, np.int64(-1))

    lookup: dict[str, str] = dict(rules.status.lookup())
    group, status_empty, status_text = _words(_column(orders, "status"), n, lookup)
    refund_lookup = {normalize_word(w): "exclude" for w in rules.refund_excludes}
    refund_lookup |= {normalize_word(w): "keep" for w in rules.refund_keeps}
    refund, refund_empty, refund_text = _words(_column(orders, "refund_status"), n, refund_lookup)

    # The lines of each order: the default ones, or its campaign's (by payment time).
    lines = {lv: np.full(n, _us(rules.levels.hours(lv)), dtype=np.int64) for lv in LEVEL_NAMES}
    campaign = np.full(n, "", dtype=object)
    for period in rules.campaigns:
        start = np.datetime64(period.start, "us").astype(np.int64)
        end = np.datetime64(period.end, "us").astype(np.int64)
        inside = has_paid & (paid >= start) & (paid < end)
        for lv in LEVEL_NAMES:
            lines[lv][inside] = _us(period.levels.hours(lv))
        campaign[inside] = period.name

    shipped_known = shipped != _NAT
    status_unknown = (group == "") & ~status_empty
    status_allows = (group == "awaiting_shipment") | (group == "")
    unshipped = has_paid & (age >= 0) & np.where(shipped_known, shipped > now, status_allows)
    reached = unshipped & (age >= lines["warning"])
    in_refund = refund == "exclude"
    deadline = paid + lines["late"]
    presale = np.zeros(n, dtype=bool)
    if rules.presale_waits:
        presale = (promised != _NAT) & has_paid & (promised > deadline)
        deadline = np.where(presale, promised, deadline)
    waiting = presale & (promised > now)
    listed = reached & ~in_refund & ~waiting
    held_off = has_paid & ~shipped_known & (group == "held") & (age >= lines["warning"])

    floor = lines[min_level]
    keep = listed & (age >= floor)
    level = np.select(
        [age >= lines["late"], age >= lines["overdue"]], ["late", "overdue"], "warning"
    )

    notes: list[str] = []
    _count_note(notes, reached & in_refund, "orders in refund (refund_excludes) left off the list")
    _count_note(
        notes, reached & ~in_refund & waiting, "presale orders wait for their promised ship time"
    )
    _count_note(notes, held_off, "paid orders on hold (status group held, e.g. 锁定) left off")
    if _column(orders, "shipped_at") is None:
        _count_note(
            notes,
            keep & status_empty,
            "orders have neither a ship time column nor a status; listed as unshipped",
        )
    for note in (
        _word_note(
            status_text[keep & status_unknown],
            "order-status words not in rules/shipping.yaml (treated as awaiting shipment)",
            "add each to its group under status:",
        ),
        _word_note(
            refund_text[keep & ~refund_empty & (refund == "")],
            "refund-status words in neither refund_excludes nor refund_keeps (kept on the list)",
            "add each to one of them in rules/shipping.yaml",
        ),
    ):
        if note:
            notes.append(note)
    used = pd.Series(campaign[keep & (campaign != "")]).value_counts()
    for name, count in used.items():
        notes.append(f"{count} listed orders were paid during campaign {name} and use its lines")

    rows = np.flatnonzero(keep)
    minutes_left = np.floor_divide(deadline[rows] - now, US_PER_MINUTE)
    order = np.lexsort(
        (orders["order_id"].iloc[rows].to_numpy(dtype=str), -age[rows], minutes_left)
    )
    rows, minutes_left = rows[order], minutes_left[order]
    picked = orders.iloc[rows]
    index = picked.index
    staff = assign_staff(_column(picked, "memo"), index, roster, _column(picked, "paid_at"))
    buyer = _text(picked, "buyer")
    out = pd.DataFrame(
        {
            "order_id": picked["order_id"],
            "paid_at": picked["paid_at"],
            "hours_unshipped": _floor_tenths(age[rows]),
            "level": pd.Series(level[rows], index=index, dtype="str"),
            "campaign": pd.Series(campaign[rows], index=index, dtype="str").replace("", pd.NA),
            "deadline": pd.Series(deadline[rows].astype("datetime64[us]"), index=index),
            "minutes_left": minutes_left,
            "staff_id": staff["staff_id"],
            "staff_name": staff["staff_name"],
            "buyer": mask_buyers(buyer) if mask else buyer,
            "title": _text(picked, "title"),
            "_file": picked["_file"].astype("str") if "_file" in picked else pd.NA,
            "_row": picked["_row"] if "_row" in picked else pd.NA,
        },
        index=index,
    ).reset_index(drop=True)
    counts: dict[str, int] = {lv: int((out["level"] == lv).sum()) for lv in LEVEL_NAMES}
    return ShippingList(as_of, out, counts, staff_counts(out), notes)


def _us(hours: float) -> np.int64:
    return np.int64(round(hours * US_PER_HOUR))


def _text(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name].astype("str")
    return pd.Series(pd.NA, index=frame.index, dtype="str")


def _count_note(notes: list[str], mask: np.ndarray, text: str) -> None:
    count = int(mask.sum())
    if count:
        notes.append(f"{count} {text}")


def staff_counts(listed: pd.DataFrame) -> pd.DataFrame:
    """Per handler (staff_id; NA = no staff in the memo): orders per level and in total,
    most orders first, the unassigned row last."""
    key = listed["staff_id"].fillna("").to_numpy(dtype=object)
    flags: dict[str, np.ndarray] = {
        lv: (listed["level"] == lv).to_numpy(dtype=np.int64) for lv in LEVEL_NAMES
    }
    table = pd.DataFrame(
        {"staff_id": key, "staff_name": listed["staff_name"].to_numpy(dtype=object), **flags}
    )
    grouped = table.groupby("staff_id", sort=False)
    out = grouped[list(LEVEL_NAMES)].sum()
    out["staff_name"] = grouped["staff_name"].first()
    out["total"] = out[list(LEVEL_NAMES)].sum(axis=1)
    out["unassigned"] = out.index == ""
    out = out.sort_values(["unassigned", "total"], ascending=[True, False], kind="stable")
    out = out.reset_index()
    out["staff_id"] = out["staff_id"].replace("", None).astype("str")
    out["staff_name"] = out["staff_name"].astype("str")
    return out[["staff_id", "staff_name", *LEVEL_NAMES, "total"]].reset_index(drop=True)


# ---------------------------------------------------------------- unpaid orders


def unpaid_orders(
    orders: pd.DataFrame,
    rules: ShippingRules,
    as_of: pd.Timestamp,
    after_hours: float,
    *,
    roster: Roster | None = None,
    mask: bool = False,
) -> UnpaidList:
    """Orders created at least `after_hours` before `as_of`, unpaid then, and not closed.

    Unpaid at `as_of`: a payment time after `as_of`, or no payment time and a status that
    is unpaid, empty or unknown (a status of a paid, closed or held order excludes it).
    Oldest first. Columns: order_id, created_at, hours_unpaid, staff_id, staff_name,
    buyer, title, _file, _row.
    """
    n = len(orders)
    now = _micros(pd.Series([as_of]))[0]
    created = _times(orders, "created_at")
    paid = _times(orders, "paid_at")
    lookup: dict[str, str] = dict(rules.status.lookup())
    group, status_empty, status_text = _words(_column(orders, "status"), n, lookup)
    age = np.where(created != _NAT, now - created, np.int64(-1))
    old_enough = (created != _NAT) & (age >= _us(after_hours))
    status_unknown = (group == "") & ~status_empty
    unpaid = np.where(paid != _NAT, paid > now, (group == "unpaid") | (group == ""))
    keep = old_enough & unpaid

    notes: list[str] = []
    note = _word_note(
        status_text[keep & status_unknown],
        "order-status words not in rules/shipping.yaml (treated as unpaid)",
        "add each to its group under status:",
    )
    if note:
        notes.append(note)

    rows = np.flatnonzero(keep)
    order = np.lexsort((orders["order_id"].iloc[rows].to_numpy(dtype=str), -age[rows]))
    rows = rows[order]
    picked = orders.iloc[rows]
    index = picked.index
    staff = assign_staff(_column(picked, "memo"), index, roster, _column(picked, "paid_at"))
    buyer = _text(picked, "buyer")
    out = pd.DataFrame(
        {
            "order_id": picked["order_id"],
            "created_at": picked["created_at"],
            "hours_unpaid": _floor_tenths(age[rows]),
            "staff_id": staff["staff_id"],
            "staff_name": staff["staff_name"],
            "buyer": mask_buyers(buyer) if mask else buyer,
            "title": _text(picked, "title"),
            "_file": picked["_file"].astype("str") if "_file" in picked else pd.NA,
            "_row": picked["_row"] if "_row" in picked else pd.NA,
        },
        index=index,
    ).reset_index(drop=True)
    return UnpaidList(as_of, after_hours, out, notes)
