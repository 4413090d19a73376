"""`csops commission`: the month's sales commission per staff member, credited by memo 工号."""

from __future__ import annotations

import importlib

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
from csops.commission import commission_month
from csops.errors import RuleError, UsageError
from csops.ingest.discover import Inputs
from csops.period import Month
from csops.report.commission import explain_report, month_report
from csops.report.output import emit
from csops.rules import RuleSet


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


@handle_errors
def commission(
    month: MonthOpt = "last",
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
    files = {"roster": roster, "orders": orders, "chats": chats, "incidents": incidents}
    inputs = open_inputs(rule_set, data, encoding, files)
    result = commission_month(
        inputs, rule_set, period, levels=lambda: score_levels(inputs, rule_set, period)
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
