"""Exports whose rows are not the rows csops counts, turned into those rows per file.

- An order export with a row per item (JD, ERP line exports): one row per order; the
  order-level amounts repeated on each line must agree and are read once.
- A 子订单 sheet (千牛, 抖店): the items of an order summed into one order.
- A punch per row (DingTalk 原始记录, a time clock): a row per person per day with the
  first and the last punch.
- A conversation per row with the whole transcript in one cell: a row per message.

Each function takes the cleaned frame of one file and returns the reshaped frame, the
problems found and the notes to show; the rows keep `_file` and the `_row` of the first
source row (punch days also `_row_out`, the row of their last punch).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from csops.errors import Problem
from csops.ingest.clean_times import parse_datetime_text
from csops.rules.base import normalize_word

MONEY_COLUMNS = ("paid_amount_fen", "refund_amount_fen", "payable_amount_fen", "balance_amount_fen")


@dataclass
class Reshaped:
    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _first_per_group(frame: pd.DataFrame, keys: list[str], columns: list[str]) -> pd.DataFrame:
    """Per group (in the order groups first appear): the first non-empty value of each
    column, and `_row` of the group's first row."""
    grouped = frame.groupby(keys, sort=False, dropna=False, observed=True)
    out = grouped[columns].first() if columns else grouped.size().to_frame("_n")[[]]
    out["_row"] = grouped["_row"].min()
    return out.reset_index()


def _titles(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """The distinct item titles of each group, joined: `浴巾 / 毛巾 / 拖鞋 …`."""

    def join(values: pd.Series) -> str | None:
        distinct = list(dict.fromkeys(v for v in values if isinstance(v, str) and v))
        if not distinct:
            return None
        shown = " / ".join(distinct[:3])
        return shown + (" …" if len(distinct) > 3 else "")

    grouped = frame.groupby(keys, sort=False, dropna=False, observed=True)["title"]
    return grouped.agg(join).reset_index(drop=True)


def collapse_order_lines(frame: pd.DataFrame, display: str) -> Reshaped:
    """One row per order of an export that lists an order on several rows, one per item,
    with the order's amounts repeated (JD, 聚水潭 and 旺店通 line exports). Rows of an
    order whose amounts differ are left as they are: two copies of one order disagree, or
    the amount is per item, and reading it once or adding it up would both be a guess
    (the rows are then reported as one order twice).

    An ERP line export whose lines carry the platform's number per line (旺店通 子单原始单号)
    may hold several platform orders in one ERP order, with the ERP order's amounts on
    every line: such rows become one order, its platform numbers joined (`A,B`, as 旺店通
    writes merged orders), so the amount is read once."""
    money = [c for c in MONEY_COLUMNS if c in frame]
    notes: list[str] = []
    if "erp_order_id" in frame and frame["erp_order_id"].notna().any():
        frame, merged_note = _join_erp_orders(frame, money, display)
        notes += merged_note
    repeated = frame.duplicated("order_id", keep=False) & frame["order_id"].notna()
    if not repeated.any():
        return Reshaped(frame, notes=notes)
    lines = frame[repeated]
    spread = lines.groupby("order_id", sort=False)[money].nunique(dropna=False)
    agree = spread.index[(spread <= 1).all(axis=1)] if money else spread.index
    joined = repeated & frame["order_id"].isin(agree)
    if not joined.any():
        return Reshaped(frame, notes=notes)
    columns = [c for c in frame.columns if c not in ("order_id", "_row", "_file")]
    merged = _first_per_group(frame[joined], ["order_id"], columns)
    if "title" in frame:
        merged["title"] = _titles(frame[joined], ["order_id"]).to_numpy()
    merged["_file"] = frame["_file"].iloc[0]
    merged = merged[list(frame.columns)].astype(frame.dtypes.to_dict())
    out = pd.concat([frame[~joined], merged]).sort_values("_row", kind="stable")
    note = (
        f"{display}: {len(merged)} orders are listed on several rows (one per item); each "
        "was counted once, its amounts read once"
    )
    return Reshaped(out.reset_index(drop=True), notes=[*notes, note])


def _join_erp_orders(
    frame: pd.DataFrame, money: list[str], display: str
) -> tuple[pd.DataFrame, list[str]]:
    """Rows of one ERP order that name several platform orders, with the same amounts on
    each: their order numbers joined into one (see `collapse_order_lines`)."""
    erp = frame["erp_order_id"]
    listed = frame[erp.notna()]
    spans = listed.groupby("erp_order_id", sort=False)["order_id"].nunique()
    several = spans[spans > 1].index
    if not len(several):
        return frame, []
    rows = listed[listed["erp_order_id"].isin(several)]
    spread = rows.groupby("erp_order_id", sort=False)[money].nunique(dropna=False)
    agree = (spread <= 1).all(axis=1) if money else pd.Series(True, index=several)
    joinable = agree[agree].index
    if not len(joinable):
        return frame, []
    ids = (
        rows[rows["erp_order_id"].isin(joinable)]
        .groupby("erp_order_id", sort=False)["order_id"]
        .agg(lambda v: ",".join(dict.fromkeys(str(x) for x in v if isinstance(x, str))))
    )
    out = frame.copy()
    mine = out["erp_order_id"].isin(joinable)
    out.loc[mine, "order_id"] = out.loc[mine, "erp_order_id"].map(ids)
    note = (
        f"{display}: {len(joinable)} ERP orders hold several platform orders each (e.g. "
        f"{ids.iloc[0]}); the ERP order's amount was read once, under the joined numbers"
    )
    return out, [note]


def orders_from_items(
    frame: pd.DataFrame, display: str, closed_words: frozenset[str] = frozenset()
) -> Reshaped:
    """The items of a 子订单 sheet as orders: amounts per item added up, the order's other
    fields from its first item that has them.

    An item whose status is a closed word (`closed_words`, normalized) and whose refund
    the sheet does not give is refunded in full before the items are added up (抖店 closes
    items of an order one by one); the order's status is then that of its first open
    item, or closed when every item is."""
    if frame.empty:
        return Reshaped(frame.drop(columns=["item_id"]))
    frame = frame.copy()
    if "status" in frame and closed_words:
        closed = (
            frame["status"]
            .map(lambda v: isinstance(v, str) and normalize_word(v) in closed_words)
            .astype(bool)
        )
        if "refund_amount_fen" not in frame:
            frame["refund_amount_fen"] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
        unstated = closed & frame["refund_amount_fen"].isna() & frame["paid_amount_fen"].notna()
        partly = unstated & ~closed.groupby(frame["order_id"]).transform("all")
        frame["refund_amount_fen"] = frame["refund_amount_fen"].mask(
            partly, frame["paid_amount_fen"]
        )
        # An order of open and closed items: its status from an open one.
        frame["status"] = frame["status"].where(
            ~closed | ~partly.groupby(frame["order_id"]).transform("any")
        )
    money = [c for c in MONEY_COLUMNS if c in frame]
    others = [c for c in frame.columns if c not in ("order_id", "item_id", "_row", "_file", *money)]
    out = _first_per_group(frame, ["order_id"], others)
    grouped = frame.groupby("order_id", sort=False, dropna=False)
    for column in money:
        summed = grouped[column].sum(min_count=1)  # NA when no item has an amount
        out[column] = summed.reindex(out["order_id"]).to_numpy()
    if "title" in frame:
        out["title"] = _titles(frame, ["order_id"]).to_numpy()
    out["_file"] = frame["_file"].iloc[0]
    keep = [c for c in frame.columns if c != "item_id"]
    out = out[keep].astype({c: frame[c].dtype for c in keep})
    note = (
        f"{display}: {len(frame)} items of {len(out)} orders were added up per order "
        "(a 子订单 sheet: its amounts are per item)"
    )
    return Reshaped(out, notes=[note])


# ---------------------------------------------------------------- punches


def days_from_punches(
    frame: pd.DataFrame, display: str, night_until_minutes: int, repeat_minutes: int = 0
) -> Reshaped:
    """A row per person per day from a punch per row: the first punch as the clock-in and,
    when the day has two or more, the last as the clock-out (`punch_count` says how many:
    the scoring decides which side a day's only punch is on). A last punch within
    `repeat_minutes` of the first is the same punch twice (a double tap). Without an
    attendance-day column a punch before `night_until_minutes` after midnight belongs to
    the day before (an evening shift's clock-out after midnight)."""
    punches = frame[frame["time"].notna()].copy()
    if "date" not in punches or punches["date"].isna().all():
        clock = punches["time"].dt.hour * 60 + punches["time"].dt.minute
        day = punches["time"].dt.normalize()
        punches["date"] = day - pd.to_timedelta((clock < night_until_minutes).astype(int), "D")
        note = (
            f"{display}: punch records without an attendance-day column; a punch before "
            f"{night_until_minutes // 60:02d}:{night_until_minutes % 60:02d} counts for the "
            "day before"
        )
        notes = [note]
    else:
        notes = []
    # Rows name a person by 工号 or, where the export has none, by 姓名.
    ids = punches["staff_id"] if "staff_id" in punches else pd.Series(pd.NA, index=punches.index)
    names = punches["name"] if "name" in punches else pd.Series(pd.NA, index=punches.index)
    punches["_who"] = ids.astype("str").fillna("\0" + names.astype("str").fillna(""))
    punches = punches.sort_values(["_who", "date", "time", "_row"], kind="stable")
    keys = ["_who", "date"]
    grouped = punches.groupby(keys, sort=False, observed=True)
    first = grouped.head(1).set_index(keys)
    last = grouped.tail(1).set_index(keys)
    counts = grouped.size()
    span = last["time"] - first["time"]
    counts = counts.where(span > pd.Timedelta(minutes=repeat_minutes), 1)
    out = pd.DataFrame(index=first.index)
    for column in ("staff_id", "name", "shift"):
        if column in punches:
            out[column] = grouped[column].first()
    out["clock_in"] = first["time"]
    many = counts > 1
    out["clock_out"] = last["time"].where(many)
    if "result" in punches:
        out["clock_in_result"] = first["result"]
        out["clock_out_result"] = last["result"].where(many)
    out["punch_count"] = counts.astype("int64")
    out["_file"] = punches["_file"].iloc[0] if len(punches) else display
    out["_row"] = first["_row"].astype("int64")
    out["_row_out"] = last["_row"].where(many).astype("Int64")
    out = out.reset_index().drop(columns=["_who"], errors="ignore")
    out["date"] = out["date"].astype("datetime64[us]")
    notes.append(
        f"{display}: {len(punches)} punches read as {len(out)} attendance days (first and "
        "last punch of each day); days without any punch are not in such an export"
    )
    return Reshaped(out, notes=notes)


# ---------------------------------------------------------------- transcripts

_STAMP = r"(?P<time>\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?)"
_CLOCK = r"(?P<clock>\d{1,2}:\d{2}:\d{2})"
# Line forms of transcripts copied from 千牛 and the tools that save them, most specific
# first (docs/inputs.md names their sources). A header line starts a message; the lines
# after it, until the next header, are its text.
_LINE_FORMS = [
    # [time] 店铺:小美: text — a staff name holds a colon itself; tried before the plain one.
    re.compile(rf"^\[{_STAMP}\]\s*(?P<name>[^\s:：]+[:：][^\s:：]+)[:：]\s*(?P<text>.*)$"),
    re.compile(rf"^\[{_STAMP}\]\s*(?P<name>[^:：]+?)\s*[:：]\s*(?P<text>.*)$"),
    re.compile(rf"^(?P<name>.+?)\s*-->\s*(?P<to>.+?)\s*{_STAMP}$"),
    re.compile(rf"^(?P<name>.+?)\s*[（(]{_STAMP}[)）]\s*[:：]?\s*(?P<text>.*)$"),
    re.compile(rf"^(?P<name>.*?\S)\s*{_STAMP}$"),
    re.compile(rf"^{_STAMP}\s*(?P<name>\S.*)$"),
    re.compile(rf"^(?P<name>.+?)\s*[（(]{_CLOCK}[)）]$"),
]
_DATE_LINE = re.compile(r"^(?P<date>\d{4}[-/.]\d{1,2}[-/.]\d{1,2})$")
_STATUS_LINES = {"已读", "未读", "发送中"}


def _sender_like(name: str, known: set[str]) -> bool:
    """Whether a header line's name can be a sender: one of the row's parties, or a
    店铺名:子账号 name; with no party known, any name. Otherwise the line is message text
    that happens to end in a time (`预计 2026-10-05 18:00 发货`)."""
    return not known or name in known or ":" in name or "：" in name


def _split(
    transcript: str, day: str | None, known: set[str] | None = None
) -> list[tuple[str, str | None, str]]:
    """(sender, time text, text) of each message of one transcript; the time is None for
    a message whose time the transcript does not give. `known`: the row's buyer and
    account. A clock-only time earlier than the message before it is on the next day."""
    known = known or set()
    messages: list[list[str | None]] = []
    last_clock = ""
    for raw in transcript.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line or line in _STATUS_LINES:
            continue
        dated = _DATE_LINE.match(line)
        if dated:
            day, last_clock = dated.group("date"), ""
            continue
        for form in _LINE_FORMS:
            found = form.match(line)
            if found and _sender_like(found.group("name").strip(), known):
                parts = found.groupdict()
                stamp = parts.get("time")
                clock = parts.get("clock")
                if stamp is None and clock and day:
                    if last_clock and clock.zfill(8) < last_clock:
                        day = f"{pd.Timestamp(day) + pd.Timedelta(days=1):%Y-%m-%d}"
                    last_clock = clock.zfill(8)
                    stamp = f"{day} {clock}"
                messages.append([parts["name"].strip(), stamp, parts.get("text") or ""])
                break
        else:
            if messages:
                text = messages[-1][2]
                messages[-1][2] = f"{text}\n{line}" if text else line
    return [(str(m[0]), m[1], str(m[2])) for m in messages]


def _is_staff_name(name: str, account: str | None) -> bool:
    """A staff sender: the row's account, or a 店铺名:子账号 name (千牛 writes staff so)."""
    if account and name == account:
        return True
    return ":" in name or "：" in name


def messages_from_transcripts(
    frame: pd.DataFrame, display: str, header: str, buyer_word: str, staff_word: str
) -> Reshaped:
    """A row per message from a conversation per row. The direction comes from the
    sender: the row's buyer, or a 店铺名:子账号 / the row's account for staff."""
    rows: list[dict[str, object]] = []
    untimed: list[int] = []
    has_account = "account" in frame
    has_buyer = "buyer" in frame
    starts = frame["start"] if "start" in frame else pd.Series(pd.NaT, index=frame.index)
    for position, transcript in enumerate(frame["transcript"].tolist()):
        if not isinstance(transcript, str):
            continue
        row_number = int(frame["_row"].iloc[position])
        start = starts.iloc[position]
        day = None if pd.isna(start) else f"{start:%Y-%m-%d}"
        account = frame["account"].iloc[position] if has_account else None
        buyer = frame["buyer"].iloc[position] if has_buyer else None
        account = account if isinstance(account, str) else None
        buyer = buyer if isinstance(buyer, str) else None
        found = _split(transcript, day, {n for n in (buyer, account) if n})
        if not found or any(stamp is None for _, stamp, _ in found):
            untimed.append(row_number)
            continue
        staff_names = [n for n, _, _ in found if n != buyer and _is_staff_name(n, account)]
        replying = account or (staff_names[0] if staff_names else None)
        for name, stamp, text in found:
            from_buyer = (buyer is not None and name == buyer) or not _is_staff_name(name, account)
            rows.append(
                {
                    "account": replying if from_buyer else name,
                    "buyer": buyer if buyer is not None else (name if from_buyer else None),
                    "time": stamp,
                    "direction": buyer_word if from_buyer else staff_word,
                    "text": text,
                    "_row": row_number,
                }
            )
    problems: list[Problem] = []
    if untimed:
        problems.append(
            Problem(
                file=display,
                column=header,
                message=f"a chat export with one conversation per row, and {len(untimed)} of "
                "its transcripts have messages without a time csops can read",
                rows=untimed[:10],
                count=len(untimed),
                expected="a time on every message, e.g. 小美 2026-10-03 14:05:01 or "
                "[2026-10-03 14:05:01] 小美: 您好 (or export the chat records with a row "
                "per message)",
            )
        )
    out = pd.DataFrame(rows, columns=["account", "buyer", "time", "direction", "text", "_row"])
    times, _ = parse_datetime_text(out["time"].astype("str"))
    out["time"] = times.astype("datetime64[us]")
    for column in ("account", "buyer", "direction", "text"):
        out[column] = out[column].astype("str")
    out["_file"] = pd.Series(display, index=out.index, dtype="category")
    out["_row"] = out["_row"].astype("int64")
    notes = [
        f"{display}: {len(frame)} conversations (a transcript per row) split into "
        f"{len(out)} messages"
    ]
    return Reshaped(out, problems, notes)


__all__ = [
    "Reshaped",
    "collapse_order_lines",
    "days_from_punches",
    "messages_from_transcripts",
    "orders_from_items",
]
