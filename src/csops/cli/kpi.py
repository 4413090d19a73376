"""`csops kpi --month YYYY-MM | --quarter YYYYQn`: the KPI scorecard and performance bonus.

Per staff member: each card metric's value, points and weight, the total, the rank
within the role's card and the bonus. `--explain` adds the per-metric detail (counts,
scoring rule, weight used) and the spot-check rows behind the QA metrics.

The sheet builders (`kpi_sheets`) are what the monthly workbook uses. Exit codes: 0 done;
1 bad input; 2 bad option or rule file.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated

import typer

from csops.cli.common import (
    DataOpt,
    EncodingOpt,
    FormatOpt,
    LangOpt,
    OutOpt,
    RulesOpt,
    StaffOpt,
    err_console,
    handle_errors,
    in_force,
    open_inputs,
    open_rules,
    out_console,
    pick_lang,
)
from csops.cli.ledger import LedgerOpt, ledger_path
from csops.domain.period import Month, Quarter
from csops.errors import UsageError
from csops.jobs.closing import levels_before
from csops.jobs.month import figures_of
from csops.report.kpi import (  # noqa: F401 (re-exported)
    STYLES,
    UNIT_TYPES,
    detail_sheet,
    kpi_report,
    kpi_sheets,
    spot_check_sheet,
    summary_sheet,
)
from csops.report.output import (
    Report,
    emit,
    file_console,
    render_table,
    say,
    write_text_atomic,
)
from csops.rules.kpi import KpiRules
from csops.rules.scoring import ScoringRules


def parse_period(
    month: str | None, quarter: str | None, timezone: str = "Asia/Shanghai"
) -> Month | Quarter:
    """--month or --quarter (not both); neither: the month before today."""
    if month is not None and quarter is not None:
        raise UsageError(
            "give the period: --month YYYY-MM or --quarter YYYYQn (one of them, not both)"
        )
    if quarter is not None:
        return Quarter.parse(quarter, timezone=timezone)
    return Month.parse(month if month is not None else "last", timezone=timezone)


@handle_errors
def kpi(
    month: Annotated[
        str | None,
        typer.Option(
            "--month",
            metavar="YYYY-MM",
            help="The month: YYYY-MM, YYYYMM, or last (the calendar month before today). "
            "Default, when neither --month nor --quarter is given: last.",
        ),
    ] = None,
    quarter: Annotated[
        str | None,
        typer.Option(
            "--quarter",
            metavar="YYYYQn",
            help="The quarter: YYYYQn (e.g. 2026Q4), or last (the quarter before today's).",
        ),
    ] = None,
    data: DataOpt = None,
    rules: RulesOpt = None,
    staff: StaffOpt = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain", help="Also list each metric's counts and rule, and the spot checks."
        ),
    ] = False,
    lang: LangOpt = None,
    fmt: FormatOpt = "table",
    out: OutOpt = None,
    encoding: EncodingOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """KPI scorecard 绩效考核 per staff member: each metric of the role's card (rules/kpi.yaml)
    with its value, points and weight, the total, the rank in the role, the bonus 绩效奖金.
    A quarter adds up the three months' counts."""
    rule_set = open_rules(rules)
    period = parse_period(month, quarter, rule_set.settings.timezone)
    language = pick_lang(rule_set, lang)
    inputs = open_inputs(rule_set, data, encoding)
    # The score levels (bonus withholding) read the closed months before, as csops score.
    previous: dict[str, list[str]] = {}
    ledger_notes: list[str] = []
    if "score" in rule_set.get(KpiRules).sources():
        first = period if isinstance(period, Month) else period.months[0]
        previous, ledger_notes = levels_before(rule_set, ledger_path(rule_set, ledger), first)
    figures = figures_of(inputs, period, {"kpi"}, previous_levels=previous, lang=language)
    assert figures.kpi is not None
    result = figures.kpi
    result.notes.extend(ledger_notes)
    if staff is not None:
        if staff not in set(result.staff["staff_id"]):
            known = ", ".join(result.staff["staff_id"].head(20))
            raise UsageError(
                f"--staff {staff}: no such 工号 on staff in {period}; staff: {known or 'none'}"
            )
        result = result.select(staff)
    report = in_force(
        kpi_report(
            result,
            language,
            scoring=rule_set.get(ScoringRules),
            compact=fmt == "table",
            explain=explain,
        ),
        rule_set,
        language,
    )
    if fmt == "table":
        _print_tables(report, language, explain, out)
        return
    if fmt == "csv" and explain:
        # CSV holds one table: with --explain, the per-metric detail.
        report = Report(report.document, report.sheets[1:2], report.notes)
    emit(report, fmt, out, language, out_console())
    for note in report.notes:
        say(err_console, note)


def _print_tables(report: Report, lang: str, explain: bool, out: Path | None) -> None:
    """The scorecard, then (with --explain) the detail and the spot checks, then notes."""
    buffer = io.StringIO()
    console = out_console() if out is None else file_console(buffer)
    shown = report.sheets if explain else report.sheets[:1]
    for sheet in shown:
        if sheet.key == "title.kpi_spot_checks" and sheet.frame.empty:
            continue
        render_table(Report(report.document, [sheet]), lang, console)
    for note in report.notes:
        say(console, note)
    if out is not None:
        write_text_atomic(out, buffer.getvalue())
