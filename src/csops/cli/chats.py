"""`csops chats --month YYYY-MM`: chat KPIs per staff member (生意参谋 definitions).

`--explain --staff ID` lists that staff member's longest waits with the rows of the chat
log behind them. Exit codes: 0 done; 1 bad input; 2 bad option or rule file.
"""

from __future__ import annotations

from typing import Annotated

import typer

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
    in_force,
    open_inputs,
    open_rules,
    out_console,
    parse_month,
    pick_lang,
)
from csops.errors import UsageError
from csops.jobs.month import figures_of
from csops.report.chats import explain_report, kpi_report
from csops.report.output import emit, say


@handle_errors
def chats(
    month: MonthOpt = "last",
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
    top: Annotated[
        int, typer.Option("--top", metavar="N", min=1, help="How many waits --explain lists.")
    ] = 20,
    lang: LangOpt = None,
    fmt: FormatOpt = "table",
    out: OutOpt = None,
) -> None:
    """Chat KPIs per staff member as 生意参谋 defines them: conversations, response times,
    reply rate, 答问比, 询单人数 and conversion, 客单价, satisfaction; plus shop totals."""
    if explain and staff is None:
        raise UsageError("--explain needs --staff ID: whose waits to list")
    rule_set = open_rules(rules)
    period = parse_month(month, rule_set)
    files = {"chats": chats_files, "orders": orders, "roster": roster}
    inputs = open_inputs(rule_set, data, encoding, files)
    figures = figures_of(inputs, period, {"chats"})
    assert figures.chats is not None
    kpis = figures.chats
    lang_code = pick_lang(rule_set, lang)
    if explain:
        assert staff is not None
        report = explain_report(kpis, staff, top, rule_set.settings.mask_buyers, lang_code)
    else:
        report = kpi_report(kpis, staff, lang_code)
    emit(in_force(report, rule_set, lang_code), fmt, out, lang_code, out_console())
    if fmt != "table":
        # A table carries its notes; JSON / CSV / xlsx keep them out of the data.
        for note in report.notes:
            say(err_console, note)
