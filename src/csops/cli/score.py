"""`csops score`: the monthly points score per staff member, with the evidence behind it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console

from csops.cli.common import (
    DataOpt,
    FormatOpt,
    LangOpt,
    MonthOpt,
    OutOpt,
    RulesOpt,
    StaffOpt,
    handle_errors,
    open_inputs,
    open_rules,
    out_console,
    parse_month,
    pick_lang,
)
from csops.errors import UsageError
from csops.report.labels import label
from csops.report.output import Column, Report, Sheet, emit, render_table, write_text_atomic
from csops.scoring import TALLY_COLUMNS, ScoreResult, charges_yuan, score_month

ExplainOpt = Annotated[
    bool,
    typer.Option("--explain", help="List every deduction with its file, row, date and detail."),
]
StrictOpt = Annotated[
    bool,
    typer.Option("--strict", help="Treat a 工号 missing from the roster as an error."),
]

LEVEL_STYLES = {"warning": "yellow", "punishment": "red", "serious": "bold red"}


def _points(value: float) -> str:
    return f"{value:+g}" if value else "0"


def scores_sheet(result: ScoreResult, lang: str, *, compact: bool) -> Sheet:
    """The Scores table: one row per staff member. `compact` (the terminal) shows each
    rule as one `count / points` cell; otherwise count and points are two columns."""
    staff = result.staff
    rules = result.rules
    has_yuan = any(charges_yuan(r) for r in rules.rules)
    frame = pd.DataFrame(
        {
            "score.staff_id": staff["staff_id"],
            "score.name": staff["name"],
        }
    )
    columns = [Column("score.staff_id"), Column("score.name")]
    if not compact:
        frame["score.role"] = staff["role"]
        columns.append(Column("score.role"))
    for rule in rules.rules:
        name = rule.text(lang)
        count = staff[f"{rule.id}_count"]
        points = staff[f"{rule.id}_points"]
        yuan = staff[f"{rule.id}_yuan"] if charges_yuan(rule) else None
        if compact:
            cell = count.astype(str) + " / " + points.map(_points)
            if yuan is not None:
                cell = cell + " / ¥" + yuan.astype(str)
            frame[name] = cell.where((count != 0) | (points != 0), "")
            columns.append(Column(name))
        else:
            count_key = f"{name} {label('score.count', lang)}"
            points_key = f"{name} {label('score.points_of', lang)}"
            frame[count_key] = count
            frame[points_key] = points
            columns += [Column(count_key, "int"), Column(points_key, "number")]
            if yuan is not None:
                yuan_key = f"{name} {label('score.yuan_of', lang)}"
                frame[yuan_key] = yuan
                columns.append(Column(yuan_key, "money"))
    if has_yuan:
        frame["score.penalty_yuan"] = staff["penalty_yuan"]
        columns.append(Column("score.penalty_yuan", "money"))
    if not compact:
        frame["score.points"] = staff["points"]
        columns.append(Column("score.points", "number"))
    frame["score.score"] = staff["score"]
    frame["score.level"] = staff["level"].map(lambda lv: rules.level_text(lv, lang))
    columns += [Column("score.score", "number"), Column("score.level")]
    if not compact:
        for key in TALLY_COLUMNS:
            frame[f"score.{key}"] = staff[key]
            columns.append(Column(f"score.{key}", "money" if key == "award_yuan" else "int"))
    styles = staff["level"].map(LEVEL_STYLES).fillna("").astype(object)
    return Sheet("title.scores", frame.reset_index(drop=True), columns, styles)


def evidence_sheet(result: ScoreResult, lang: str) -> Sheet:
    """One row per event a rule looked at: who, which rule, where it was seen, what it cost."""
    ev = result.evidence
    labels = {r.id: r.text(lang) for r in result.rules.rules}
    frame = pd.DataFrame(
        {
            "score.staff_id": ev["staff_id"],
            "score.name": ev["name"],
            "score.rule": ev["rule"].map(labels),
            "score.date": ev["date"],
            "score.file": ev["file"],
            "score.row": ev["row"],
            "score.points": ev["points"],
            "score.yuan": ev["yuan"],
            "score.detail": ev["detail"],
        }
    )
    columns = [
        Column("score.staff_id"),
        Column("score.name"),
        Column("score.rule"),
        Column("score.date", "date"),
        Column("score.file"),
        Column("score.row", "int"),
        Column("score.points", "number"),
    ]
    if bool(ev["yuan_fen"].astype(bool).any()):
        columns.append(Column("score.yuan", "money"))
    columns.append(Column("score.detail"))
    styles = pd.Series(["dim" if f else "" for f in ev["free"]], dtype=object)
    return Sheet("title.score_evidence", frame.reset_index(drop=True), columns, styles)


def score_report(result: ScoreResult, lang: str, *, compact: bool) -> Report:
    return Report(
        document=result.to_document(),
        sheets=[scores_sheet(result, lang, compact=compact), evidence_sheet(result, lang)],
        notes=list(result.warnings),
    )


@handle_errors
def score(
    month: MonthOpt,
    data: DataOpt = Path("."),
    rules: RulesOpt = None,
    staff: StaffOpt = None,
    explain: ExplainOpt = False,
    strict: StrictOpt = False,
    lang: LangOpt = None,
    fmt: FormatOpt = "table",
    out: OutOpt = None,
) -> None:
    """Monthly score 月度考核分: points per rule, score and level for every staff member."""
    rule_set = open_rules(rules)
    period = parse_month(month)
    language = pick_lang(rule_set, lang)
    inputs = open_inputs(rule_set, data, None)
    result = score_month(inputs, rule_set, period, strict=strict, lang=language)
    if staff is not None:
        if staff not in set(result.staff["staff_id"]):
            known = ", ".join(result.staff["staff_id"].head(20))
            raise UsageError(f"--staff {staff}: no such 工号 on staff in {period}; staff: {known}")
        result = result.select([staff])
    report = score_report(result, language, compact=fmt == "table")
    if fmt == "table":
        _print_tables(report, language, explain, out)
    elif fmt == "csv" and explain:
        emit(
            Report(report.document, report.sheets[1:], report.notes),
            fmt,
            out,
            language,
            out_console(),
        )
    else:
        emit(report, fmt, out, language, out_console())


def _print_tables(report: Report, lang: str, explain: bool, out: Path | None) -> None:
    """The scores table, then (with --explain) the evidence table, then the warnings."""
    buffer = io.StringIO()
    console = out_console() if out is None else Console(file=buffer, width=160, color_system=None)
    scores = Report(report.document, report.sheets[:1])
    render_table(scores, lang, console)
    if explain:
        render_table(Report(report.document, report.sheets[1:]), lang, console)
    for note in report.notes:
        console.print(note, markup=False, highlight=False)
    if out is not None:
        write_text_atomic(out, buffer.getvalue())
