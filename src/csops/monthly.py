"""`csops monthly`: the month-end run a shop schedules on the 1st.

One `Inputs.scan(...).load([...])` reads every export once; then each *section* computes
from it what its command computes (`SECTIONS`, in order): the score, the commission, the
chat KPIs, the overdue-shipment list as of the end of the month (00:00 on the 1st of the
next month) and the data-quality report of `inspect`. A section gives the command's JSON
document, its workbook sheets and its columns of the Summary sheet; `MonthlyFiles`
writes `csops-YYYY-MM.xlsx` (Summary, Charts, then every section's sheets),
`csops-YYYY-MM.json` (`{"month", "as_of", "score", "commission", "chats", "overdue",
"inputs", "files"}`) and, for sheets over `settings.detail_row_limit` rows, CSV files
beside them (started in a thread as soon as their section is built; the waits as soon as
the chat KPIs know them, before the section is). `monthly_report` does it all. A new
section (a sheet with a chart) is one more function in `SECTIONS`.

Files are staged under temporary names in the output folder and renamed into place only
once all of them are complete, so a killed run leaves the previous report as it was.
`exclusive_lock` keeps two runs from writing to the same folder at once.
"""

from __future__ import annotations

import fcntl
import importlib
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from csops.chats import ChatKpis, WaitLog, chats_month, month_messages
from csops.commission import CommissionResult, commission_month
from csops.errors import EXIT_BUSY, CsopsError
from csops.ingest.discover import Inputs
from csops.ingest.parallel import background
from csops.ingest.schemas import KINDS as ALL_KINDS
from csops.period import Month
from csops.report.chats import all_waits, kpi_report, waits_sheet
from csops.report.commission import evidence_sheets, orders_sheet, summary_report
from csops.report.detail import (
    CSV_FILE_ROWS,
    CsvPart,
    csv_files,
    remove_other_csv,
    write_csv_parts,
)
from csops.report.inputs import inspect_report
from csops.report.labels import label
from csops.report.output import Column, Sheet, atomic_path, scratch_dir, to_json
from csops.report.scores import LEVEL_STYLES, attendance_sheet, score_report
from csops.report.shipments import as_of_text, overdue_report
from csops.report.workbook import BookSheet, Chart, WorkbookWriter, csv_path
from csops.rules import RuleSet
from csops.rules.shipping import LEVEL_NAMES
from csops.scoring import ScoreResult, score_month
from csops.shipments import ShippingList, overdue_list

# The exports the month-end run reads (leave and incidents may be absent), in this order:
# the chat log before the orders, so its messages are sorted while the orders are read.
KINDS = ("roster", "attendance", "leave", "incidents", "chats", "orders")
LOCK_NAME = ".csops-monthly.lock"
PUNCH_FORMAT = "mm-dd hh:mm"
SUMMARY_KEY = "title.summary"  # the first sheet: a row per staff member


class BusyError(CsopsError):
    """Another run holds the output folder's lock."""

    exit_code = EXIT_BUSY


# ---------------------------------------------------------------- sections


@dataclass
class MonthContext:
    """What every section builder gets: the loaded exports, the rules, the month."""

    inputs: Inputs
    rules: RuleSet
    month: Month
    lang: str
    ledger: Path
    results: dict[str, Any] = field(default_factory=dict)  # section key → its result
    # Called by a section, in its thread, with a sheet it has ready before the section is
    # built (the waits, while the chat KPIs finish): the run starts its CSV file then.
    early_sheet: Callable[[BookSheet], None] = field(default=lambda sheet: None, repr=False)
    # `chats.month_messages`, begun as soon as the chat log was read (see `reads_messages`);
    # None when no section reads them or no chat log was read.
    messages: Future[pd.DataFrame] | None = field(default=None, repr=False)

    @property
    def as_of(self) -> pd.Timestamp:
        """The end of the month: 00:00 on the 1st of the next month."""
        return self.month.end


@dataclass
class SummaryPart:
    """A section's columns of the Summary sheet: `frame` has staff_id, name and the
    columns' keys (label keys); charts are drawn from the Summary sheet."""

    frame: pd.DataFrame
    columns: list[Column]
    charts: list[Chart] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)
    missing: dict[str, Any] = field(default_factory=dict)  # value for staff not in `frame`


@dataclass
class Section:
    key: str  # the JSON key
    document: dict[str, Any]
    sheets: list[BookSheet]
    result: Any = None
    summary: SummaryPart | None = None
    headline: str | None = None  # one line of the Summary sheet's notes


SectionBuilder = Callable[[MonthContext], Section]


def independent(build: SectionBuilder) -> SectionBuilder:
    """Mark a section that reads no other section's result: `run_monthly` starts it in a
    thread of its own at once, so the chat KPIs (numpy and Arrow, which leave the GIL)
    compute on the second core while the score and the commission compute on the first,
    and the overdue list is ready when the chat KPIs are. The input frames are only read,
    never changed, by every section (a test checks it)."""
    build.independent = True  # type: ignore[attr-defined]
    return build


def is_independent(build: SectionBuilder) -> bool:
    return bool(getattr(build, "independent", False))


def reads_messages(build: SectionBuilder) -> SectionBuilder:
    """Mark a section that works on the chat log's sorted messages (`ctx.messages`): when
    one does, `run_monthly` begins `chats.month_messages` in a thread as soon as the chat
    log is read, and the orders are read meanwhile (1–1.5 s of a big month's run)."""
    build.reads_messages = True  # type: ignore[attr-defined]
    return build


def _reads_messages(build: SectionBuilder) -> bool:
    return bool(getattr(build, "reads_messages", False))


def _previous_levels(ctx: MonthContext) -> tuple[dict[str, list[str]], list[str]]:
    """The score levels of the closed months before this one (for the `serious` level),
    from the ledger when one exists."""
    if not ctx.ledger.exists():
        return {}, []
    closing = importlib.import_module("csops.closing")
    levels, notes = closing.levels_before(ctx.rules, ctx.ledger, ctx.month)
    return levels, list(notes)


def score_section(ctx: MonthContext) -> Section:
    previous, notes = _previous_levels(ctx)
    result = score_month(
        ctx.inputs, ctx.rules, ctx.month, previous_levels=previous or None, lang=ctx.lang
    )
    result.warnings[:0] = notes
    report = score_report(result, ctx.lang, compact=False)
    scores, evidence = report.sheets
    staff = result.staff
    part = pd.DataFrame(
        {
            "staff_id": staff["staff_id"],
            "name": staff["name"],
            "role": staff["role"],
            "score.score": staff["score"],
            "score.level": scores.frame["score.level"],
            "_level": staff["level"],
        }
    )
    counts = staff["level"].value_counts()
    levels = ", ".join(
        f"{result.rules.level_text(lv, ctx.lang)} {int(counts[lv])}"
        for lv in dict.fromkeys(staff["level"])
    )
    return Section(
        key="score",
        document=report.document,
        sheets=[
            BookSheet(scores, tab="monthly.tab.scores", notes=report.notes, freeze_columns=2),
            BookSheet(evidence, tab="monthly.tab.evidence", freeze_columns=2, csv_name="evidence"),
            BookSheet(
                attendance_sheet(result, ctx.lang),
                freeze_columns=3,
                csv_name="attendance",
                formats={"att.first_punch": PUNCH_FORMAT, "att.last_punch": PUNCH_FORMAT},
            ),
        ],
        result=result,
        summary=SummaryPart(
            part,
            [Column("role"), Column("score.score", "number"), Column("score.level")],
            [Chart("monthly.chart.score", "name", ["score.score"], colour_by="_level")],
        ),
        headline=label("monthly.head.score", ctx.lang).format(staff=len(staff), levels=levels),
    )


def commission_section(ctx: MonthContext) -> Section:
    score: ScoreResult | None = ctx.results.get("score")
    result = commission_month(
        ctx.inputs,
        ctx.rules,
        ctx.month,
        levels=None if score is None else score.levels,
    )
    report = summary_report(result, None, ctx.lang)
    staff = result.staff
    document = report.document
    total = sum(staff["total"], Decimal(0))
    awards = sum(staff["awards"], Decimal(0))
    return Section(
        key="commission",
        document=document,
        sheets=[
            BookSheet(
                report.sheets[0], tab="monthly.tab.commission", notes=report.notes, freeze_columns=2
            ),
            BookSheet(
                orders_sheet(result, None, ctx.lang), tab="monthly.tab.orders", csv_name="orders"
            ),
            *(
                BookSheet(sheet, csv_name=name)
                for sheet, name in zip(
                    evidence_sheets(result), ("conflicts", "unknown_ids", "awards"), strict=True
                )
            ),
        ],
        result=result,
        summary=SummaryPart(
            pd.DataFrame(
                {
                    "staff_id": staff["staff_id"],
                    "name": staff["name"],
                    "commission.net_sales": staff["net_sales"],
                    "monthly.commission_total": staff["total"],
                }
            ),
            [Column("commission.net_sales", "money"), Column("monthly.commission_total", "money")],
            [Chart("monthly.chart.commission", "name", ["monthly.commission_total"])],
        ),
        headline=label("monthly.head.commission", ctx.lang).format(
            total=f"{total:,.2f}",
            awards=f"{awards:,.2f}",
            orders=document["unattributed"]["orders"],
            net=f"{Decimal(document['unattributed']['net_sales']):,.2f}",
        ),
    )


SUMMARY_KPIS = (
    ("conversations", "int"),
    ("first_response_s", "seconds"),
    ("avg_response_s", "seconds"),
    ("unanswered_10min", "int"),
    ("reply_rate", "rate"),
    ("conversion_rate", "rate"),
)


def _waits_book(log: WaitLog, ctx: MonthContext) -> BookSheet:
    waits = waits_sheet("title.waits", all_waits(log, ctx.rules.settings.mask_buyers))
    return BookSheet(
        waits,
        freeze_columns=1,
        csv_name="waits",
        formats={
            "chats.wait_start": PUNCH_FORMAT,
            "chats.clock_start": PUNCH_FORMAT,
            "chats.reply_at": PUNCH_FORMAT,
        },
    )


@independent
@reads_messages
def chats_section(ctx: MonthContext) -> Section:
    made: list[BookSheet] = []

    def early(log: WaitLog) -> None:
        # Every wait is known before the inquiries are: the waits (millions of rows, the
        # biggest CSV file) start on their way while the chat KPIs finish.
        made.append(_waits_book(log, ctx))
        ctx.early_sheet(made[0])

    kpis = chats_month(ctx.inputs, ctx.rules, ctx.month, on_waits=early, messages=ctx.messages)
    report = kpi_report(kpis, None, ctx.lang)
    (waits,) = made  # `chat_kpis` hands the waits out once, always
    staff = kpis.staff[kpis.staff["staff_id"].notna()]
    part = pd.DataFrame({"staff_id": staff["staff_id"], "name": staff["name"]})
    for key, _ in SUMMARY_KPIS:
        part[f"chats.{key}"] = pd.to_numeric(staff[key])
    total = kpis.total
    avg = total["avg_response_s"]
    return Section(
        key="chats",
        document=report.document,
        sheets=[
            BookSheet(
                report.sheets[0], tab="monthly.tab.chats", notes=report.notes, freeze_columns=2
            ),
            waits,
        ],
        result=kpis,
        summary=SummaryPart(
            part,
            [Column(f"chats.{key}", type_) for key, type_ in SUMMARY_KPIS],  # type: ignore[arg-type]
            [
                Chart(
                    "monthly.chart.response",
                    "name",
                    ["chats.first_response_s", "chats.avg_response_s"],
                    axis_title="monthly.seconds",
                )
            ],
        ),
        headline=label("monthly.head.chats", ctx.lang).format(
            conversations=int(total["conversations"]),
            avg="-" if avg is None or pd.isna(avg) else f"{float(avg):.1f}",
            slow=int(total["unanswered_10min"]),
        ),
    )


def kpi_section(ctx: MonthContext) -> Section:
    """The KPI scorecard (issue 8), from the score, commission and chat results above:
    nothing is computed twice."""
    from csops.kpi import kpi_period
    from csops.report.kpi import kpi_sheets
    from csops.rules.scoring import ScoringRules

    result = kpi_period(ctx.inputs, ctx.rules, ctx.month, lang=ctx.lang, results=ctx.results)
    card, detail, checks = kpi_sheets(result, ctx.lang, scoring=ctx.rules.get(ScoringRules))
    staff = result.staff
    paid = sum((b for b in staff["bonus"] if b is not None), Decimal(0))
    return Section(
        key="kpi",
        document=result.to_document(),
        sheets=[
            BookSheet(card, tab="title.kpi", notes=result.notes, freeze_columns=2),
            BookSheet(detail, freeze_columns=2, csv_name="kpi_detail"),
            BookSheet(checks, freeze_columns=2, csv_name="spot_checks"),
        ],
        result=result,
        summary=SummaryPart(
            pd.DataFrame(
                {
                    "staff_id": staff["staff_id"],
                    "name": staff["name"],
                    "kpi.total": staff["total"],
                    "kpi.bonus": staff["bonus"],
                }
            ),
            [Column("kpi.total", "number"), Column("kpi.bonus", "money")],
            [Chart("kpi.chart_title", "name", ["kpi.total"])],
        ),
        headline=f"{label('title.kpi', ctx.lang)}: {int(staff['scored'].sum())}/{len(staff)}, "
        f"{label('kpi.bonus', ctx.lang)} {paid:,.2f}",
    )


@independent
def overdue_section(ctx: MonthContext) -> Section:
    result = overdue_list(ctx.inputs, ctx.rules, ctx.as_of)
    report = overdue_report(result, ctx.lang)
    listed, by_staff = report.sheets
    counts = " · ".join(
        f"{label(f'ship.level.{lv}', ctx.lang)} {result.counts[lv]}" for lv in LEVEL_NAMES
    )
    mine = result.by_staff[result.by_staff["staff_id"].notna()]
    return Section(
        key="overdue",
        document=report.document,
        sheets=[
            BookSheet(listed, tab="monthly.tab.overdue", notes=report.notes, csv_name="overdue"),
            BookSheet(by_staff, tab="monthly.tab.by_staff"),
        ],
        result=result,
        summary=SummaryPart(
            pd.DataFrame(
                {
                    "staff_id": mine["staff_id"],
                    "name": mine["staff_name"],
                    "monthly.unshipped": mine["total"],
                }
            ),
            [Column("monthly.unshipped", "int")],
            missing={"monthly.unshipped": 0},
        ),
        headline=label("monthly.head.overdue", ctx.lang).format(
            as_of=as_of_text(result.as_of), counts=counts
        ),
    )


def inputs_section(ctx: MonthContext) -> Section:
    report = inspect_report(ctx.inputs, ctx.lang)
    files = report.document["files"]
    return Section(
        key="inputs",
        document=report.document,
        sheets=[BookSheet(report.sheets[0], tab="title.data_quality", notes=report.notes)],
        headline=label("monthly.head.inputs", ctx.lang).format(
            files=len(files), bad=sum(1 for f in files if f["problems"])
        ),
    )


SECTIONS: list[SectionBuilder] = [
    score_section,
    commission_section,
    chats_section,
    kpi_section,
    overdue_section,
    inputs_section,
]


# ---------------------------------------------------------------- the run


@dataclass
class MonthlyRun:
    context: MonthContext
    sections: list[Section]

    @property
    def month(self) -> Month:
        return self.context.month

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def summary_sheet(self) -> BookSheet:
        """A row per staff member: the Summary columns of every section, side by side."""
        parts = [s.summary for s in self.sections if s.summary is not None]
        people = pd.concat([p.frame[["staff_id", "name"]] for p in parts], ignore_index=True)
        frame = people.drop_duplicates("staff_id").reset_index(drop=True)
        columns = [Column("staff_id"), Column("name")]
        charts: list[Chart] = []
        formats: dict[str, str] = {}
        for part in parts:
            values = part.frame.drop(columns="name").drop_duplicates("staff_id")
            frame = frame.merge(values, on="staff_id", how="left", validate="1:1")
            for key, value in part.missing.items():
                frame[key] = frame[key].fillna(value)
            columns += part.columns
            charts += part.charts
            formats |= part.formats
        styles = None
        if "_level" in frame:
            styles = frame["_level"].map(LEVEL_STYLES).fillna("").astype("object")
        notes = [s.headline for s in self.sections if s.headline]
        return BookSheet(
            Sheet(SUMMARY_KEY, frame, columns, styles),
            notes=notes,
            freeze_columns=2,
            charts=charts,
            formats=formats,
        )

    def document(self, files: dict[str, Any]) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "month": str(self.month),
            "as_of": as_of_text(self.context.as_of),
        }
        doc |= {s.key: s.document for s in self.sections}
        doc["files"] = files
        return doc


def run_monthly(
    rules: RuleSet,
    data: Path,
    month: Month,
    lang: str,
    *,
    ledger: Path,
    files: Mapping[str, Sequence[Path]] | None = None,
    encoding: str | None = None,
    sections: Sequence[SectionBuilder] = SECTIONS,
    on_section: Callable[[Section], None] | None = None,
    early_sheet: Callable[[BookSheet], None] | None = None,
) -> MonthlyRun:
    """Read the exports once (the folder `data`, plus `files` per kind) and compute every
    section; `on_section` is called with each as soon as it is built, `early_sheet` (from
    the section's thread) with a sheet a section has ready before it is built."""
    inputs = Inputs.scan(rules, data, files, encoding)
    ctx = MonthContext(inputs, rules, month, lang, ledger)
    if early_sheet is not None:
        ctx.early_sheet = early_sheet

    def loaded(kind: str) -> None:
        # The chat log is read before the orders: its messages are sorted meanwhile. An
        # error of theirs waits in the future for the section that reads them.
        if kind == "chats" and any(map(_reads_messages, sections)):
            rows = len(inputs.frames[kind])
            ctx.messages = background(month_messages, inputs, rules, rows=rows)

    pool = ThreadPoolExecutor(max_workers=max(1, sum(map(is_independent, sections))))
    try:
        inputs.load(list(KINDS), on_loaded=loaded)
        # Other exports in the folder (a schedule) are only described on the data-quality
        # sheet: their problems do not stop the run.
        others = [k for k in ALL_KINDS if k not in KINDS and any(r.kind == k for r in inputs.files)]
        if others:
            inputs.load(others, strict=False)
        built = []
        # Sections are used in their order (results, on_section, sheets); the independent
        # ones are started first, in a thread, and joined at their place.
        early = {i: pool.submit(b, ctx) for i, b in enumerate(sections) if is_independent(b)}
        for i, build in enumerate(sections):
            section = early[i].result() if i in early else build(ctx)
            ctx.results[section.key] = section.result
            built.append(section)
            if on_section is not None:
                on_section(section)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if ctx.messages is not None:
            wait([ctx.messages])  # no thread outlives the run, whatever happened
    return MonthlyRun(ctx, built)


def output_paths(out_dir: Path, month: Month) -> tuple[Path, Path]:
    stem = f"csops-{month}"
    return out_dir / f"{stem}.xlsx", out_dir / f"{stem}.json"


class MonthlyFiles:
    """The files of a month-end run, staged in the output folder under temporary names.

    `add(section)` is called as soon as a section is built: it starts writing the
    section's big detail sheets as CSV files in background threads (Arrow compute leaves
    the GIL) and writes its sheets into the workbook, so the score and commission sheets
    are written while the chat KPIs still compute. `finish(run)` writes the JSON, the
    Summary and Charts sheets (reserved first in the workbook), saves the workbook and
    waits for the CSV files. Leaving the `with` block renames them all into place only if
    it ends without an error — the CSV files, then the JSON, the workbook last — and
    otherwise removes them; temporary files of a killed run are removed by the next
    (`atomic_path`). CSV files of an earlier run that this one did not write are removed
    only after the renames (`remove_other_csv`)."""

    def __init__(
        self,
        out_dir: Path,
        month: Month,
        lang: str,
        detail_limit: int,
        file_rows: int | None = None,
    ) -> None:
        self.workbook, self.json = output_paths(out_dir, month)
        self.month = month
        self.lang = lang
        self.limit = detail_limit
        # Rows of one CSV file at most: Excel's limit, less the header.
        self.file_rows = CSV_FILE_ROWS if file_rows is None else file_rows
        self.written: dict[str, list[Path]] = {}
        self.pending: list[Future[None]] = []
        self.added: list[Section] = []
        self._replaced: list[tuple[Path, list[Path]]] = []  # (a sheet's CSV, files written)
        self._stack = ExitStack()
        self._pool = ThreadPoolExecutor(max_workers=2)
        self._lock = threading.Lock()  # `start_csv` from the sections' threads

    def __enter__(self) -> MonthlyFiles:
        # Entered first, renamed last: the workbook appears once everything else is there.
        book_tmp = self._stack.enter_context(atomic_path(self.workbook))
        self._json_tmp = self._stack.enter_context(atomic_path(self.json))
        self._book = WorkbookWriter(
            book_tmp,
            self.lang,
            title=str(self.month),
            created=self.month.end.to_pydatetime(),
            detail_limit=self.limit,
            first_tab=SUMMARY_KEY,
            scratch=self._stack.enter_context(scratch_dir(self.workbook)),
        )
        return self

    def __exit__(self, *exc: Any) -> None:
        # No thread may still write when the temporary files are renamed or removed.
        self._pool.shutdown(wait=True, cancel_futures=True)
        if exc[0] is not None:
            self._book.discard()
        self._stack.__exit__(*exc)
        if exc[0] is None:
            for target, written in self._replaced:
                remove_other_csv(target, written)

    def start_csv(self, book_sheet: BookSheet) -> None:
        """Begin writing `book_sheet` as CSV in the background if it is over the limit and
        not begun yet: one file, or several when Excel would not open it whole
        (`part_bounds`). Called from a section's thread too (`early_sheet`)."""
        if book_sheet.csv_name is None or book_sheet.rows <= self.limit:
            return
        with self._lock:
            if book_sheet.moved_to is not None:
                return
            target = csv_path(self.workbook, book_sheet.csv_name)
            files = csv_files(book_sheet.sheet, target, self.file_rows)
            staged = [(self._stack.enter_context(atomic_path(path)), rows) for path, rows in files]
            # One job for all of a sheet's files: its chunks stream across them.
            self.pending.append(
                self._pool.submit(write_csv_parts, book_sheet.sheet, self.lang, staged)
            )
            book_sheet.moved_to = [CsvPart(path.name, *rows) for path, rows in files]
            self.written[book_sheet.csv_name] = [path for path, _ in files]

    def add(self, section: Section) -> None:
        """The section's row-level sheets over the limit as CSV (in the background), then
        its sheets in the workbook."""
        for book_sheet in section.sheets:
            self.start_csv(book_sheet)
        for book_sheet in section.sheets:
            self._book.add(book_sheet)
        self.added.append(section)

    def finish(self, run: MonthlyRun) -> list[Path]:
        """The JSON and the workbook; returns the paths the files will have."""
        if any(a is not b for a, b in zip(self.added, run.sections, strict=False)):
            raise RuntimeError("sections were added to the workbook out of the run's order")
        for section in run.sections[len(self.added) :]:
            self.add(section)  # sections built without `add`
        # In the sections' order, whichever began first (the same JSON every run).
        csv_names = [b.csv_name for s in run.sections for b in s.sheets if b.csv_name]
        written = {name: self.written[name] for name in csv_names if name in self.written}
        files = {
            "workbook": self.workbook.name,
            "csv": {name: [path.name for path in paths] for name, paths in written.items()},
        }
        self._json_tmp.write_text(to_json(run.document(files)), encoding="utf-8")
        self._book.close(run.summary_sheet())
        for job in self.pending:
            job.result()
        # CSV files of an earlier run of the month that this one did not write (a sheet now
        # in the workbook, or cut into fewer or more files) go once this run's files are in
        # place (`__exit__`): a run that fails before leaves the earlier report whole.
        self._replaced = [
            (csv_path(self.workbook, name), written.get(name, [])) for name in csv_names
        ]
        return [self.workbook, self.json, *(p for paths in written.values() for p in paths)]


def monthly_report(
    rules: RuleSet,
    data: Path,
    month: Month,
    lang: str,
    out_dir: Path,
    *,
    ledger: Path,
    files: Mapping[str, Sequence[Path]] | None = None,
    encoding: str | None = None,
    sections: Sequence[SectionBuilder] = SECTIONS,
) -> tuple[MonthlyRun, list[Path]]:
    """`run_monthly` and its files in `out_dir`: the whole month-end run."""
    with MonthlyFiles(out_dir, month, lang, rules.settings.detail_row_limit) as staged:
        run = run_monthly(
            rules,
            data,
            month,
            lang,
            ledger=ledger,
            files=files,
            encoding=encoding,
            sections=sections,
            on_section=staged.add,
            early_sheet=staged.start_csv,
        )
        paths = staged.finish(run)
    return run, paths


# ---------------------------------------------------------------- closing


def check_closable(ledger: Path, month: Month) -> None:
    """Refuse a month the ledger has closed already, before any work is done."""
    from csops.ledger import Ledger, LedgerError

    try:
        Ledger(ledger).check_closable(str(month), reopening=False)
    except LedgerError as exc:
        raise LedgerError(
            f"{exc.message.split('; ')[0]}; to replace it run csops close --month {month} "
            '--reopen --reason "why", or run csops monthly without --close'
        ) from None


def close_in_ledger(run: MonthlyRun) -> Any:
    """Store the run's score, commission and chat KPIs as the month's closed result (the
    figures the workbook shows, not a second computation)."""
    closing = importlib.import_module("csops.closing")
    from csops.ledger import Ledger

    ctx = run.context
    score: ScoreResult = run.section("score").result
    commission: CommissionResult = run.section("commission").result
    kpis: ChatKpis = run.section("chats").result
    results = closing.MonthResults(
        month=ctx.month,
        score=score,
        commission=commission,
        chats=kpis,
        inputs=closing.input_files(ctx.inputs),
        rules_sha256=ctx.rules.digest(),
        warnings=list(score.warnings),
    )
    return closing.store_month(results, Ledger(ctx.ledger))


# ---------------------------------------------------------------- the lock


@contextmanager
def exclusive_lock(out_dir: Path, wait: float) -> Iterator[None]:
    """Hold `out_dir/.csops-monthly.lock` (flock) for the block. Another run holding it is
    waited for up to `wait` seconds, then a BusyError. The lock goes with the process, so
    a killed run never leaves the folder locked; the file itself stays."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                    raise BusyError(
                        f"{out_dir}: another csops monthly run (pid {holder}) is writing to "
                        f"this folder (lock {path}); waited {wait:g} s. Run again when it has "
                        "finished, or pass another --out"
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


def overdue_count(run: MonthlyRun) -> int:
    result: ShippingList = run.section("overdue").result
    return len(result.orders)
