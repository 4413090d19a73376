"""`csops inspect`: what every input file is, and what is wrong with it."""

from __future__ import annotations

from pathlib import Path

import typer

from csops.cli.common import (
    DataOpt,
    EncodingOpt,
    FormatOpt,
    LangOpt,
    OutOpt,
    RulesOpt,
    handle_errors,
    in_force,
    open_inputs,
    open_rules,
    out_console,
    pick_lang,
)
from csops.errors import EXIT_DATA
from csops.report.inputs import inspect_report
from csops.report.output import emit
from csops.schemas import KINDS


@handle_errors
def inspect(
    data: DataOpt = Path("."),
    rules: RulesOpt = None,
    encoding: EncodingOpt = None,
    lang: LangOpt = None,
    fmt: FormatOpt = "table",
    out: OutOpt = None,
) -> None:
    """Show every input file: detected kind, encoding, header row, rows, problems."""
    rule_set = open_rules(rules)
    inputs = open_inputs(rule_set, data, encoding)
    inputs.load(KINDS, strict=False, lazy=True)
    report = inspect_report(inputs, pick_lang(rule_set, lang))
    emit(in_force(report, rule_set, lang), fmt, out, pick_lang(rule_set, lang), out_console())
    if any(doc["problems"] for doc in report.document["files"]):
        raise typer.Exit(EXIT_DATA)
