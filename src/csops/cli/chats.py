"""`csops chats --month YYYY-MM`: chat KPIs per staff member (生意参谋 definitions).

`--explain --staff ID` lists that staff member's longest waits with the rows of the chat
log behind them. Exit codes: 0 done; 1 bad input; 2 bad option or rule file.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import pandas as pd
import typer
from rich.text import Text

from csops.chatlog import normalize_messages
from csops.chats import KPI_COLUMNS, ChatKpis, chat_kpis
from csops.cli.common import (
    ChatsOpt,
    DataOpt,
    EncodingOpt,
    FormatOpt,
    LangOpt,
    MonthOpt,
    OrdersOpt,
    OutOpt,
    RosterOpt,
    RulesOpt,
    StaffOpt,
    err_console,
    handle_errors,
    open_inputs,
    open_rules,
    out_console,
    parse_month,
    pick_lang,
)
from csops.errors import UsageError
from csops.money import money_str
from csops.report.labels import label
from csops.report.output import Column, ColumnType, Report, Sheet, emit
from csops.report.privacy import mask_buyers
from csops.roster import Roster
from csops.rules.chats import ChatRules
from csops.rules.vocab import ValueWords

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
    table = waits.rename(columns={c: f"chats.{c}" for c in waits.columns})
    types: dict[str, ColumnType] = {
        "wait_start": "datetime",
        "clock_start": "datetime",
        "reply_at": "datetime",
        "response_s": "seconds",
        "wait_messages": "int",
        "start_row": "int",
        "reply_row": "int",
    }
    columns = [Column(f"chats.{c}", types.get(c, "text")) for c in waits.columns]
    styles = waits["reply_at"].isna().map({True: "red", False: ""}).astype("object")
    who = f"{row['staff_id']} {row['name']}" if pd.notna(row["staff_id"]) else str(row["name"])
    summary = (
        f"{who}: {label('chats.waits', lang)} {int(row['waits'])} · "
        f"{label('chats.unanswered_10min', lang)} {int(row['unanswered_10min'])} · "
        f"{label('chats.avg_response_s', lang)} "
        + ("-" if pd.isna(row["avg_response_s"]) else f"{float(row['avg_response_s']):.1f}")
    )
    return Report(
        document=document,
        sheets=[Sheet("title.chat_waits", table, columns, styles)],
        notes=[summary, label("chats.never_note", lang)],
    )


@handle_errors
def chats(
    month: MonthOpt,
    data: DataOpt = None,
    rules: RulesOpt = None,
    chats_files: ChatsOpt = None,
    orders: OrdersOpt = None,
    roster: RosterOpt = None,
    encoding: EncodingOpt = None,
    staff: StaffOpt = None,
    explain: Annotated[
        bool,
        typer.Option("--explain", help="With --staff: list the longest waits and their rows."),
    ] = False,
    top: Annotated[int, typer.Option("--top", min=1, help="How many waits --explain lists.")] = 20,
    lang: LangOpt = None,
    fmt: FormatOpt = "table",
    out: OutOpt = None,
) -> None:
    """Chat KPIs per staff member as 生意参谋 defines them: conversations, response times,
    reply rate, 答问比, 询单人数 and conversion, 客单价, satisfaction; plus shop totals."""
    if explain and staff is None:
        raise UsageError("--explain needs --staff ID: whose waits to list")
    period = parse_month(month)
    rule_set = open_rules(rules)
    files = {"chats": chats_files, "orders": orders, "roster": roster}
    inputs = open_inputs(rule_set, data, encoding, files)
    inputs.load(["roster", "chats", "orders"])
    staff_roster = Roster.from_frame(inputs.require("roster", command="chats"))
    chat_frame = inputs.require("chats", command="chats")
    order_frame = None
    if any(r.kind == "orders" for r in inputs.files):
        order_frame = inputs.require("orders", ["buyer", "paid_at"], command="chats")
    messages = normalize_messages(chat_frame, staff_roster, rule_set.get(ValueWords).chat_direction)
    settings = rule_set.settings
    kpis = chat_kpis(
        messages,
        order_frame,
        staff_roster,
        period,
        rule_set.get(ChatRules),
        settings.service_hours,
        settings.rounding,
    )
    lang_code = pick_lang(rule_set, lang)
    if explain:
        assert staff is not None
        report = explain_report(kpis, staff, top, settings.mask_buyers, lang_code)
    else:
        report = kpi_report(kpis, staff, lang_code)
    emit(report, fmt, out, lang_code, out_console())
    if fmt != "table":
        # A table carries its notes; JSON / CSV / xlsx keep them out of the data.
        for note in report.notes:
            err_console.print(Text(note), soft_wrap=True)
