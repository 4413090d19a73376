"""The `csops score` report: the Scores and Evidence sheets and the JSON document."""

from __future__ import annotations

import pandas as pd

from csops.domain.score_base import TALLY_COLUMNS
from csops.domain.scoring import ScoreResult, charges_yuan
from csops.report.documents import score_document
from csops.report.labels import label
from csops.report.output import Column, Report, Sheet

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
    level_text = staff["level"].map(lambda lv: rules.level_text(lv, lang))
    if not compact:
        # The sheet a boss reads: who, the score and the level first; a rule's count and
        # points only where the rule was hit (a zero is left blank).
        frame["score.score"] = staff["score"]
        frame["score.level"] = level_text
        frame["score.role"] = staff["role"]
        columns += [
            Column("score.score", "number", lead=True),
            Column("score.level", lead=True),
            Column("score.role"),
        ]
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
            hit = (count != 0) | (points != 0)
            frame[count_key] = count.astype("Int64").where(hit)
            frame[points_key] = points.astype("Float64").where(hit)
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
    if compact:
        frame["score.score"] = staff["score"]
        frame["score.level"] = level_text
        columns += [Column("score.score", "number", lead=True), Column("score.level", lead=True)]
    else:
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
        document=score_document(result),
        sheets=[scores_sheet(result, lang, compact=compact), evidence_sheet(result, lang)],
        notes=list(result.warnings),
    )


def attendance_sheet(result: ScoreResult, lang: str) -> Sheet:
    """The attendance as derived for the score: one row per staff member per day, with
    the export's file and row. Rows: 旷工 red, late / early / missed punch yellow, rest dim."""
    days = result.days
    yes = label("monthly.yes", lang)

    def flag(column: str) -> pd.Series:
        return days[column].map({True: yes, False: ""}).astype("str")

    statuses = days["status"].astype("str")
    status_text = {s: label(f"att.status.{s}", lang) for s in statuses.unique()}
    leave_kinds = days["leave_kind"].astype("str")
    leave_text = {k: label(f"att.leave.{k}", lang) for k in leave_kinds.dropna().unique()}
    late = days["late_minutes"]
    early = days["early_leave_minutes"]
    frame = pd.DataFrame(
        {
            "score.staff_id": days["staff_id"],
            "score.name": days["name"],
            "score.date": days["date"],
            "att.shift": days["shift_label"],
            "att.status": statuses.map(status_text),
            "att.first_punch": days["first_punch"],
            "att.last_punch": days["last_punch"],
            "att.late_minutes": late.where(late > 0),
            "att.early_leave_minutes": early.where(early > 0),
            "att.missed_punch": flag("missed_punch"),
            "att.leave": leave_kinds.map(leave_text),
            "att.unauthorized_absence": flag("unauthorized_absence"),
            "att.clock_in_result": days["clock_in_result"],
            "att.clock_out_result": days["clock_out_result"],
            "file": days["_file"],
            "row": days["_row"],
        }
    ).reset_index(drop=True)
    columns = [
        Column("score.staff_id"),
        Column("score.name"),
        Column("score.date", "date"),
        Column("att.shift"),
        Column("att.status"),
        Column("att.first_punch", "datetime"),
        Column("att.last_punch", "datetime"),
        Column("att.late_minutes", "int"),
        Column("att.early_leave_minutes", "int"),
        Column("att.missed_punch"),
        Column("att.leave"),
        Column("att.unauthorized_absence"),
        Column("att.clock_in_result"),
        Column("att.clock_out_result"),
        Column("file"),
        Column("row", "int"),
    ]
    flagged = days["late"] | days["early_leave"] | days["missed_punch"]
    styles = pd.Series("", index=days.index, dtype="object")
    styles = styles.mask(statuses == "rest", "dim").mask(flagged, "yellow")
    styles = styles.mask(days["unauthorized_absence"], "red")
    return Sheet("title.attendance", frame, columns, styles.reset_index(drop=True))
