"""`csops commission`: the month's sales commission per staff member, credited by memo 工号."""

from __future__ import annotations

from typing import Annotated

import typer

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
    in_force,
    open_inputs,
    open_rules,
    out_console,
    parse_month,
    pick_lang,
)
from csops.cli.ledger import LedgerOpt, ledger_path
from csops.errors import UsageError
from csops.jobs.closing import levels_before
from csops.jobs.month import figures_of, needed
from csops.report.commission import explain_report, month_report
from csops.report.output import emit


@handle_errors
def commission(
    month: MonthOpt = "last",
    data: DataOpt = None,
    rules: RulesOpt = None,
    staff: StaffOpt = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain", help="With --staff: the orders credited to them, with file and row."
        ),
    ] = False,
    lang: LangOpt = None,
    fmt: FormatOpt = "table",
    out: OutOpt = None,
    encoding: EncodingOpt = None,
    roster: RosterOpt = None,
    orders: OrdersOpt = None,
    chats: ChatsOpt = None,
    incidents: IncidentsOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """Sales commission per staff member: orders credited by the memo 工号 (or the chat
    log), the tiers of rules/commission.yaml, plus awards. --explain --staff ID lists that
    staff member's credited orders with file and row."""
    if explain and staff is None:
        raise UsageError("--explain needs --staff ID (whose credited orders to list)")
    rule_set = open_rules(rules)
    period = parse_month(month, rule_set)
    files = {"roster": roster, "orders": orders, "chats": chats, "incidents": incidents}
    inputs = open_inputs(rule_set, data, encoding, files)
    language = pick_lang(rule_set, lang)
    # The score levels (for level_multipliers) read the closed months before, as csops score.
    previous: dict[str, list[str]] = {}
    ledger_notes: list[str] = []
    if "score" in needed(rule_set, {"commission"}):
        previous, ledger_notes = levels_before(rule_set, ledger_path(rule_set, ledger), period)
    figures = figures_of(inputs, period, {"commission"}, previous_levels=previous, lang=language)
    assert figures.commission is not None
    result = figures.commission
    if staff is not None:
        result.check_staff(staff)
    if explain and staff is not None:
        report = explain_report(result, staff, language)
    else:
        xlsx = out if fmt == "xlsx" else None
        report = month_report(result, staff, language, rule_set.settings.detail_row_limit, xlsx)
    report.notes.extend(ledger_notes)
    emit(in_force(report, rule_set, language), fmt, out, language, out_console())
