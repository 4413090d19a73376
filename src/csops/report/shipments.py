"""The reports of `csops overdue-shipments` and `csops unpaid-orders`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from csops.domain.shipments import ShippingList, UnpaidList
from csops.report.labels import label
from csops.report.output import Column, Report, Sheet
from csops.rules.shipping import LEVEL_NAMES

STYLES = {"late": "bold red", "overdue": "red", "warning": "yellow"}


def as_of_text(moment: pd.Timestamp) -> str:
    """`2026-10-31 20:00`; seconds only when --as-of gave them."""
    return moment.strftime("%Y-%m-%d %H:%M:%S" if moment.second else "%Y-%m-%d %H:%M")


def duration_text(hours: float) -> str:
    """3.0 → `3h`, 2.5 → `2h30m`, 1.5 → `1h30m`."""
    minutes = round(hours * 60)
    return f"{minutes // 60}h" + (f"{minutes % 60:02d}m" if minutes % 60 else "")


# ---------------------------------------------------------------- reports


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    plain = frame.astype(object)
    return plain.where(frame.notna(), None).to_dict("records")  # type: ignore[return-value]


def _staff_text(listed: pd.DataFrame) -> pd.Series:
    """`1003 小美`, `1005` (no name known) or empty."""
    ids = listed["staff_id"].fillna("")
    names = listed["staff_name"].fillna("")
    return (ids + " " + names).str.strip()


def _clock(minutes: pd.Series) -> pd.Series:
    return (minutes // 60).astype("str") + ":" + (minutes % 60).astype("str").str.zfill(2)


def time_left_text(minutes_left: pd.Series, lang: str) -> pd.Series:
    """`22:00` left, or `已超时 3:15` / `past by 3:15` once the line is passed."""
    minutes = minutes_left.astype("int64")
    left = _clock(minutes.clip(lower=0))
    past = label("ship.past", lang) + " " + _clock(-minutes)
    return left.where(minutes >= 0, past)


def overdue_report(result: ShippingList, lang: str) -> Report:
    listed = result.orders
    json_orders = pd.DataFrame(
        {
            "order_id": listed["order_id"],
            "paid_at": listed["paid_at"].dt.strftime("%Y-%m-%d %H:%M:%S"),
            "hours_unshipped": listed["hours_unshipped"],
            "level": listed["level"],
            "staff_id": listed["staff_id"],
            "buyer": listed["buyer"],
            "title": listed["title"],
        }
    )
    document = {
        "as_of": as_of_text(result.as_of),
        "counts": result.counts,
        "orders": _records(json_orders),
    }
    level_labels = {lv: label(f"ship.level.{lv}", lang) for lv in LEVEL_NAMES}
    table = pd.DataFrame(
        {
            "ship.order_id": listed["order_id"],
            "ship.paid_at": listed["paid_at"],
            "ship.hours_unshipped": listed["hours_unshipped"],
            "ship.time_left": time_left_text(listed["minutes_left"], lang),
            "ship.level": listed["level"].map(level_labels),
            "ship.staff": _staff_text(listed),
            "ship.buyer": listed["buyer"],
            "ship.title": listed["title"],
        }
    )
    columns = [
        Column("ship.order_id"),
        Column("ship.paid_at", "datetime"),
        Column("ship.hours_unshipped", "number"),
        Column("ship.time_left"),
        Column("ship.level", lead=True),
        Column("ship.staff"),
        Column("ship.buyer"),
        Column("ship.title"),
    ]
    styles = listed["level"].map(STYLES).astype("object")
    by_staff = result.by_staff
    unassigned = label("ship.unassigned", lang)
    who = _staff_text(by_staff).replace("", unassigned)
    staff_table = pd.DataFrame(
        {
            "ship.staff": who,
            **{f"ship.level.{lv}": by_staff[lv] for lv in LEVEL_NAMES},
            "ship.total": by_staff["total"],
        }
    )
    staff_columns = [Column("ship.staff")] + [
        Column(key, "int") for key in staff_table.columns if key != "ship.staff"
    ]
    notes = [f"{label('ship.as_of', lang)}: {document['as_of']}"]
    if len(listed):
        counts = " · ".join(f"{level_labels[lv]} {result.counts[lv]}" for lv in LEVEL_NAMES)
        per_staff = " · ".join(
            f"{name} {total}" for name, total in zip(who, by_staff["total"], strict=True)
        )
        notes.append(f"{counts} | {label('ship.by_staff', lang)}: {per_staff}")
    else:
        notes.append(label("ship.none", lang))
    notes.extend(result.notes)
    return Report(
        document=document,
        sheets=[
            Sheet("title.overdue_shipments", table, columns, styles.reset_index(drop=True)),
            Sheet("title.shipments_by_staff", staff_table, staff_columns),
        ],
        notes=notes,
    )


def unpaid_report(result: UnpaidList, lang: str) -> Report:
    listed = result.orders
    json_orders = pd.DataFrame(
        {
            "order_id": listed["order_id"],
            "created_at": listed["created_at"].dt.strftime("%Y-%m-%d %H:%M:%S"),
            "hours_unpaid": listed["hours_unpaid"],
            "staff_id": listed["staff_id"],
            "buyer": listed["buyer"],
            "title": listed["title"],
        }
    )
    document = {
        "as_of": as_of_text(result.as_of),
        "after_hours": result.after_hours,
        "count": len(listed),
        "orders": _records(json_orders),
    }
    table = pd.DataFrame(
        {
            "ship.order_id": listed["order_id"],
            "ship.created_at": listed["created_at"],
            "ship.hours_unpaid": listed["hours_unpaid"],
            "ship.staff": _staff_text(listed),
            "ship.buyer": listed["buyer"],
            "ship.title": listed["title"],
        }
    )
    columns = [
        Column("ship.order_id"),
        Column("ship.created_at", "datetime"),
        Column("ship.hours_unpaid", "number"),
        Column("ship.staff"),
        Column("ship.buyer"),
        Column("ship.title"),
    ]
    after = duration_text(result.after_hours)
    notes = [
        f"{label('ship.as_of', lang)}: {document['as_of']} · {label('ship.after', lang)} "
        f"{after}: {len(listed)}"
    ]
    if not len(listed):
        notes.append(label("ship.none", lang))
    notes.extend(result.notes)
    return Report(
        document=document,
        sheets=[Sheet("title.unpaid_orders", table, columns)],
        notes=notes,
    )
