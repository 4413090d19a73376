"""The `csops chats` report: chat KPIs per staff member, and one staff member's waits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from csops.domain.chat_figures import KPI_COLUMNS
from csops.domain.chat_waits import WaitLog
from csops.domain.chats import ChatKpis
from csops.domain.money import money_str
from csops.domain.privacy import mask_buyers
from csops.errors import UsageError
from csops.report.labels import label
from csops.report.output import Column, ColumnType, Report, Sheet

KPI_TYPES: dict[str, ColumnType] = {
    "conversations": "int",
    "buyer_messages": "int",
    "staff_messages": "int",
    "first_response_s": "seconds",
    "avg_response_s": "seconds",
    "replies_within_30s": "int",
    "unanswered_10min": "int",
    "reply_rate": "rate",
    "answer_ratio": "number",
    "inquiries": "int",
    "paid_buyers": "int",
    "conversion_rate": "rate",
    "next_day_conversion_rate": "rate",
    "paid_amount": "money",
    "avg_order_value": "money",
    "satisfaction_rate": "rate",
}


def _json_value(value: Any, type_: ColumnType) -> Any:
    """Rates to 4 places, seconds to 0.1, money as a 2-decimal string, NA as null."""
    if value is None or (not isinstance(value, str | Decimal) and pd.isna(value)):
        return None
    if type_ == "money":
        return money_str(value)
    if type_ == "int":
        return int(value)
    if type_ == "seconds":
        return round(float(value), 1)
    if type_ in ("rate", "number"):
        return round(float(value), 4)
    return value


def staff_document(row: dict[Any, Any]) -> dict[str, Any]:
    staff_id = row.get("staff_id")
    doc: dict[str, Any] = {
        "staff_id": None if staff_id is None or pd.isna(staff_id) else str(staff_id),
        "name": row["name"],
    }
    doc |= {k: _json_value(row[k], KPI_TYPES[k]) for k in KPI_COLUMNS}
    return doc


def _rows(kpis: ChatKpis, staff: str | None) -> pd.DataFrame:
    frame = kpis.staff
    if staff is None:
        return frame
    picked = frame[(frame["staff_id"] == staff).fillna(False) | (frame["account"] == staff)]
    if picked.empty:
        known = ", ".join(str(s) for s in frame["staff_id"].dropna()[:10])
        raise UsageError(
            f"--staff {staff}: no such staff member in the chat KPIs of {kpis.month} "
            f"(staff: {known or 'none'}); give a 工号 from the roster, or the account name of "
            "an account on no roster row"
        )
    return picked


def kpi_report(kpis: ChatKpis, staff: str | None, lang: str) -> Report:
    rows = _rows(kpis, staff)
    records = rows.astype(object).where(rows.notna(), None).to_dict("records")
    document = {
        "month": str(kpis.month),
        "staff": [staff_document(r) for r in records],
        "total": {k: _json_value(kpis.total[k], KPI_TYPES[k]) for k in KPI_COLUMNS},
        "notes": kpis.notes,
    }
    total = {"staff_id": "", "name": label("chats.shop_total", lang), **kpis.total}
    table = pd.concat([rows, pd.DataFrame([total])], ignore_index=True)
    table["answer_ratio"] = pd.to_numeric(table["answer_ratio"]).round(2)
    table = table[["staff_id", "name", *KPI_COLUMNS]].rename(
        columns={k: f"chats.{k}" for k in KPI_COLUMNS}
    )
    columns = [Column("staff_id"), Column("name")] + [
        Column(f"chats.{k}", KPI_TYPES[k]) for k in KPI_COLUMNS
    ]
    styles = pd.Series([""] * (len(table) - 1) + ["bold"], dtype="object")
    return Report(
        document=document,
        sheets=[Sheet("title.chats", table, columns, styles)],
        notes=kpis.notes,
    )


WAIT_TYPES: dict[str, ColumnType] = {
    "wait_start": "datetime",
    "clock_start": "datetime",
    "reply_at": "datetime",
    "response_s": "seconds",
    "wait_messages": "int",
    "start_row": "int",
    "reply_row": "int",
}


def waits_sheet(key: str, waits: pd.DataFrame) -> Sheet:
    """Waits with their evidence (`ChatKpis.wait_rows`) as a sheet; never-answered ones red."""
    table = waits.rename(columns={c: f"chats.{c}" for c in waits.columns})
    columns = [Column(f"chats.{c}", WAIT_TYPES.get(c, "text")) for c in waits.columns]
    # Two styles over millions of rows: a categorical, not a string per row.
    never = waits["reply_at"].isna().to_numpy().astype(np.int8)
    styles = pd.Series(pd.Categorical.from_codes(never, categories=pd.Index(["", "red"])))
    return Sheet(key, table, columns, styles)


def all_waits(log: WaitLog, mask: bool) -> pd.DataFrame:
    """Every wait started in the month — by staff member, then buyer (in the order the log
    first lists them), then time — with its evidence and the staff member (`工号 姓名`,
    or the account on no roster row) it counts for."""
    waits = log.waits
    # Waits come in message order, so by start already: a stable sort by staff row keeps
    # that order within each (a counting sort of a few hundred keys, not a lexsort).
    keys = waits["key"].to_numpy()
    small = keys.astype(np.uint16) if len(keys) and 0 <= keys.min() and keys.max() < 2**16 else keys
    order = np.argsort(small, kind="stable")
    # Column by column: `iloc` over millions of rows costs twice as much.
    picked = pd.DataFrame({c: waits[c].to_numpy()[order] for c in waits.columns}, copy=False)
    rows = log.wait_rows(picked, text=False)
    staff = log.staff
    who = (staff["staff_id"].fillna("") + " " + staff["name"].astype(str)).str.strip()
    keys = picked["key"].to_numpy()
    if who.is_unique:
        # Categorical: one string per staff member, not one per wait.
        staff_col: Any = pd.Categorical.from_codes(keys, categories=pd.Index(who))
    else:
        staff_col = who.to_numpy(dtype=object).take(keys)
    rows.insert(0, "staff", staff_col)
    if mask:
        rows["buyer"] = mask_buyers(rows["buyer"])
    return rows


def explain_report(kpis: ChatKpis, staff: str, top: int, mask: bool, lang: str) -> Report:
    row = _rows(kpis, staff).iloc[0]
    waits = kpis.worst_waits(int(row["key"]), top)
    if mask:
        waits["buyer"] = mask_buyers(waits["buyer"])
    json_waits = waits.astype(object).where(waits.notna(), None)
    for column in ("wait_start", "clock_start", "reply_at"):
        json_waits[column] = [
            None if v is None else pd.Timestamp(v).strftime("%Y-%m-%d %H:%M:%S")
            for v in json_waits[column]
        ]
    document = {
        "month": str(kpis.month),
        "staff": [staff_document(row.astype(object).where(row.notna(), None).to_dict())],
        "waits": json_waits.to_dict("records"),
    }
    sheet = waits_sheet("title.chat_waits", waits)
    who = f"{row['staff_id']} {row['name']}" if pd.notna(row["staff_id"]) else str(row["name"])
    summary = (
        f"{who}: {label('chats.waits', lang)} {int(row['waits'])} · "
        f"{label('chats.unanswered_10min', lang)} {int(row['unanswered_10min'])} · "
        f"{label('chats.avg_response_s', lang)} "
        + ("-" if pd.isna(row["avg_response_s"]) else f"{float(row['avg_response_s']):.1f}")
    )
    return Report(
        document=document,
        sheets=[sheet],
        notes=[summary, label("chats.never_note", lang)],
    )
