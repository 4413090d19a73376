"""Small hand-made chat logs, orders and a roster for the chat KPI tests."""

from __future__ import annotations

from typing import Any

import pandas as pd

from csops.domain.chatlog import normalize_messages
from csops.domain.chats import ChatKpis, chat_kpis
from csops.domain.period import Month
from csops.domain.roster import Roster
from csops.rules.base import ServiceHours
from csops.rules.chats import ChatRules
from csops.rules.vocab import ChatDirection

OCTOBER = Month(2026, 10)
WORDS = ChatDirection(buyer=["买家", "buyer", "0"], staff=["客服", "staff", "1"])


def roster(*extra: tuple[str, str, str | None]) -> Roster:
    rows = [
        ("1001", "小美", "星辰家居旗舰店:小美"),
        ("1002", "阿杰", "星辰家居旗舰店:阿杰"),
        *extra,
    ]
    frame = pd.DataFrame(rows, columns=["staff_id", "name", "accounts"])
    frame["hired_on"] = pd.NaT
    frame["left_on"] = pd.NaT
    frame["_file"] = "客服名单.xlsx"
    frame["_row"] = range(2, 2 + len(rows))
    return Roster.from_frame(frame)


def chat_frame(rows: list[tuple[Any, ...]], **extra: list[Any]) -> pd.DataFrame:
    """(account, buyer, 'YYYY-MM-DD HH:MM:SS', direction) rows as the ingest gives them."""
    frame = pd.DataFrame(rows, columns=["account", "buyer", "time", "direction"])
    frame = frame.astype({"account": "str", "buyer": "str", "direction": "str"})
    frame["time"] = pd.to_datetime(frame["time"]).astype("datetime64[us]")
    for name, values in extra.items():
        frame[name] = pd.Series(values, dtype="str")
    frame["_file"] = pd.Series("聊天记录.csv", index=frame.index, dtype="category")
    frame["_row"] = range(2, 2 + len(rows))
    return frame


def order_frame(rows: list[tuple[str, str, str | None, int]]) -> pd.DataFrame:
    """(order_id, buyer, paid_at or None, paid fen) rows."""
    frame = pd.DataFrame(rows, columns=["order_id", "buyer", "paid_at", "paid_amount_fen"])
    frame["paid_at"] = pd.to_datetime(frame["paid_at"]).astype("datetime64[us]")
    frame["paid_amount_fen"] = frame["paid_amount_fen"].astype("Int64")
    frame["_file"] = "ExportOrderList.csv"
    frame["_row"] = range(2, 2 + len(rows))
    return frame


def kpis(
    rows: list[tuple[Any, ...]],
    orders: list[tuple[str, str, str | None, int]] | None = None,
    staff: Roster | None = None,
    hours: ServiceHours | None = None,
    rating: list[Any] | None = None,
    **rules: Any,
) -> ChatKpis:
    staff = staff or roster()
    extra = {"rating": rating} if rating is not None else {}
    messages = normalize_messages(chat_frame(rows, **extra), staff, WORDS)
    return chat_kpis(
        messages,
        order_frame(orders) if orders is not None else None,
        staff,
        OCTOBER,
        ChatRules(**rules),
        hours or ServiceHours(),
    )


def row(result: ChatKpis, who: str) -> dict[str, Any]:
    """The figures of staff `who` (工号, or the account name of an unknown account)."""
    frame = result.staff
    hit = frame[(frame["staff_id"] == who).fillna(False) | (frame["account"] == who)]
    assert len(hit) == 1, f"{who}: {len(hit)} rows"
    record = hit.iloc[0].to_dict()
    return {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in record.items()}
