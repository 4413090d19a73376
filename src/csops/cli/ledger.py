"""`csops close` (close a month into the ledger) and `csops history` (what is closed)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from csops.cli.common import (
    DataOpt,
    EncodingOpt,
    FormatOpt,
    LangOpt,
    MonthOpt,
    OutOpt,
    RulesOpt,
    StaffOpt,
    err_console,
    handle_errors,
    open_inputs,
    open_rules,
    out_console,
    parse_month,
    pick_lang,
)
from csops.errors import UsageError
from csops.jobs.closing import ClosedMonth, close_month, month_history, staff_history
from csops.jobs.ledger import Ledger
from csops.jobs.lock import ledger_lock
from csops.report.output import Column, Report, Sheet, emit, say
from csops.rules import RuleSet
from csops.rules.scoring import ScoringRules

LedgerOpt = Annotated[
    Path | None,
    typer.Option(
        "--ledger",
        metavar="FILE",
        help="The ledger of closed months (default: settings.yaml ledger:).",
    ),
]
YearOpt = Annotated[
    int | None, typer.Option("--year", metavar="YYYY", help="Only this year, YYYY.")
]
ReopenOpt = Annotated[
    bool,
    typer.Option(
        "--reopen", help="Replace a closed month (needs --reason); the old result is kept."
    ),
]
ReasonOpt = Annotated[
    str | None,
    typer.Option(
        "--reason", metavar="TEXT", help="Why a closed month is reopened (kept in the audit)."
    ),
]


def ledger_path(rule_set: RuleSet, ledger: Path | None) -> Path:
    """--ledger, else `ledger:` of settings.yaml (relative to the working folder)."""
    return ledger if ledger is not None else Path(rule_set.settings.ledger)


def check_year(year: int | None) -> None:
    if year is not None and not 2000 <= year <= 2099:
        raise UsageError(f"--year {year}: expected a year as YYYY, e.g. 2026")


def _yuan(values: Any) -> list[Decimal | None]:
    """Money strings of the ledger → Decimal for the writers (xlsx numbers)."""
    return [Decimal(v) if isinstance(v, str) else None for v in values]


def _level_text(rule_set: RuleSet, lang: str) -> Any:
    scoring = rule_set.get(ScoringRules)
    return lambda level: scoring.level_text(level, lang) if isinstance(level, str) else level


# ---------------------------------------------------------------- close


def close_report(closed: ClosedMonth, rule_set: RuleSet, path: Path, lang: str) -> Report:
    assert closed.results is not None
    docs = closed.results.documents()
    rows = []
    for staff_id, score in docs["score"].items():
        commission = docs["commission"].get(staff_id, {})
        chats = docs["chats"].get(staff_id, {})
        rows.append(
            {
                "staff_id": staff_id,
                "name": score["name"],
                "score": score["score"],
                "level": score["level"],
                "net_sales": commission.get("net_sales"),
                "commission": commission.get("commission"),
                "total": commission.get("total"),
                "conversations": chats.get("conversations"),
                "reply_rate": chats.get("reply_rate"),
            }
        )
    level_text = _level_text(rule_set, lang)
    frame = pd.DataFrame(rows, columns=list(rows[0]) if rows else ["staff_id"])
    table = pd.DataFrame(
        {
            "staff_id": frame.get("staff_id"),
            "name": frame.get("name"),
            "ledger.score": frame.get("score"),
            "ledger.level": frame["level"].map(level_text) if "level" in frame else None,
            "ledger.net_sales": _yuan(frame.get("net_sales", [])),
            "ledger.commission": _yuan(frame.get("commission", [])),
            "ledger.total": _yuan(frame.get("total", [])),
            "ledger.conversations": frame.get("conversations"),
            "ledger.reply_rate": frame.get("reply_rate"),
        }
    )
    columns = [
        Column("staff_id"),
        Column("name"),
        Column("ledger.score", "number"),
        Column("ledger.level"),
        Column("ledger.net_sales", "money"),
        Column("ledger.commission", "money"),
        Column("ledger.total", "money"),
        Column("ledger.conversations", "int"),
        Column("ledger.reply_rate", "rate"),
    ]
    results = closed.results
    document = {
        "month": closed.month,
        "revision": closed.revision,
        "closed_at": closed.closed_at,
        "rules_sha256": closed.rules_sha256,
        "ledger": str(path),
        "inputs": [{"file": f.name, "sha256": f.sha256, "size": f.size} for f in results.inputs],
        "staff": rows,
        "warnings": list(results.warnings),
    }
    action = "reopened" if closed.revision > 1 else "closed"
    summary = (
        f"{closed.month} {action}: revision {closed.revision} at {closed.closed_at}; "
        f"{len(rows)} staff; rule set {closed.rules_sha256[:12]}; {len(results.inputs)} input "
        f"files; ledger {path}; {closed.seconds:.1f} s"
    )
    return Report(document, [Sheet("title.close", table, columns)], [*results.warnings, summary])


@handle_errors
def close(
    month: MonthOpt = "last",
    data: DataOpt = Path("."),
    rules: RulesOpt = None,
    ledger: LedgerOpt = None,
    reopen: ReopenOpt = False,
    reason: ReasonOpt = None,
    encoding: EncodingOpt = None,
    lang: LangOpt = None,
    fmt: FormatOpt = "table",
    out: OutOpt = None,
) -> None:
    """Close a month: compute its scores, commission and chat KPIs and keep them, per staff
    member, in the ledger with the rules' and input files' SHA-256. A closed month never
    changes, unless reopened with --reopen --reason."""
    if reopen and not (reason and reason.strip()):
        raise UsageError('--reopen needs --reason "why the closed month is replaced"')
    if reason is not None and not reopen:
        raise UsageError("--reason goes with --reopen (closing a month the first time needs none)")
    if fmt == "xlsx" and out is None:
        # Checked before closing: a month must not be closed by a run that then fails.
        raise UsageError(
            "--format xlsx needs --out FILE.xlsx (a workbook cannot go to the terminal)"
        )
    rule_set = open_rules(rules)
    period = parse_month(month, rule_set)
    path = ledger_path(rule_set, ledger)
    inputs = open_inputs(rule_set, data, encoding)
    language = pick_lang(rule_set, lang)
    with ledger_lock(path, wait=60.0):  # one close at a time, monthly --close included
        closed = close_month(
            inputs,
            rule_set,
            period,
            path,
            reopen_reason=reason.strip() if reason else None,
            lang=language,
        )
    report = close_report(closed, rule_set, path, language)
    emit(report, fmt, out, language, out_console())
    if fmt != "table":
        for note in report.notes:
            say(err_console, note)


# ---------------------------------------------------------------- history


def months_report(entries: list[dict[str, Any]]) -> Report:
    frame = pd.DataFrame(
        {
            "month": [e["month"] for e in entries],
            "ledger.revision": [e["revision"] for e in entries],
            "ledger.closed_at": [e["closed_at"] for e in entries],
            "ledger.rules": [e["rules_sha256"][:12] for e in entries],
            "ledger.inputs": [len(e["inputs"]) for e in entries],
            "ledger.staff": [e["staff"] for e in entries],
            "ledger.reopens": [e["reopens"] for e in entries],
            "ledger.reason": [e["reason"] for e in entries],
        }
    )
    columns = [
        Column("month"),
        Column("ledger.revision", "int"),
        Column("ledger.closed_at"),
        Column("ledger.rules"),
        Column("ledger.inputs", "int"),
        Column("ledger.staff", "int"),
        Column("ledger.reopens", "int"),
        Column("ledger.reason"),
    ]
    return Report({"months": entries}, [Sheet("title.history", frame, columns)])


STAFF_COLUMNS = [
    Column("month"),
    Column("name"),
    Column("ledger.score", "number"),
    Column("ledger.level"),
    Column("ledger.late_days", "int"),
    Column("ledger.early_leave_days", "int"),
    Column("ledger.unauthorized_absence_days", "int"),
    Column("ledger.leave_days", "int"),
    Column("ledger.major_mistakes", "int"),
    Column("ledger.net_sales", "money"),
    Column("ledger.commission", "money"),
    Column("ledger.total", "money"),
    Column("ledger.conversations", "int"),
    Column("ledger.reply_rate", "rate"),
]


def staff_report(staff_id: str, entries: list[dict[str, Any]], level_text: Any) -> Report:
    frame = pd.DataFrame(
        {
            c.key: _yuan(e[c.key.removeprefix("ledger.")] for e in entries)
            if c.type == "money"
            else [
                level_text(e["level"])
                if c.key == "ledger.level"
                else e[c.key.removeprefix("ledger.")]
                for e in entries
            ]
            for c in STAFF_COLUMNS
        }
    )
    return Report(
        {"staff_id": staff_id, "months": entries},
        [Sheet("title.staff_history", frame, STAFF_COLUMNS)],
    )


@handle_errors
def history(
    staff: StaffOpt = None,
    year: YearOpt = None,
    ledger: LedgerOpt = None,
    rules: RulesOpt = None,
    lang: LangOpt = None,
    fmt: FormatOpt = "table",
    out: OutOpt = None,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Check every sealed row of the ledger (exit 1 naming the month and staff "
            "member of a row changed after closing), then stop.",
        ),
    ] = False,
) -> None:
    """The closed months: revision, time, rule set, inputs, reopens; with --staff, that staff
    member's score, counts, commission and chat figures month by month."""
    check_year(year)
    rule_set = open_rules(rules)
    path = ledger_path(rule_set, ledger)
    language = pick_lang(rule_set, lang)
    if verify:
        if not path.exists():
            raise UsageError(f"--verify: there is no ledger at {path}")
        rows = Ledger(path).verify()
        say(out_console(), f"ledger {path}: {rows} sealed rows checked, none changed")
        return
    where = f" of {year}" if year is not None else ""
    if staff is None:
        entries = month_history(path, year)
        report = months_report(entries)
        if not entries:
            report.notes.append(f"no month{where} is closed in the ledger {path}")
    else:
        entries = staff_history(path, staff, year)
        if not entries:
            raise UsageError(
                f"--staff {staff}: no closed month{where} in the ledger {path} has results "
                "for this 工号"
            )
        report = staff_report(staff, entries, _level_text(rule_set, language))
    emit(report, fmt, out, language, out_console())
    if fmt != "table":
        for note in report.notes:
            say(err_console, note)
