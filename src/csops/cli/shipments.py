"""`csops overdue-shipments` and `csops unpaid-orders`: the daily shipping lists.

Exit codes: 0 done; 3 with `--fail-on LEVEL` when an order listed is at or past LEVEL
(the report is written first); 1 bad input; 2 bad option or rule file.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

import pandas as pd
import typer
from rich.text import Text

from csops.cli.common import (
    DataOpt,
    EncodingOpt,
    FormatOpt,
    LangOpt,
    OrdersOpt,
    OutOpt,
    RosterOpt,
    RulesOpt,
    err_console,
    handle_errors,
    open_inputs,
    open_rules,
    out_console,
    pick_lang,
)
from csops.errors import EXIT_ALERT, UsageError
from csops.report.labels import label
from csops.report.output import Column, Report, Sheet, emit
from csops.roster import Roster
from csops.rules.shipping import LEVEL_NAMES, ShippingRules, parse_duration_hours
from csops.shipments import (
    ShippingList,
    UnpaidList,
    require_orders,
    unshipped_orders,
)
from csops.shipments import (
    unpaid_orders as list_unpaid,
)

Level = Literal["warning", "overdue", "late"]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help='Local time to measure to, "YYYY-MM-DD HH:MM" (default: now).'),
]
_AS_OF = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*")
STYLES = {"late": "bold red", "overdue": "red", "warning": "yellow"}


def as_of_text(moment: pd.Timestamp) -> str:
    """`2026-10-31 20:00`; seconds only when --as-of gave them."""
    return moment.strftime("%Y-%m-%d %H:%M:%S" if moment.second else "%Y-%m-%d %H:%M")


def parse_as_of(text: str | None) -> pd.Timestamp:
    """`--as-of "2026-10-31 20:00"` (seconds allowed); None → now, to the minute."""
    if text is None:
        return pd.Timestamp(datetime.now()).floor("min")
    m = _AS_OF.fullmatch(text)
    try:
        if m is None:
            raise ValueError
        year, month, day, hour, minute, second = (int(g) for g in m.groups(default="0"))
        return pd.Timestamp(datetime(year, month, day, hour, minute, second))
    except ValueError:
        raise UsageError(
            f'--as-of {text!r}: expected a local time as "YYYY-MM-DD HH:MM", '
            'e.g. "2026-10-31 20:00"'
        ) from None


def parse_after(text: str | None, default: float) -> float:
    if text is None:
        return default
    try:
        return parse_duration_hours(text)
    except ValueError:
        raise UsageError(
            f"--after {text!r}: expected a duration such as 3h, 90m or 2h30m"
        ) from None


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
        Column("ship.level"),
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


def _emit(report: Report, fmt: Any, out: Any, lang: str) -> None:
    emit(report, fmt, out, lang, out_console())
    if fmt != "table":
        # A table carries its notes; JSON / CSV / xlsx keep them out of the data.
        for note in report.notes:
            err_console.print(Text(note), soft_wrap=True)


# ---------------------------------------------------------------- commands


@handle_errors
def overdue_shipments(
    as_of: AsOfOpt = None,
    data: DataOpt = None,
    rules: RulesOpt = None,
    orders: OrdersOpt = None,
    roster: RosterOpt = None,
    encoding: EncodingOpt = None,
    level: Annotated[
        Level, typer.Option("--level", help="List orders at or above this level.")
    ] = "warning",
    fail_on: Annotated[
        Level | None,
        typer.Option("--fail-on", help="Exit with code 3 when an order is at or past LEVEL."),
    ] = None,
    lang: LangOpt = None,
    fmt: FormatOpt = "table",
    out: OutOpt = None,
) -> None:
    """Paid orders not shipped yet, most urgent first: hours since payment, time left to
    the late-shipment line, level, who handles each (staff from the memo)."""
    moment = parse_as_of(as_of)
    rule_set = open_rules(rules)
    inputs = open_inputs(rule_set, data, encoding, {"orders": orders, "roster": roster})
    inputs.load(["orders", "roster"])
    frame = require_orders(inputs, ["paid_at"], ["shipped_at", "status"], "overdue-shipments")
    staff = Roster.from_frame(inputs.frame("roster")) if inputs.has("roster") else None
    result = unshipped_orders(
        frame,
        rule_set.get(ShippingRules),
        moment,
        roster=staff,
        min_level=level,
        mask=rule_set.settings.mask_buyers,
    )
    lang_code = pick_lang(rule_set, lang)
    _emit(overdue_report(result, lang_code), fmt, out, lang_code)
    if fail_on is not None and result.at_or_past(fail_on):
        err_console.print(
            Text(f"{result.at_or_past(fail_on)} orders at or past {fail_on} (exit {EXIT_ALERT})")
        )
        raise typer.Exit(EXIT_ALERT)


@handle_errors
def unpaid_orders(
    as_of: AsOfOpt = None,
    after: Annotated[
        str | None,
        typer.Option(
            "--after",
            help="Unpaid this long after creation: 3h, 90m, 2h30m "
            "(default: unpaid_after in rules/shipping.yaml, 3h).",
        ),
    ] = None,
    data: DataOpt = None,
    rules: RulesOpt = None,
    orders: OrdersOpt = None,
    roster: RosterOpt = None,
    encoding: EncodingOpt = None,
    lang: LangOpt = None,
    fmt: FormatOpt = "table",
    out: OutOpt = None,
) -> None:
    """Orders created, not paid after N hours and not closed: the payment-reminder list
    (催付款, sent at 10:00 and 16:00)."""
    moment = parse_as_of(as_of)
    rule_set = open_rules(rules)
    shipping = rule_set.get(ShippingRules)
    hours = parse_after(after, shipping.unpaid_after)
    inputs = open_inputs(rule_set, data, encoding, {"orders": orders, "roster": roster})
    inputs.load(["orders", "roster"])
    frame = require_orders(inputs, ["created_at"], ["paid_at", "status"], "unpaid-orders")
    staff = Roster.from_frame(inputs.frame("roster")) if inputs.has("roster") else None
    result = list_unpaid(
        frame, shipping, moment, hours, roster=staff, mask=rule_set.settings.mask_buyers
    )
    lang_code = pick_lang(rule_set, lang)
    _emit(unpaid_report(result, lang_code), fmt, out, lang_code)
