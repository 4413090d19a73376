"""`csops monthly`: the month-end run for cron — one workbook, one JSON, optionally the close.

Exit codes: 0 done (one summary line on stdout unless --quiet); 1 bad input, or the
ledger refused --close; 2 bad option or rule file; 4 another run holds the output
folder's lock (see docs/cron.md).
"""

from __future__ import annotations

import time
from contextlib import nullcontext
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer

from csops.cli.common import (
    AttendanceOpt,
    ChatsOpt,
    EncodingOpt,
    IncidentsOpt,
    LangOpt,
    LeaveOpt,
    MonthOpt,
    OrdersOpt,
    RosterOpt,
    RulesOpt,
    err_console,
    handle_errors,
    open_rules,
    parse_month,
    pick_lang,
)
from csops.cli.ledger import LedgerOpt, ledger_path
from csops.domain.money import money_str
from csops.errors import EXIT_DATA, CsopsError, UsageError
from csops.jobs.lock import exclusive_lock, ledger_lock
from csops.jobs.monthly import (
    Detail,
    check_closable,
    close_in_ledger,
    monthly_report,
    overdue_count,
)
from csops.report.labels import label
from csops.report.output import say
from csops.terminal import visible


def _append_log(log: Path | None, started: datetime, text: str) -> None:
    """One line per run: when it started, then what happened."""
    if log is None:
        return
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as fh:
            # One line whatever the text holds: a file name with a newline forges no line.
            fh.write(f"{started:%Y-%m-%d %H:%M:%S} {visible(text, one_line=True)}\n")
    except OSError as exc:
        say(err_console, f"Warning: --log {log}: cannot write ({exc.strerror})")


@handle_errors
def monthly(
    data: Annotated[
        Path, typer.Option("--data", metavar="DIR", help="Folder of the month's exports.")
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out", metavar="PATH", help="Folder for csops-YYYY-MM.xlsx / .json (and big CSVs)."
        ),
    ],
    month: MonthOpt = "last",
    rules: RulesOpt = None,
    close: Annotated[
        bool,
        typer.Option("--close", help="Also record the month as closed in the ledger."),
    ] = False,
    lang: LangOpt = None,
    log: Annotated[
        Path | None,
        typer.Option(
            "--log", metavar="FILE", help="Append one line per run (start time, result) to FILE."
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", help="Print nothing on success (errors still go to stderr).")
    ] = False,
    wait: Annotated[
        float,
        typer.Option(
            "--wait",
            metavar="SECONDS",
            min=0,
            help="Seconds to wait for another run writing to --out (then exit 4).",
        ),
    ] = 60.0,
    ledger: LedgerOpt = None,
    detail: Annotated[
        Detail,
        typer.Option(
            "--detail",
            metavar="[rules|all]",
            help="rules: list the waits that broke a rule (never answered, or slower than "
            "unanswered_s, or than kpi.yaml reply_timeliness_limit_s when shorter); all: "
            "every wait of the month (a big shop: millions of rows).",
        ),
    ] = "rules",
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            metavar="N",
            min=1,
            help="Files written at once (default: the cores of this machine).",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Exit 1 when the run has data warnings (accounts on no roster row, orders "
            "credited to no one, a stale orders export, files not read); the report is "
            "written first.",
        ),
    ] = False,
    encoding: EncodingOpt = None,
    roster: RosterOpt = None,
    attendance: AttendanceOpt = None,
    leave: LeaveOpt = None,
    incidents: IncidentsOpt = None,
    orders: OrdersOpt = None,
    chats: ChatsOpt = None,
) -> None:
    """The month-end run: score, commission, chat KPIs and the overdue list (as of the end
    of the month) from one read of the exports, into csops-YYYY-MM.xlsx and .json in --out;
    --close also records the month in the ledger. Made for cron (docs/cron.md)."""
    started_at = datetime.now()
    started = time.perf_counter()
    files = {
        "roster": roster,
        "attendance": attendance,
        "leave": leave,
        "incidents": incidents,
        "orders": orders,
        "chats": chats,
    }
    try:
        line, warnings, language = _monthly(
            month,
            data,
            out,
            rules,
            close,
            lang,
            wait,
            ledger,
            encoding,
            files,
            started,
            detail,
            jobs,
        )
    except CsopsError as exc:
        _append_log(log, started_at, f"failed (exit {exc.exit_code}): {exc.message}")
        raise
    except Exception as exc:  # a bug: note it in the log, then let the traceback show
        _append_log(log, started_at, f"failed: {type(exc).__name__}: {exc}")
        raise
    # Warnings reach cron: on stderr even with --quiet, and in the log line.
    for warning in warnings:
        say(err_console, warning, prefix=label("warn.prefix", language))
    if strict and warnings:
        _append_log(log, started_at, f"failed (exit {EXIT_DATA}, --strict): {line}")
        if not quiet:
            typer.echo(visible(line))
        raise typer.Exit(EXIT_DATA)
    _append_log(log, started_at, f"ok: {line}")
    if not quiet:
        typer.echo(visible(line))


def _monthly(
    month_text: str,
    data: Path,
    out: Path,
    rules_dir: Path | None,
    close: bool,
    lang: str | None,
    wait: float,
    ledger: Path | None,
    encoding: str | None,
    files: dict[str, list[Path] | None],
    started: float,
    detail: Detail = "rules",
    jobs: int | None = None,
) -> tuple[str, list[str], str]:
    rule_set = open_rules(rules_dir)
    period = parse_month(month_text, rule_set)
    language = pick_lang(rule_set, lang)
    ledger_file = ledger_path(rule_set, ledger)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: is a file; give a folder for the month's reports")
    if not data.is_dir():
        raise UsageError(f"--data {data}: no such folder")
    with exclusive_lock(out, wait), ledger_lock(ledger_file, wait) if close else nullcontext():
        if close:
            check_closable(ledger_file, period)
        explicit = {kind: paths for kind, paths in files.items() if paths}
        run, paths = monthly_report(
            rule_set,
            data,
            period,
            language,
            out,
            ledger=ledger_file,
            files=explicit,
            encoding=encoding,
            detail=detail,
            jobs=jobs,
        )
        closed = close_in_ledger(run) if close else None
    score = run.section("score").result
    commission = run.section("commission").result
    line = label("monthly.done", language).format(
        month=period,
        staff=len(score.staff),
        total=money_str(sum(commission.staff["total"], Decimal(0))),
        overdue=overdue_count(run),
        files=", ".join(str(p) for p in paths),
        seconds=f"{time.perf_counter() - started:.1f}",
    )
    if run.warnings:
        line += "; " + label("monthly.warnings", language).format(count=len(run.warnings))
    if closed is not None:
        line += "; " + label("monthly.closed", language).format(
            month=period, revision=closed.revision, ledger=ledger_file
        )
    return line, run.warnings, language
