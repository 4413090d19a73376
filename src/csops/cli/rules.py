"""`csops rules check [DIR]`: validate a rules folder and show the rules in force."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from csops.cli.common import FormatOpt, LangOpt, OutOpt, handle_errors, out_console, pick_lang
from csops.report.output import emit
from csops.report.rules import check_report
from csops.rules import load_rules

rules_app = typer.Typer(
    help="The shop's rule files: check a folder and see which values are in force.",
    no_args_is_help=True,
)


@rules_app.command("check")
@handle_errors
def check(
    folder: Annotated[
        Path | None,
        # Said in the docstring (listed, the argument would show its type as `<path>`).
        typer.Argument(metavar="DIR", hidden=True),
    ] = None,
    lang: LangOpt = None,
    fmt: FormatOpt = "table",
    out: OutOpt = None,
) -> None:
    """Check every rule file of the rules folder DIR (default: ./rules, else the built-in
    rules) merged over the built-in defaults (exit 2 on an error, naming file, key and
    line) and list each value in force with the file it came from: the folder's own
    file, or the built-in default."""
    rule_set = load_rules(folder)
    language = pick_lang(rule_set, lang)
    emit(check_report(rule_set, language), fmt, out, language, out_console())
