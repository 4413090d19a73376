"""`csops rules init [DIR]` and `csops rules check [DIR]`: start a shop's rules folder,
validate it and show the rules in force."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from csops.cli.common import (
    FormatOpt,
    LangOpt,
    OutOpt,
    handle_errors,
    out_console,
    pick_lang,
)
from csops.report.labels import label
from csops.report.output import emit
from csops.report.rules import check_report
from csops.rules import load_rules
from csops.rules.loader import init_rules

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


@rules_app.command("init")
@handle_errors
def init(
    folder: Annotated[
        Path,
        # Said in the docstring (listed, the argument would show its type as `<path>`).
        typer.Argument(metavar="DIR", hidden=True),
    ] = Path("rules"),
    lang: LangOpt = None,
) -> None:
    """Write the rule files into the folder DIR (default: ./rules), each with comments in
    Chinese: what a key does, its unit, an example. A file already there is kept. Edit
    them, then run csops rules check DIR."""
    written, kept = init_rules(folder)
    language = lang or load_rules(folder).settings.lang
    console = out_console()
    if written:
        console.print(
            label("rules.init_written", language).format(folder=folder, files=", ".join(written))
        )
    if kept:
        console.print(
            label("rules.init_kept", language).format(folder=folder, files=", ".join(kept))
        )
    console.print(label("rules.init_next", language).format(folder=folder))
