"""`csops grade --year YYYY`: year-end grades 年终奖 from the year's closed months."""

from __future__ import annotations

import math
from typing import Annotated

import pandas as pd
import typer

from csops.cli.common import (
    FormatOpt,
    LangOpt,
    OutOpt,
    RulesOpt,
    err_console,
    handle_errors,
    in_force,
    open_rules,
    out_console,
    pick_lang,
)
from csops.cli.ledger import LedgerOpt, check_year, ledger_path
from csops.domain.grades import GradeResult, grade_year
from csops.jobs.closing import year_records
from csops.report.documents import grades_document
from csops.report.evidence import phrases
from csops.report.labels import label
from csops.report.output import Column, Report, Sheet, emit, say
from csops.rules.grades import GradeRules

GradeYearOpt = Annotated[
    int, typer.Option("--year", metavar="YYYY", help="The year to grade, YYYY.")
]
AllowMissingOpt = Annotated[
    bool,
    typer.Option(
        "--allow-missing", help="Grade on the closed months even if some months are not closed."
    ),
]

GRADE_STYLES = {None: "dim"}

COLUMNS = [
    Column("staff_id"),
    Column("name"),
    Column("grade.months", "int"),
    Column("grade.average", "number"),
    Column("grade.lowest", "number"),
    Column("grade.unauthorized_absence_days", "int"),
    Column("grade.leave_days", "int"),
    Column("grade.late_and_early_days", "int"),
    Column("grade.major_mistakes", "int"),
    Column("grade.grade", lead=True),
    Column("grade.amount", "money", lead=True),
    Column("grade.reasons"),
]


def grades_sheet(result: GradeResult, lang: str) -> Sheet:
    staff = result.staff
    sep = "；" if lang == "zh" else "; "
    frame = pd.DataFrame(
        {
            "staff_id": [s.staff_id for s in staff],
            "name": [s.name for s in staff],
            "grade.months": [s.months for s in staff],
            # Two places, cut down: the exact comparison is in the reasons.
            "grade.average": [math.floor(s.average * 100) / 100 for s in staff],
            "grade.lowest": [float(s.lowest) for s in staff],
            **{
                f"grade.{key}": [int(s.figures[key]) for s in staff]
                for key in (
                    "unauthorized_absence_days",
                    "leave_days",
                    "late_and_early_days",
                    "major_mistakes",
                )
            },
            "grade.grade": [
                s.grade.text(lang) if s.grade is not None else label("grade.none", lang)
                for s in staff
            ],
            "grade.amount": [s.amount for s in staff],
            "grade.reasons": [sep.join(s.reasons) for s in staff],
        },
        columns=[c.key for c in COLUMNS],
    )
    styles = pd.Series(["" if s.grade is not None else "dim" for s in staff], dtype=object)
    return Sheet("title.grades", frame, COLUMNS, styles)


@handle_errors
def grade(
    year: GradeYearOpt,
    ledger: LedgerOpt = None,
    rules: RulesOpt = None,
    allow_missing: AllowMissingOpt = False,
    lang: LangOpt = None,
    fmt: FormatOpt = "table",
    out: OutOpt = None,
) -> None:
    """Year-end grades: the first grade of rules/grades.yaml whose conditions all hold over
    the year's closed months, its amount (prorated for part of a year) and the reasons."""
    check_year(year)
    rule_set = open_rules(rules)
    language = pick_lang(rule_set, lang)
    records = year_records(ledger_path(rule_set, ledger), year)
    result = grade_year(
        records,
        rule_set.get(GradeRules),
        rounding=rule_set.settings.rounding,
        allow_missing=allow_missing,
        words=phrases(language),
    )
    report = Report(grades_document(result), [grades_sheet(result, language)], list(result.notes))
    emit(in_force(report, rule_set, language), fmt, out, language, out_console())
    if fmt != "table":
        for note in report.notes:
            say(err_console, note)
