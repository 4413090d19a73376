"""`csops score`: the monthly points score per staff member, with the evidence behind it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated

import typer

from csops.cli.common import (
    DataOpt,
    FormatOpt,
    LangOpt,
    MonthOpt,
    OutOpt,
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
from csops.jobs.month import figures_of
from csops.report.output import Report, emit, file_console, render_table, say, write_text_atomic
from csops.report.scores import score_report

ExplainOpt = Annotated[
    bool,
    typer.Option("--explain", help="List every deduction with its file, row, date and detail."),
]
StrictOpt = Annotated[
    bool,
    typer.Option("--strict", help="Treat a 工号 missing from the roster as an error."),
]


@handle_errors
def score(
    month: MonthOpt = "last",
    data: DataOpt = Path("."),
    rules: RulesOpt = None,
    staff: StaffOpt = None,
    explain: ExplainOpt = False,
    strict: StrictOpt = False,
    lang: LangOpt = None,
    fmt: FormatOpt = "table",
    out: OutOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """Monthly score 月度考核分: points per rule, score and level for every staff member.
    The serious level (low months in a row) reads the months before from the ledger."""
    rule_set = open_rules(rules)
    period = parse_month(month, rule_set)
    language = pick_lang(rule_set, lang)
    inputs = open_inputs(rule_set, data, None)
    previous, ledger_notes = levels_before(rule_set, ledger_path(rule_set, ledger), period)
    figures = figures_of(
        inputs, period, {"score"}, strict=strict, previous_levels=previous, lang=language
    )
    assert figures.score is not None
    result = figures.score
    result.warnings.extend(ledger_notes)
    if staff is not None:
        if staff not in set(result.staff["staff_id"]):
            known = ", ".join(result.staff["staff_id"].head(20))
            raise UsageError(f"--staff {staff}: no such 工号 on staff in {period}; staff: {known}")
        result = result.select([staff])
    report = in_force(score_report(result, language, compact=fmt == "table"), rule_set, language)
    if fmt == "table":
        _print_tables(report, language, explain, out)
    elif fmt == "csv" and explain:
        emit(
            Report(report.document, report.sheets[1:], report.notes),
            fmt,
            out,
            language,
            out_console(),
        )
    else:
        emit(report, fmt, out, language, out_console())


def _print_tables(report: Report, lang: str, explain: bool, out: Path | None) -> None:
    """The scores table, then (with --explain) the evidence table, then the warnings."""
    buffer = io.StringIO()
    console = out_console() if out is None else file_console(buffer)
    scores = Report(report.document, report.sheets[:1])
    render_table(scores, lang, console)
    if explain:
        render_table(Report(report.document, report.sheets[1:]), lang, console)
    for note in report.notes:
        say(console, note)
    if out is not None:
        write_text_atomic(out, buffer.getvalue())
