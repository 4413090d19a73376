"""Closing a month: compute its score, commission and chat KPIs once, keep them in the ledger.

`close_month(inputs, rules, month, ledger_path)` computes, from ONE loaded `Inputs`:

- the monthly score (`csops.jobs.month.compute`), whose `serious` level looks back at the
  levels of the closed months before it (`previous_levels`);
- the commission (`csops.domain.commission.compute_commission`, with the month's score levels when
  the rules have level multipliers);
- the chat KPIs (`csops.domain.chats.chat_kpis`);

and stores, per staff member, one JSON document per section (`score`, `commission`,
`chats`) with the rule set's SHA-256 and each input file's name and SHA-256, in one
transaction (`csops.jobs.ledger.Ledger.close_month`). The other functions read the ledger back:
the levels before a month, a year's records for grades, the history of closed months.

A closed month is what payroll is paid on, so closing needs every export it computes from:
the roster, the attendance, the orders and the chat log (leave approvals and the incident
sheet stay optional, with the score's warnings). A missing one is an error, not a section
quietly left out of an immutable month.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from csops.domain.chats import ChatKpis
from csops.domain.commission import CommissionResult
from csops.domain.grades import YearRecords
from csops.domain.period import Month
from csops.domain.scoring import ScoreResult
from csops.ingest.discover import Inputs
from csops.jobs.ledger import Closed, InputFile, Ledger, LedgerError
from csops.jobs.month import Figures, MonthData, compute, read_month
from csops.report.documents import chat_documents, commission_documents, score_documents
from csops.rules.loader import RuleSet
from csops.rules.scoring import ScoringRules

SECTIONS = ("score", "commission", "chats")
KINDS_USED = ("roster", "attendance", "leave", "incidents", "orders", "chats")


@dataclass
class MonthResults:
    """Everything a close computes, before it is stored."""

    month: Month
    score: ScoreResult
    commission: CommissionResult
    chats: ChatKpis
    inputs: list[InputFile]
    rules_sha256: str
    warnings: list[str] = field(default_factory=list)

    def documents(self) -> dict[str, dict[str, dict[str, Any]]]:
        """section → staff_id → the JSON document the ledger keeps."""
        return {
            "score": score_documents(self.score),
            "commission": commission_documents(self.commission),
            "chats": chat_documents(self.chats),
        }


@dataclass(frozen=True)
class ClosedMonth(Closed):
    """What `close_month` stored (the ledger's `Closed`) plus the results and the time."""

    results: MonthResults | None = field(default=None, compare=False, repr=False)
    seconds: float = 0.0


def _as_month(month: Month | str) -> Month:
    return month if isinstance(month, Month) else Month.parse(month)


# ---------------------------------------------------------------- computing a month


def input_files(inputs: Inputs) -> list[InputFile]:
    """Name and SHA-256 of every input file a close reads."""
    # A workbook of two exports (主订单 and 子订单 sheets) is one file.
    paths = {
        r.source.path: r.source.file_name or r.display
        for r in inputs.files
        if r.source is not None and r.target in KINDS_USED and not r.skipped
    }
    files = [InputFile.of(path, name) for path, name in paths.items()]
    return sorted(files, key=lambda f: f.name)


def figures_to_close(
    data: MonthData,
    rules: RuleSet,
    month: Month,
    ledger_path: Path,
    wanted: Collection[str] = SECTIONS,
    **options: Any,
) -> Figures:
    """`compute` with the score levels of the ledger's closed months before `month` (the
    `serious` level), and the ledger's note on them first among the score's warnings:
    what `csops close` keeps and `csops monthly` shows (and keeps, with --close)."""
    previous, notes = levels_before(rules, ledger_path, month)
    figures = compute(data, rules, month, wanted, previous_levels=previous, **options)
    if figures.score is not None:
        figures.score.warnings[:0] = notes
    return figures


def month_results(figures: Figures, inputs: Inputs, rules: RuleSet) -> MonthResults:
    """The figures a close keeps, with the input files' and the rules' fingerprints."""
    assert figures.score is not None and figures.commission is not None
    assert figures.chats is not None and isinstance(figures.period, Month)
    return MonthResults(
        month=figures.period,
        score=figures.score,
        commission=figures.commission,
        chats=figures.chats,
        inputs=input_files(inputs),
        rules_sha256=rules.digest(),
        warnings=list(figures.score.warnings),
    )


def compute_month(
    inputs: Inputs, rules: RuleSet, month: Month | str, ledger_path: Path, lang: str | None = None
) -> MonthResults:
    """The month's score (with the ledger's previous levels), commission and chat KPIs."""
    period = _as_month(month)
    data = read_month(inputs, SECTIONS, command="close")
    language = lang or rules.settings.lang
    figures = figures_to_close(data, rules, period, ledger_path, lang=language)
    return month_results(figures, inputs, rules)


def close_month(
    inputs: Inputs,
    rules: RuleSet,
    month: Month | str,
    ledger_path: Path,
    *,
    reopen_reason: str | None = None,
    now: datetime | None = None,
    lang: str | None = None,
) -> ClosedMonth:
    """Compute `month` from the loaded exports and store it in the ledger as closed.

    A month closed before is refused before anything is computed, unless `reopen_reason`
    (then the new result is stored as a new revision; the earlier one and the reason stay
    in the ledger)."""
    started = time.perf_counter()
    period = _as_month(month)
    ledger = Ledger(ledger_path)
    ledger.check_closable(str(period), reopening=reopen_reason is not None)
    results = compute_month(inputs, rules, period, ledger_path, lang)
    return store_month(results, ledger, reopen_reason=reopen_reason, now=now, started=started)


def store_month(
    results: MonthResults,
    ledger: Ledger,
    *,
    reopen_reason: str | None = None,
    now: datetime | None = None,
    started: float | None = None,
) -> ClosedMonth:
    """Store computed results as the month's closed result (one transaction)."""
    started = time.perf_counter() if started is None else started
    closed = ledger.close_month(
        str(results.month),
        results.documents(),
        results.rules_sha256,
        results.inputs,
        reopen_reason=reopen_reason,
        now=now,
    )
    return ClosedMonth(
        closed.month,
        closed.revision,
        closed.closed_at,
        closed.rules_sha256,
        results=results,
        seconds=time.perf_counter() - started,
    )


# ---------------------------------------------------------------- reading back


def previous_levels(
    ledger_path: Path,
    month: Month | str,
    staff_ids: Iterable[str] | None = None,
    *,
    months: int = 2,
) -> dict[str, list[str]]:
    """staff_id → the score levels of the closed months right before `month`, oldest
    first, at most `months` of them.

    Only an unbroken run counts: the list stops at the first month going back that is not
    closed or in which the staff member has no score (not on staff), so a gap month
    breaks a run of low months. Without a ledger file, every list is empty."""
    period = _as_month(month)
    wanted: list[str] = []
    cursor = period
    for _ in range(max(months, 0)):
        cursor = cursor.previous()
        wanted.append(str(cursor))  # newest first
    ledger = Ledger(ledger_path)
    closed = {c.month for c in ledger.closed_months()} if wanted else set()
    present = [m for m in wanted if m in closed]
    by_staff: dict[str, dict[str, str]] = {}
    for row in ledger.results("score", present) if present else []:
        by_staff.setdefault(row["staff_id"], {})[row["month"]] = row["level"]
    ids = list(staff_ids) if staff_ids is not None else sorted(by_staff)
    out: dict[str, list[str]] = {}
    for staff_id in ids:
        run: list[str] = []
        levels = by_staff.get(staff_id, {})
        for month_key in wanted:
            if month_key not in levels:
                break
            run.insert(0, levels[month_key])
        out[staff_id] = run
    return out


def levels_before(
    rules: RuleSet, ledger_path: Path, month: Month | str
) -> tuple[dict[str, list[str]], list[str]]:
    """The previous levels the `serious` rule needs (months_in_a_row − 1 months), and a
    note when the ledger has closed months but not the ones right before `month`."""
    serious = rules.get(ScoringRules).serious
    if serious is None or not ledger_path.exists():
        return {}, []
    period = _as_month(month)
    need = serious.months_in_a_row - 1
    levels = previous_levels(ledger_path, period, months=need)
    closed = [c.month for c in Ledger(ledger_path).closed_months()]
    wanted = []
    cursor = period
    for _ in range(need):
        cursor = cursor.previous()
        wanted.append(str(cursor))
    notes = []
    open_months = sorted(m for m in wanted if m not in closed)
    if open_months and any(m < str(period) for m in closed):
        notes.append(
            f"{', '.join(open_months)} not closed in the ledger {ledger_path}: the "
            f"{serious.id} level (≤ {serious.max_score:g} for {serious.months_in_a_row} months "
            "in a row) looks back only over closed months"
        )
    return levels, notes


def open_ledger(ledger_path: Path) -> Ledger:
    """The ledger to read; an error when the file does not exist (nothing closed yet)."""
    if not ledger_path.exists():
        raise LedgerError(
            f"ledger {ledger_path} does not exist: no month has been closed there; close "
            "months with csops close --month YYYY-MM, or pass --ledger PATH"
        )
    return Ledger(ledger_path)


def year_records(ledger_path: Path, year: int) -> YearRecords:
    """The in-force results of the year's closed months (for grades)."""
    ledger = open_ledger(ledger_path)
    closed = [c for c in ledger.closed_months() if c.month.startswith(f"{year:04d}-")]
    months = [c.month for c in closed]
    return YearRecords(
        year=year,
        closed=months,
        scores=ledger.results("score", months) if months else [],
        commission=ledger.results("commission", months) if months else [],
        rule_sets={c.month: c.rules_sha256 for c in closed},
    )


def month_history(ledger_path: Path, year: int | None = None) -> list[dict[str, Any]]:
    """One entry per closed month: revision, time, rule set, inputs, staff, reopens."""
    ledger = open_ledger(ledger_path)
    closed = [
        c for c in ledger.closed_months() if year is None or c.month.startswith(f"{year:04d}-")
    ]
    months = [c.month for c in closed]
    staff: dict[str, int] = {}
    for row in ledger.results("score", months) if months else []:
        staff[row["month"]] = staff.get(row["month"], 0) + 1
    audit = ledger.audit()
    out = []
    for c in closed:
        reopens = [a for a in audit if a["month"] == c.month and a["action"] == "reopen"]
        files = ledger.inputs(c.month)
        out.append(
            {
                "month": c.month,
                "revision": c.revision,
                "closed_at": c.closed_at,
                "rules_sha256": c.rules_sha256,
                "staff": staff.get(c.month, 0),
                "inputs": [{"file": f.name, "sha256": f.sha256, "size": f.size} for f in files],
                "audit": [
                    {
                        "at": a["at"],
                        "action": a["action"],
                        "revision": a["revision"],
                        "previous_revision": a["previous_revision"],
                        "reason": a["reason"],
                    }
                    for a in audit
                    if a["month"] == c.month
                ],
                "reopens": len(reopens),
                "reason": reopens[-1]["reason"] if reopens else None,
            }
        )
    return out


def staff_history(
    ledger_path: Path, staff_id: str, year: int | None = None
) -> list[dict[str, Any]]:
    """One entry per closed month in which the staff member has results."""
    ledger = open_ledger(ledger_path)
    months = [
        c.month
        for c in ledger.closed_months()
        if year is None or c.month.startswith(f"{year:04d}-")
    ]
    if not months:
        return []
    sections: dict[str, dict[str, dict[str, Any]]] = {}
    for section in SECTIONS:
        for row in ledger.results(section, months, staff_id=staff_id):
            sections.setdefault(row["month"], {})[section] = row
    out = []
    for month_key in months:
        got = sections.get(month_key)
        if got is None:
            continue
        score = got.get("score", {})
        commission = got.get("commission", {})
        chats = got.get("chats", {})
        counts: Mapping[str, Any] = score.get("counts", {})
        out.append(
            {
                "month": month_key,
                "name": score.get("name") or commission.get("name") or chats.get("name"),
                "score": score.get("score"),
                "level": score.get("level"),
                "late_days": counts.get("late_days"),
                "early_leave_days": counts.get("early_leave_days"),
                "unauthorized_absence_days": counts.get("unauthorized_absence_days"),
                "leave_days": counts.get("leave_days"),
                "major_mistakes": counts.get("major_mistakes"),
                "net_sales": commission.get("net_sales"),
                "commission": commission.get("commission"),
                "total": commission.get("total"),
                "conversations": chats.get("conversations"),
                "reply_rate": chats.get("reply_rate"),
            }
        )
    return out
