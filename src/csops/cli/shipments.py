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
    in_force,
    open_inputs,
    open_rules,
    out_console,
    pick_lang,
)
from csops.domain.period import FIRST_YEAR, LAST_YEAR, Month, shop_now
from csops.errors import EXIT_ALERT, UsageError
from csops.jobs.month import figures_of, unpaid
from csops.report.output import Report, emit, say
from csops.report.shipments import overdue_report, unpaid_report
from csops.rules.shipping import ShippingRules, parse_duration_hours

Level = Literal["warning", "overdue", "late"]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar='"YYYY-MM-DD HH:MM"',
        help='Local time to measure to, "YYYY-MM-DD HH:MM" (default: now).',
    ),
]
_AS_OF = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*")


def parse_as_of(text: str | None, timezone: str = "Asia/Shanghai") -> pd.Timestamp:
    """`--as-of "2026-10-31 20:00"` (seconds allowed); None → the shop's clock now (its
    `timezone`, not the server's), to the minute."""
    if text is None:
        return pd.Timestamp(shop_now(timezone)).floor("min")
    m = _AS_OF.fullmatch(text)
    try:
        if m is None:
            raise ValueError
        year, month, day, hour, minute, second = (int(g) for g in m.groups(default="0"))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError
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


def _emit(report: Report, fmt: Any, out: Any, lang: str) -> None:
    emit(report, fmt, out, lang, out_console())
    if fmt != "table":
        # A table carries its notes; JSON / CSV / xlsx keep them out of the data.
        for note in report.notes:
            say(err_console, note)


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
        Level,
        typer.Option(
            "--level", metavar="[warning|overdue|late]", help="List orders at or above this level."
        ),
    ] = "warning",
    fail_on: Annotated[
        Level | None,
        typer.Option(
            "--fail-on",
            metavar="[warning|overdue|late]",
            help="Exit with code 3 when an order is at or past LEVEL.",
        ),
    ] = None,
    lang: LangOpt = None,
    fmt: FormatOpt = "table",
    out: OutOpt = None,
) -> None:
    """Paid orders not shipped yet, most urgent first: hours since payment, time left to
    the late-shipment line, level, who handles each (staff from the memo)."""
    rule_set = open_rules(rules)
    moment = parse_as_of(as_of, rule_set.settings.timezone)
    inputs = open_inputs(rule_set, data, encoding, {"orders": orders, "roster": roster})
    month = Month(moment.year, moment.month)
    lang_code = pick_lang(rule_set, lang)
    figures = figures_of(inputs, month, {"overdue"}, as_of=moment, min_level=level, lang=lang_code)
    assert figures.overdue is not None
    result = figures.overdue
    _emit(in_force(overdue_report(result, lang_code), rule_set, lang_code), fmt, out, lang_code)
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
            metavar="DURATION",
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
    rule_set = open_rules(rules)
    moment = parse_as_of(as_of, rule_set.settings.timezone)
    shipping = rule_set.get(ShippingRules)
    hours = parse_after(after, shipping.unpaid_after)
    inputs = open_inputs(rule_set, data, encoding, {"orders": orders, "roster": roster})
    result = unpaid(inputs, moment, hours)
    lang_code = pick_lang(rule_set, lang)
    _emit(in_force(unpaid_report(result, lang_code), rule_set, lang_code), fmt, out, lang_code)
