"""`csops monthly`: the month-end run a shop schedules on the 1st.

The exports are read once (`read_month`) and every figure of the month computed once
(`compute`: score, commission, chat KPIs, KPI scorecard, the overdue list as of the end
of the month); each becomes a section of the report (`csops.report.monthly`), and
`MonthlyFiles` writes `csops-YYYY-MM.xlsx` (Summary, Charts, then every section's sheets),
`csops-YYYY-MM.json` (`{"month", "as_of", "score", "commission", "chats", "kpi", "overdue",
"inputs", "files"}`: summaries, and the names of the detail files) and, for detail sheets
over `settings.detail_row_limit` rows, CSV files beside them.

Detail a manager reads by default (`detail="rules"`): the waits that broke a rule (never
answered, not answered within `unanswered_s`, or slower than the reply-timeliness limit)
and every order line; `detail="all"` writes every wait of the month.

Files are staged under temporary names in the output folder and renamed into place only
once all of them are complete, so a failed or killed run leaves the previous report as it
was. The CSV files are written by the run's `Runner` (`--jobs`) beside the workbook.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from csops.domain.chat_waits import WaitLog
from csops.domain.chats import ChatKpis
from csops.domain.period import Month
from csops.ingest.discover import Inputs
from csops.jobs.closing import ClosedMonth, figures_to_close, month_results, store_month
from csops.jobs.ledger import Ledger, LedgerError
from csops.jobs.month import FIGURES, MONTH_KINDS, Figures, read_month
from csops.jobs.runner import Runner
from csops.jobs.warnings import data_warnings
from csops.report.book import BookSheet
from csops.report.detail import CSV_FILE_ROWS, CsvPart, csv_files, remove_other_csv, write_csv_parts
from csops.report.files import cannot_write
from csops.report.labels import rules_in_force
from csops.report.monthly import (
    SUMMARY_KEY,
    Section,
    chats_section,
    commission_section,
    inputs_section,
    kpi_section,
    overdue_section,
    score_section,
    summary_sheet,
)
from csops.report.output import atomic_path, to_json
from csops.report.shipments import as_of_text
from csops.report.workbook import WorkbookWriter, csv_path
from csops.rules import RuleSet
from csops.rules.chats import ChatRules
from csops.rules.kpi import KpiRules
from csops.schemas import KINDS as ALL_KINDS

Detail = Literal["rules", "all"]


@dataclass
class MonthlyRun:
    """A month's figures and the report sections made of them."""

    month: Month
    inputs: Inputs
    rules: RuleSet
    figures: Figures
    sections: list[Section]
    ledger: Path
    # Data-quality warnings (`csops.jobs.warnings`): stderr, the JSON, the summary sheet.
    warnings: list[str] = field(default_factory=list)

    @property
    def as_of(self) -> pd.Timestamp:
        """The end of the month: 00:00 on the 1st of the next month."""
        return self.month.end

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def document(self, files: dict[str, Any]) -> dict[str, Any]:
        doc: dict[str, Any] = {"month": str(self.month), "as_of": as_of_text(self.as_of)}
        doc |= {s.key: s.document for s in self.sections}
        doc["files"] = files
        doc["warnings"] = list(self.warnings)
        doc["rules_in_force"] = {
            "folder": str(self.rules.folder),
            "files": self.rules.overrides,
            "sha256": self.rules.digest(),
        }
        return doc


def wait_limit(rules: RuleSet) -> float:
    """Seconds beyond which a wait broke a rule: `unanswered_s` (chats.yaml), or the
    reply-timeliness limit of kpi.yaml when it sets a shorter one."""
    limit = rules.get(ChatRules).unanswered_s
    timeliness = rules.get(KpiRules).reply_timeliness_limit_s
    return limit if timeliness is None else min(limit, timeliness)


def detail_waits(kpis: ChatKpis, rules: RuleSet, detail: Detail) -> WaitLog:
    """The waits the report lists: every one (`all`), or those that broke a rule — never
    answered, or answered after `wait_limit` seconds."""
    log = kpis.wait_log
    if detail == "all":
        return log
    response = log.waits["response_s"]
    broke = (response.isna() | (response > wait_limit(rules))).to_numpy()
    return WaitLog(log.waits[broke].reset_index(drop=True), log.staff, log.messages)


def build_sections(
    figures: Figures, inputs: Inputs, rules: RuleSet, lang: str, detail: Detail
) -> list[Section]:
    assert figures.score and figures.commission and figures.chats and figures.kpi
    assert figures.overdue is not None
    waits = detail_waits(figures.chats, rules, detail)
    limit = None if detail == "all" else wait_limit(rules)
    return [
        score_section(figures.score, lang),
        commission_section(figures.commission, lang),
        chats_section(figures.chats, waits, limit, rules, lang),
        kpi_section(figures.kpi, rules, lang),
        overdue_section(figures.overdue, lang),
        inputs_section(inputs, lang),
    ]


def run_monthly(
    rules: RuleSet,
    data: Path,
    month: Month,
    lang: str,
    *,
    ledger: Path,
    files: Mapping[str, Sequence[Path]] | None = None,
    encoding: str | None = None,
    detail: Detail = "rules",
) -> MonthlyRun:
    """Read the exports once (the folder `data`, plus `files` per kind), compute every
    figure of the month once, and make the report's sections of them."""
    inputs = Inputs.scan(rules, data, files, encoding)
    month_data = read_month(inputs, FIGURES)
    # Other exports in the folder (a schedule) are only described on the data-quality
    # sheet: their problems do not stop the run.
    others = [
        k for k in ALL_KINDS if k not in MONTH_KINDS and any(r.kind == k for r in inputs.files)
    ]
    if others:
        inputs.load(others, strict=False)
    figures = figures_to_close(month_data, rules, month, ledger, FIGURES, lang=lang)
    sections = build_sections(figures, inputs, rules, lang, detail)
    warnings = data_warnings(figures, month_data, month.end, rules.settings.export_max_age_h, lang)
    return MonthlyRun(month, inputs, rules, figures, sections, ledger, warnings)


def output_paths(out_dir: Path, month: Month) -> tuple[Path, Path]:
    stem = f"csops-{month}"
    return out_dir / f"{stem}.xlsx", out_dir / f"{stem}.json"


class MonthlyFiles:
    """The files of a month-end run, staged in the output folder under temporary names.

    `write(run)` hands every detail sheet over the limit to the runner as CSV files, writes
    the workbook and the JSON, and waits for the CSV files. Leaving the `with` block renames
    them all into place only if it ends without an error — the CSV files, then the JSON,
    the workbook last — and otherwise removes them; temporary files of a killed run are
    removed by the next (`atomic_path`). CSV files of an earlier run that this one did not
    write are removed only after the renames (`remove_other_csv`)."""

    def __init__(
        self,
        out_dir: Path,
        month: Month,
        lang: str,
        detail_limit: int,
        runner: Runner,
        file_rows: int | None = None,
    ) -> None:
        self.workbook, self.json = output_paths(out_dir, month)
        self.month = month
        self.lang = lang
        self.limit = detail_limit
        self.runner = runner
        # Rows of one CSV file at most: Excel's limit, less the header.
        self.file_rows = CSV_FILE_ROWS if file_rows is None else file_rows
        self._replaced: list[tuple[Path, list[Path]]] = []  # (a sheet's CSV, files written)
        self._stack = ExitStack()

    def __enter__(self) -> MonthlyFiles:
        # Entered first, renamed last: the workbook appears once everything else is there.
        self._book_tmp = self._stack.enter_context(atomic_path(self.workbook))
        self._json_tmp = self._stack.enter_context(atomic_path(self.json))
        return self

    def __exit__(self, *exc: Any) -> None:
        if exc[0] is not None:
            self.runner.stop()  # no CSV job may still write when its file is removed
        self._stack.__exit__(*exc)
        if exc[0] is None:
            for target, written in self._replaced:
                remove_other_csv(target, written)

    def _csv(self, book_sheet: BookSheet) -> list[Path]:
        """Hand `book_sheet` to the runner as CSV: one file, or several when Excel would
        not open it whole (`part_bounds`)."""
        assert book_sheet.csv_name is not None
        target = csv_path(self.workbook, book_sheet.csv_name)
        files = csv_files(book_sheet.sheet, target, self.file_rows)
        staged = [(self._stack.enter_context(atomic_path(path)), rows) for path, rows in files]
        self.runner.submit(write_csv_parts, book_sheet.sheet, self.lang, staged)
        book_sheet.moved_to = [CsvPart(path.name, *rows) for path, rows in files]
        return [path for path, _ in files]

    def write(self, run: MonthlyRun) -> list[Path]:
        """Every file of the run; returns the paths the files will have."""
        written: dict[str, list[Path]] = {}
        for section in run.sections:
            for book_sheet in section.sheets:
                if book_sheet.csv_name is not None and book_sheet.rows > self.limit:
                    written[book_sheet.csv_name] = self._csv(book_sheet)
        book = WorkbookWriter(
            self._book_tmp,
            self.lang,
            title=str(self.month),
            created=self.month.end.to_pydatetime(),
            detail_limit=self.limit,
            first_tab=SUMMARY_KEY,
        )
        for section in run.sections:
            for book_sheet in section.sheets:
                book.add(book_sheet)
        files = {
            "workbook": self.workbook.name,
            "csv": {name: [path.name for path in paths] for name, paths in written.items()},
        }
        # An OSError (disk full …) names the file it happened to, not the last one staged.
        try:
            self._json_tmp.write_text(to_json(run.document(files)), encoding="utf-8")
        except OSError as exc:
            raise cannot_write(self.json, exc) from None
        try:
            rules = run.rules
            in_force = rules_in_force(str(rules.folder), rules.overrides, rules.digest(), self.lang)
            book.close(summary_sheet(run.sections, [*run.warnings, in_force], self.lang))
        except OSError as exc:
            raise cannot_write(self.workbook, exc) from None
        self.runner.wait()
        # CSV files of an earlier run of the month that this one did not write (a sheet now
        # in the workbook, or cut into fewer or more files) go once this run's files are in
        # place (`__exit__`): a run that fails before leaves the earlier report whole.
        csv_names = [b.csv_name for s in run.sections for b in s.sheets if b.csv_name]
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
    detail: Detail = "rules",
    jobs: int | None = None,
) -> tuple[MonthlyRun, list[Path]]:
    """`run_monthly` and its files in `out_dir`: the whole month-end run."""
    run = run_monthly(
        rules, data, month, lang, ledger=ledger, files=files, encoding=encoding, detail=detail
    )
    with Runner(jobs) as runner:
        with MonthlyFiles(out_dir, month, lang, rules.settings.detail_row_limit, runner) as staged:
            paths = staged.write(run)
    return run, paths


# ---------------------------------------------------------------- closing


def check_closable(ledger: Path, month: Month) -> None:
    """Refuse a month the ledger has closed already, before any work is done."""
    try:
        Ledger(ledger).check_closable(str(month), reopening=False)
    except LedgerError as exc:
        raise LedgerError(
            f"{exc.message.split('; ')[0]}; to replace it run csops close --month {month} "
            '--reopen --reason "why", or run csops monthly without --close'
        ) from None


def close_in_ledger(run: MonthlyRun) -> ClosedMonth:
    """Keep the run's score, commission and chat KPIs as the month's closed result: the
    figures the workbook shows, the same rows `csops close` keeps."""
    results = month_results(run.figures, run.inputs, run.rules)
    return store_month(results, Ledger(run.ledger))


def overdue_count(run: MonthlyRun) -> int:
    assert run.figures.overdue is not None
    return len(run.figures.overdue.orders)
