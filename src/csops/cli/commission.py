"""`csops commission`: the month's sales commission per staff member, credited by memo 工号."""

from __future__ import annotations

import importlib
import io
from decimal import Decimal
from pathlib import Path

import pandas as pd

from csops.cli.common import (
    ChatsOpt,
    DataOpt,
    EncodingOpt,
    FormatOpt,
    IncidentsOpt,
    LangOpt,
    MonthOpt,
    OrdersOpt,
    OutOpt,
    RosterOpt,
    RulesOpt,
    StaffOpt,
    handle_errors,
    open_inputs,
    open_rules,
    out_console,
    parse_month,
    pick_lang,
)
from csops.commission import CommissionResult, compute_commission
from csops.errors import RuleError, UsageError
from csops.ingest.discover import Inputs
from csops.money import fen_to_yuan, money_str
from csops.period import Month
from csops.report.labels import label
from csops.report.output import (
    Column,
    ColumnType,
    Report,
    Sheet,
    emit,
    write_csv,
    write_text_atomic,
)
from csops.roster import Roster
from csops.rules import RuleSet
from csops.rules.commission import CommissionRules

SUMMARY_COLUMNS = [
    Column("staff_id"),
    Column("name"),
    Column("commission.orders", "int"),
    Column("commission.sales", "money"),
    Column("commission.refunds", "money"),
    Column("commission.net_sales", "money"),
    Column("commission.tier"),
    Column("commission.rate"),
    Column("commission.commission", "money"),
    Column("commission.awards", "money"),
    Column("commission.total", "money"),
]
ORDER_COLUMNS = [
    Column("commission.order_id"),
    Column("commission.paid_at", "datetime"),
    Column("commission.paid", "money"),
    Column("commission.refund", "money"),
    Column("commission.net", "money"),
    Column("commission.credited_to"),
    Column("commission.how"),
    Column("commission.memo"),
    Column("commission.candidates"),
    Column("commission.chat_time", "datetime"),
    Column("commission.chat_source"),
    Column("file"),
    Column("row", "int"),
]


def score_levels(inputs: Inputs, rules: RuleSet, month: Month) -> dict[str, str]:
    """Each staff member's score level of the month (csops score), for level_multipliers."""
    try:
        scoring = importlib.import_module("csops.scoring")
    except ModuleNotFoundError as exc:
        if exc.name != "csops.scoring":
            raise
        raise RuleError(
            "commission.yaml: level_multipliers needs the monthly score (csops score), which "
            "this installation lacks; set level_multipliers: {} or update csops"
        ) from None
    # score_month loads the exports it reads (attendance, leave, incidents, roster).
    return dict(scoring.score_month(inputs, rules, month).levels())


def _yuan(fen: pd.Series) -> pd.Series:
    # Rendering only (the rows being written): exact Decimal yuan for the writers.
    return fen.map(fen_to_yuan).astype("object")


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def summary_frame(result: CommissionResult, staff: str | None, lang: str) -> pd.DataFrame:
    """A row per staff member, then the unattributed line."""
    rows = result.staff if staff is None else result.staff[result.staff["staff_id"] == staff]
    frame = pd.DataFrame(
        {
            "staff_id": rows["staff_id"],
            "name": rows["name"],
            "commission.orders": rows["orders"],
            "commission.sales": rows["sales"],
            "commission.refunds": rows["refunds"],
            "commission.net_sales": rows["net_sales"],
            "commission.tier": rows["tier"].astype("str") + " (" + rows["tier_range"] + ")",
            "commission.rate": rows["rate"].map(_percent),
            "commission.level": rows["level"],
            "commission.multiplier": rows["multiplier"].map(lambda m: f"{m.normalize():f}"),
            "commission.commission": rows["commission"],
            "commission.awards": rows["awards"],
            "commission.total": rows["total"],
        }
    )
    unattributed = result.document(staff)["unattributed"]
    line = {
        "staff_id": "",
        "name": label("commission.unattributed", lang),
        "commission.orders": unattributed["orders"],
        "commission.net_sales": Decimal(unattributed["net_sales"]),
    }
    return pd.concat([frame, pd.DataFrame([line])], ignore_index=True)


def orders_frame(orders: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """The order-level sheet: one row per counted order (per share when split)."""
    credited = orders["staff_id"]
    chat = orders["chat_file"].astype("str") + ":" + orders["chat_row"].astype("str")
    return pd.DataFrame(
        {
            "commission.order_id": orders["order_id"],
            "commission.paid_at": orders["paid_at"],
            "commission.paid": _yuan(orders["paid_fen"]),
            "commission.refund": _yuan(orders["refund_fen"]),
            "commission.net": _yuan(orders["net_fen"]),
            "commission.credited_to": (credited + " " + credited.map(names).fillna("")).str.strip(),
            "commission.how": orders["how"].map(lambda how: label(f"how.{how}", lang)),
            "commission.memo": orders["memo"],
            "commission.candidates": orders["candidates"],
            "commission.chat_time": orders["chat_time"],
            "commission.chat_source": chat.where(orders["chat_file"].notna()),
            "file": orders["_file"].astype("str"),
            "row": orders["_row"],
        }
    )


def order_columns(orders: pd.DataFrame) -> list[Column]:
    """The order sheet's columns; the chat ones only when some order was credited by chat."""
    if orders["chat_file"].notna().any():
        return ORDER_COLUMNS
    chat = {"commission.chat_time", "commission.chat_source"}
    return [c for c in ORDER_COLUMNS if c.key not in chat]


def notes(result: CommissionResult, staff: str | None, lang: str) -> list[str]:
    sel = result.selection
    doc = result.document(staff)
    out = [
        label("note.commission_excluded", lang).format(
            unpaid=sel.unpaid, closed=sel.closed_before_payment, other=sel.other_months
        ),
        label("note.commission_unattributed", lang).format(
            orders=doc["unattributed"]["orders"], net=doc["unattributed"]["net_sales"]
        ),
    ]
    if doc["conflicts"]:
        items = "; ".join(
            f"{c['order_id']} ({', '.join(c['candidates'])})" for c in doc["conflicts"][:10]
        )
        out.append(
            label("note.commission_conflicts", lang).format(
                count=len(doc["conflicts"]),
                action=label(
                    f"note.commission_conflicts_{result.rules.attribution.conflicts}", lang
                ),
                items=items + (" …" if len(doc["conflicts"]) > 10 else ""),
            )
        )
    if doc["unknown_ids"]:
        items = "; ".join(f"{u['order_id']} ({u['token']})" for u in doc["unknown_ids"][:10])
        out.append(
            label("note.commission_unknown", lang).format(
                count=len(doc["unknown_ids"]),
                items=items + (" …" if len(doc["unknown_ids"]) > 10 else ""),
            )
        )
    return out + [label(f"note.commission_{key}", lang) for key in result.notes]


def explain_report(result: CommissionResult, staff: str, lang: str) -> Report:
    """One staff member's credited orders (file, row) as the table, the figure and the
    awards behind it as notes."""
    document = result.explain_document(staff)
    row = result.staff[result.staff["staff_id"] == staff].iloc[0]
    lines = [
        label("note.commission_explain", lang).format(
            staff_id=staff,
            name=row["name"],
            orders=row["orders"],
            net=money_str(row["net_sales"]),
            tier=row["tier"],
            range=row["tier_range"],
            rate=_percent(row["rate"]),
            commission=money_str(row["commission"]),
            awards=money_str(row["awards"]),
            total=money_str(row["total"]),
        )
    ]
    lines += [
        label("note.commission_award", lang).format(
            date=a["date"],
            amount=a["amount"],
            source=f"{a['file']}:{a['row']}",
            note=a["note"] or "",
        )
        for a in document["awards"]
    ]
    names = dict(zip(result.staff["staff_id"], result.staff["name"], strict=True))
    mine = result.credited_orders(staff)
    detail = orders_frame(mine, names, lang)
    return Report(
        document=document,
        sheets=[Sheet("title.commission_explain", detail, order_columns(mine))],
        notes=lines,
    )


def month_report(
    result: CommissionResult, staff: str | None, lang: str, detail_limit: int, xlsx: Path | None
) -> Report:
    """The summary (table, csv, json); for xlsx also the order, conflict, unknown-ID and
    award sheets. An order sheet over `detail_limit` rows goes to a CSV beside the workbook."""
    columns = SUMMARY_COLUMNS
    if result.staff["level"].notna().any():
        # level_multipliers applied: show each staff member's level and multiplier.
        at = columns.index(Column("commission.rate"))
        columns = [
            *columns[: at + 1],
            Column("commission.level"),
            Column("commission.multiplier"),
            *columns[at + 1 :],
        ]
    report = Report(
        document=result.document(staff),
        sheets=[Sheet("title.commission", summary_frame(result, staff, lang), columns)],
        notes=notes(result, staff, lang),
    )
    if xlsx is None:
        return report
    names = dict(zip(result.staff["staff_id"], result.staff["name"], strict=True))
    orders = result.orders if staff is None else result.credited_orders(staff)
    detail = Sheet(
        "title.commission_orders", orders_frame(orders, names, lang), order_columns(orders)
    )
    if len(detail.frame) > detail_limit:
        path = xlsx.with_name(xlsx.stem + ".orders.csv")
        buffer = io.StringIO()
        write_csv(detail, lang, buffer)
        write_text_atomic(path, buffer.getvalue(), encoding="utf-8-sig")
        report.notes.append(
            label("note.commission_detail_csv", lang).format(rows=len(detail.frame), path=path)
        )
    else:
        report.sheets.append(detail)
    conflicts = result.conflicts
    unknown = result.unknown_ids
    awards = result.awards
    evidence = [
        (
            "title.commission_conflicts",
            {
                "commission.order_id": conflicts["order_id"],
                "commission.candidates": conflicts["candidates"].map(" ".join),
                "commission.memo": conflicts["memo"],
                "commission.net": _yuan(conflicts["net_fen"]),
                "file": conflicts["_file"],
                "row": conflicts["_row"],
            },
        ),
        (
            "title.commission_unknown",
            {
                "commission.order_id": unknown["order_id"],
                "commission.token": unknown["token"],
                "commission.memo": unknown["memo"],
                "file": unknown["_file"],
                "row": unknown["_row"],
            },
        ),
        (
            "title.commission_awards",
            {
                "staff_id": awards["staff_id"],
                "date": awards["date"],
                "commission.amount": _yuan(awards["amount_fen"]),
                "commission.memo": awards["note"],
                "file": awards["_file"],
                "row": awards["_row"],
            },
        ),
    ]
    types: dict[str, ColumnType] = {
        "commission.net": "money",
        "commission.amount": "money",
        "row": "int",
        "date": "date",
    }
    for key, values in evidence:
        report.sheets.append(
            Sheet(key, pd.DataFrame(values), [Column(c, types.get(c, "text")) for c in values])
        )
    return report


def _order_fields(rules: CommissionRules) -> list[str]:
    fields = ["order_id", "paid_amount", "paid_at"]
    if rules.attribution.mode in ("memo", "memo_then_last_chat"):
        fields.append("memo")
    if rules.uses_chats:
        fields.append("buyer")
    if rules.month_by != "paid_at":
        fields.append(rules.month_by)
    return fields


@handle_errors
def commission(
    month: MonthOpt,
    data: DataOpt = None,
    rules: RulesOpt = None,
    staff: StaffOpt = None,
    explain: bool = False,
    lang: LangOpt = None,
    fmt: FormatOpt = "table",
    out: OutOpt = None,
    encoding: EncodingOpt = None,
    roster: RosterOpt = None,
    orders: OrdersOpt = None,
    chats: ChatsOpt = None,
    incidents: IncidentsOpt = None,
) -> None:
    """Sales commission per staff member: orders credited by the memo 工号 (or the chat
    log), the tiers of rules/commission.yaml, plus awards. --explain --staff ID lists that
    staff member's credited orders with file and row."""
    if explain and staff is None:
        raise UsageError("--explain needs --staff ID (whose credited orders to list)")
    period = parse_month(month)
    rule_set = open_rules(rules)
    crules = rule_set.get(CommissionRules)
    files = {"roster": roster, "orders": orders, "chats": chats, "incidents": incidents}
    inputs = open_inputs(rule_set, data, encoding, files)
    inputs.load(["orders", "roster", "incidents"] + (["chats"] if crules.uses_chats else []))
    order_frame = inputs.require("orders", _order_fields(crules), command="commission")
    staff_roster = Roster.from_frame(
        inputs.require("roster", ["staff_id", "name"], command="commission")
    )
    chat_frame = inputs.require("chats", command="commission") if crules.uses_chats else None
    levels = score_levels(inputs, rule_set, period) if crules.level_multipliers else None
    result = compute_commission(
        order_frame,
        staff_roster,
        period,
        rule_set,
        chats=chat_frame,
        incidents=inputs.frame("incidents") if inputs.has("incidents") else None,
        levels=levels,
    )
    language = pick_lang(rule_set, lang)
    if staff is not None:
        result.check_staff(staff)
    if explain and staff is not None:
        report = explain_report(result, staff, language)
    else:
        xlsx = out if fmt == "xlsx" else None
        report = month_report(result, staff, language, rule_set.settings.detail_row_limit, xlsx)
    emit(report, fmt, out, language, out_console())
