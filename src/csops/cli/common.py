"""Options shared by the commands, and the one place that turns errors into exit codes."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import typer
from rich.console import Console

from csops.domain.period import Month
from csops.errors import CsopsError, UsageError
from csops.ingest.discover import Inputs
from csops.ingest.read import SUPPORTED_SUFFIXES
from csops.messages import localize
from csops.report.labels import rules_in_force
from csops.report.output import Report, say
from csops.rules import RuleSet, load_rules

F = TypeVar("F", bound=Callable[..., Any])

DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data", metavar="DIR", help="Folder of exports; every file is classified by its header."
    ),
]
RulesOpt = Annotated[
    Path | None,
    typer.Option(
        "--rules", metavar="DIR", help="Rules folder (default: ./rules if present, else built-in)."
    ),
]
LangOpt = Annotated[
    Literal["zh", "en"] | None,
    typer.Option("--lang", metavar="[zh|en]", help="Report language (default: settings.yaml, zh)."),
]
FormatOpt = Annotated[
    Literal["table", "json", "csv", "xlsx"],
    typer.Option("--format", metavar="[table|json|csv|xlsx]", help="Output format."),
]
OutOpt = Annotated[
    Path | None, typer.Option("--out", metavar="PATH", help="Write the report to this file.")
]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding", metavar="NAME", help="Encoding of CSV inputs (default: utf-8, else gb18030)."
    ),
]
StaffOpt = Annotated[
    str | None, typer.Option("--staff", metavar="ID", help="Only this staff 工号.")
]
MONTH_HELP = "The month: YYYY-MM, YYYYMM, or last (the calendar month before today)."
MonthOpt = Annotated[str, typer.Option("--month", metavar="YYYY-MM", help=MONTH_HELP)]


def _file_opt(kind: str, zh: str) -> Any:
    return Annotated[
        list[Path] | None,
        typer.Option(
            f"--{kind}", metavar="FILE", help=f"{zh} export(s), overriding what --data holds."
        ),
    ]


RosterOpt = _file_opt("roster", "Staff roster 客服名单")
OrdersOpt = _file_opt("orders", "Orders 订单")
AttendanceOpt = _file_opt("attendance", "Attendance 打卡")
LeaveOpt = _file_opt("leave", "Leave approvals 请假")
ScheduleOpt = _file_opt("schedule", "Schedule 排班")
ChatsOpt = _file_opt("chats", "Chat log 聊天记录")
IncidentsOpt = _file_opt("incidents", "Incidents 奖惩")

err_console = Console(stderr=True, highlight=False)


def out_console() -> Console:
    # A terminal's own width, or COLUMNS when set; a pipe or a file gets 200.
    wide = sys.stdout.isatty() or os.environ.get("COLUMNS", "").isdigit()
    return Console(highlight=False, soft_wrap=False, width=None if wide else 200)


def handle_errors(func: F) -> F:
    """Turn a CsopsError into one red message on stderr and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            refuse_overwriting_inputs(kwargs)
            refuse_outputs_among_inputs(kwargs)
            return func(*args, **kwargs)
        except CsopsError as exc:
            # Text, not markup: messages quote user data such as `deductions[2]`.
            say(err_console, exc.message, style="red", prefix="Error:")
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def refuse_overwriting_inputs(options: dict[str, Any]) -> None:
    """An `--out` that is an existing file among the inputs (in --data or --rules, a file
    given with --orders …, the ledger) would destroy it: refused before anything runs."""
    out = options.get("out")
    if not isinstance(out, Path) or not out.is_file():
        return
    target = out.resolve()
    for name, value in options.items():
        for given in value if isinstance(value, list) else [value]:
            if name == "out" or not isinstance(given, Path) or not given.exists():
                continue
            source = given.resolve()
            read = target == source or (
                source.is_dir()
                and source in target.parents
                and target.suffix.lower() in {*SUPPORTED_SUFFIXES, ".yaml", ".yml"}
                and not target.name.startswith((".", "~$"))
            )
            if read:
                where = f"in the folder {given}" if source.is_dir() else "given as an input"
                raise UsageError(
                    f"--out {out}: that file is an input ({where}); csops never overwrites "
                    "its inputs: write the report elsewhere"
                )


OUTPUTS = ("out", "log", "ledger")  # the options naming what csops writes


def refuse_outputs_among_inputs(options: dict[str, Any]) -> None:
    """`--out`, `--log` and the ledger may not be inside `--data` nor be a file given as an
    input: the next run would read them back (a workbook as a second QA export, a log line
    in the shop's order export). Refused before anything runs (exit 2)."""
    data = options.get("data")
    inputs = [
        v
        for name, value in options.items()
        if name not in (*OUTPUTS, "data", "rules")
        for v in (value if isinstance(value, list) else [value])
        if isinstance(v, Path)
    ]
    for name in OUTPUTS:
        value = options.get(name)
        if not isinstance(value, Path):
            continue
        target = value.resolve()
        if isinstance(data, Path) and data.is_dir():
            folder = data.resolve()
            if target == folder or folder in target.parents:
                raise UsageError(
                    f"--{name} {value}: inside the input folder --data {data}; the next run "
                    "would read csops's own output as an export: write it outside that folder"
                )
        for given in inputs:
            if given.exists() and given.resolve() == target:
                raise UsageError(
                    f"--{name} {value}: that file is an input; csops never writes into its "
                    "inputs: write it elsewhere"
                )


def open_rules(rules_dir: Path | None) -> RuleSet:
    return load_rules(rules_dir)


def in_force(report: Report, rules: RuleSet, lang: str | None = None) -> Report:
    """The report, saying which rules its figures were computed with: a note under the
    table (and the workbook's title), `rules_in_force` in the JSON."""
    language = lang or rules.settings.lang
    # A new list: the document may hold the notes list itself (its `notes`).
    report.notes = [
        *(localize(note, language) for note in report.notes),
        rules_in_force(str(rules.folder), rules.overrides, rules.digest(), language),
    ]
    report.document.setdefault(
        "rules_in_force",
        {"folder": str(rules.folder), "files": rules.overrides, "sha256": rules.digest()},
    )
    return report


def open_inputs(
    rules: RuleSet,
    data: Path | None,
    encoding: str | None,
    files: dict[str, list[Path] | None] | None = None,
) -> Inputs:
    explicit = {k: v for k, v in (files or {}).items() if v}
    if data is None and not explicit:
        raise UsageError(
            "no input: pass --data DIR (a folder of exports) or files such as --orders"
        )
    return Inputs.scan(rules, data, explicit, encoding)


def parse_month(text: str, rules: RuleSet) -> Month:
    """--month; `last` by the shop's clock (settings.yaml `timezone`)."""
    return Month.parse(text, timezone=rules.settings.timezone)


def pick_lang(rules: RuleSet, lang: str | None) -> str:
    return lang or rules.settings.lang
