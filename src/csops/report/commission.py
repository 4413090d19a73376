"""The `csops commission` report: the summary, the credited orders and the evidence sheets."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from csops.domain.commission import CommissionResult
from csops.domain.money import fen_to_yuan, money_str
from csops.report.detail import write_detail_csv
from csops.report.documents import commission_document, commission_explain_document
from csops.report.labels import has_label, label
from csops.report.output import Column, ColumnType, Report, Sheet

SUMMARY_COLUMNS = [
    Column("staff_id"),
    Column("name"),
    Column("commission.orders", "int"),
    Column("commission.sales", "money"),
    Column("commission.refunds", "money"),
    Column("commission.net_sales", "money"),
    Column("commission.tier"),
    Column("commission.rate", "percent"),
    Column("commission.commission", "money"),
    Column("commission.awards", "money"),
    Column("commission.total", "money", lead=True),
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


def _yuan(fen: pd.Series) -> pd.Series:
    # Rendering only (the rows being written): exact Decimal yuan for the writers, made
    # and written once per distinct amount (a million orders have far fewer amounts).
    codes, amounts = pd.factorize(fen)
    yuan = pd.Index([fen_to_yuan(int(a)) for a in amounts], dtype=object)
    return pd.Series(pd.Categorical.from_codes(codes, categories=yuan), index=fen.index)


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def summary_frame(
    result: CommissionResult, staff: str | None, lang: str, document: dict[str, Any]
) -> pd.DataFrame:
    """A row per staff member, then the unattributed line (`document`: the result's)."""
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
            "commission.rate": rows["rate"],
            "commission.level": rows["level"],
            "commission.multiplier": rows["multiplier"].map(lambda m: f"{m.normalize():f}"),
            "commission.commission": rows["commission"],
            "commission.awards": rows["awards"],
            "commission.total": rows["total"],
        }
    )
    unattributed = document["unattributed"]
    line = {
        "staff_id": "",
        "name": label("commission.unattributed", lang),
        "commission.orders": unattributed["orders"],
        "commission.net_sales": Decimal(unattributed["net_sales"]),
    }
    return pd.concat([frame, pd.DataFrame([line])], ignore_index=True)


def _per_distinct(values: pd.Series, text: Callable[[Any], str]) -> pd.Categorical:
    """`text` of each distinct value, as a categorical: a million orders credited to a few
    hundred staff are a few hundred strings, made and written once each."""
    codes, uniques = pd.factorize(values)
    text_codes, texts = pd.factorize(pd.Series([text(u) for u in uniques], dtype="str"))
    # Code -1 (a missing value) picks the last slot: missing again.
    return pd.Categorical.from_codes(np.append(text_codes, -1)[codes], categories=texts)


def orders_frame(orders: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """The order-level sheet: one row per counted order (per share when split)."""
    chat = orders["chat_file"].astype("str") + ":" + orders["chat_row"].astype("str")
    return pd.DataFrame(
        {
            "commission.order_id": orders["order_id"],
            "commission.paid_at": orders["paid_at"],
            "commission.paid": _yuan(orders["paid_fen"]),
            "commission.refund": _yuan(orders["refund_fen"]),
            "commission.net": _yuan(orders["net_fen"]),
            "commission.credited_to": _per_distinct(
                orders["staff_id"], lambda s: f"{s} {names.get(s, '')}".strip()
            ),
            "commission.how": _per_distinct(orders["how"], lambda how: label(f"how.{how}", lang)),
            "commission.memo": orders["memo"],
            "commission.candidates": orders["candidates"],
            "commission.chat_time": orders["chat_time"],
            "commission.chat_source": chat.where(orders["chat_file"].notna()),
            "file": _per_distinct(orders["_file"], str),
            "row": orders["_row"],
        },
        index=orders.index,
    )


def order_columns(orders: pd.DataFrame) -> list[Column]:
    """The order sheet's columns; the chat ones only when some order was credited by chat."""
    if orders["chat_file"].notna().any():
        return ORDER_COLUMNS
    chat = {"commission.chat_time", "commission.chat_source"}
    return [c for c in ORDER_COLUMNS if c.key not in chat]


def notes(
    result: CommissionResult, lang: str, doc: dict[str, Any], *, sheets: bool = False
) -> list[str]:
    """The notes under the summary (`doc`: the result's document, made once). With
    `sheets` (a workbook that lists them on sheets of their own) the conflicts and unknown
    IDs are counted and their sheet named, not listed order by order."""
    sel = result.selection
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
        ) + (" …" if len(doc["conflicts"]) > 10 else "")
        if sheets:
            items = label("note.see_sheet", lang).format(
                sheet=label("title.commission_conflicts", lang)
            )
        out.append(
            label("note.commission_conflicts", lang).format(
                count=len(doc["conflicts"]),
                action=label(
                    f"note.commission_conflicts_{result.rules.attribution.conflicts}", lang
                ),
                items=items,
            )
        )
    if doc["unknown_ids"]:
        items = "; ".join(f"{u['order_id']} ({u['token']})" for u in doc["unknown_ids"][:10])
        items += " …" if len(doc["unknown_ids"]) > 10 else ""
        if sheets:
            items = label("note.see_sheet", lang).format(
                sheet=label("title.commission_unknown", lang)
            )
        out.append(
            label("note.commission_unknown", lang).format(
                count=len(doc["unknown_ids"]),
                items=items,
            )
        )
    if sel.no_refund_files:
        out.append(
            label("note.commission_refunds_files", lang).format(
                files=", ".join(sel.no_refund_files)
            )
        )
    if sel.cancelled:
        out.append(
            label("note.commission_cancelled", lang).format(
                count=sel.cancelled, amount=money_str(fen_to_yuan(sel.cancelled_fen))
            )
        )
    return out + _own_notes(result, lang)


def _own_notes(result: CommissionResult, lang: str) -> list[str]:
    """The result's notes: its own (label keys) and the reading's (sentences, as they are)."""
    return [
        label(f"note.commission_{key}", lang) if has_label(f"note.commission_{key}") else key
        for key in result.notes
    ]


def explain_report(result: CommissionResult, staff: str, lang: str) -> Report:
    """One staff member's credited orders (file, row) as the table, the figure and the
    awards behind it as notes."""
    document = commission_explain_document(result, staff)
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
    lines += _own_notes(result, lang)
    names = dict(zip(result.staff["staff_id"], result.staff["name"], strict=True))
    mine = result.credited_orders(staff)
    detail = orders_frame(mine, names, lang)
    return Report(
        document=document,
        sheets=[Sheet("title.commission_explain", detail, order_columns(mine))],
        notes=lines,
    )


def summary_report(
    result: CommissionResult, staff: str | None, lang: str, *, sheets: bool = False
) -> Report:
    """The summary table (a row per staff member, then the unattributed line), the JSON
    document and the notes: what `csops commission` prints. `sheets`: the conflicts and
    unknown IDs have sheets of their own (a workbook), so the notes name them."""
    columns = SUMMARY_COLUMNS
    if result.staff["level"].notna().any():
        # level_multipliers applied: show each staff member's level and multiplier.
        at = columns.index(Column("commission.rate", "percent"))
        columns = [
            *columns[: at + 1],
            Column("commission.level"),
            Column("commission.multiplier"),
            *columns[at + 1 :],
        ]
    # The document lists every conflict and unknown ID: made once, for all three.
    document = commission_document(result, staff)
    return Report(
        document=document,
        sheets=[Sheet("title.commission", summary_frame(result, staff, lang, document), columns)],
        notes=notes(result, lang, document, sheets=sheets),
    )


def orders_sheet(result: CommissionResult, staff: str | None, lang: str) -> Sheet:
    """Every counted order (a row per share when split), with file and row."""
    names = dict(zip(result.staff["staff_id"], result.staff["name"], strict=True))
    orders = result.orders if staff is None else result.credited_orders(staff)
    return Sheet(
        "title.commission_orders", orders_frame(orders, names, lang), order_columns(orders)
    )


def evidence_sheets(result: CommissionResult) -> list[Sheet]:
    """The memo conflicts, unknown IDs and awards behind the figures."""
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
    return [
        Sheet(key, pd.DataFrame(values), [Column(c, types.get(c, "text")) for c in values])
        for key, values in evidence
    ]


def month_report(
    result: CommissionResult, staff: str | None, lang: str, detail_limit: int, xlsx: Path | None
) -> Report:
    """The summary (table, csv, json); for xlsx also the order, conflict, unknown-ID and
    award sheets. An order sheet over `detail_limit` rows goes to a CSV beside the workbook."""
    report = summary_report(result, staff, lang, sheets=xlsx is not None)
    if xlsx is None:
        return report
    detail = orders_sheet(result, staff, lang)
    if len(detail.frame) > detail_limit:
        paths = write_detail_csv(detail, lang, xlsx.with_name(xlsx.stem + ".orders.csv"))
        report.notes.append(
            label("note.commission_detail_csv", lang).format(
                rows=len(detail.frame), path=", ".join(map(str, paths))
            )
        )
    else:
        report.sheets.append(detail)
    report.sheets.extend(evidence_sheets(result))
    return report
