"""`csops kpi --month YYYY-MM | --quarter YYYYQn`: the KPI scorecard and performance bonus.

Per staff member: each card metric's value, points and weight, the total, the rank
within the role's card and the bonus. `--explain` adds the per-metric detail (counts,
scoring rule, weight used) and the spot-check rows behind the QA metrics.

The sheet builders (`kpi_sheets`) are what the monthly workbook uses. Exit codes: 0 done;
1 bad input; 2 bad option or rule file.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.text import Text

from csops.cli.common import (
    DataOpt,
    EncodingOpt,
    FormatOpt,
    LangOpt,
    OutOpt,
    RulesOpt,
    StaffOpt,
    err_console,
    handle_errors,
    open_inputs,
    open_rules,
    out_console,
    pick_lang,
)
from csops.errors import UsageError
from csops.kpi import QA_ITEMS, KpiResult, kpi_period, rule_text
from csops.period import Month, Quarter
from csops.report.labels import label
from csops.report.output import (
    Column,
    ColumnType,
    Report,
    Sheet,
    cell_text,
    emit,
    render_table,
    write_text_atomic,
)
from csops.rules.kpi import METRICS
from csops.rules.scoring import ScoringRules

UNIT_TYPES: dict[str, ColumnType] = {
    "rate": "rate",
    "seconds": "seconds",
    "money": "money",
    "points": "number",
    "mark": "number",
}
STYLES = {"withheld": "red", "unscored": "dim", "bonus": "green"}


def _metric_order(result: KpiResult) -> list[str]:
    """The metrics of every card in use, in card order, each once."""
    used = set(result.staff["card"].dropna())
    order: list[str] = []
    for card_id, card in result.rules.cards.items():
        if card_id in used:
            order += [m.metric for m in card.metrics if m.metric not in order]
    return order


def _value(metric: str, value: Any) -> Any:
    """A metric value as the writers want it: Decimal yuan for money, NA as None."""
    if value is None or pd.isna(value):
        return None
    unit = METRICS[metric].unit
    if unit == "money":
        return Decimal(round(float(value) * 100)).scaleb(-2)
    if unit in ("mark", "points"):
        return round(float(value), 2)
    return float(value)


def _points(value: Any) -> str:
    return "" if value is None or pd.isna(value) else f"{float(value):g}"


def _level_text(levels: list[str], scoring: ScoringRules | None, lang: str) -> str:
    if scoring is None:
        return " / ".join(levels)
    return " / ".join(scoring.level_text(lv, lang) for lv in levels)


def _note(row: dict[Any, Any], lang: str, scoring: ScoringRules | None) -> str:
    """The staff member's note in the report language, built from the result's fields."""
    parts = []
    if row["card"] is None or pd.isna(row["card"]):
        parts.append(label("kpi.no_card", lang).format(role=row["role"] or "—"))
    elif not row["scored"]:
        parts.append(
            label("kpi.too_little_data", lang).format(
                weight=f"{row['weight_with_data']:g}", min=f"{row['min_weight']:g}"
            )
        )
    if row["missing"]:
        names = "、".join(METRICS[m].text(lang) for m in row["missing"])
        parts.append(label("kpi.missing_list", lang).format(metrics=names))
    withheld = row["withheld_by_level"]
    if isinstance(withheld, str):
        level = scoring.level_text(withheld, lang) if scoring else withheld
        parts.append(
            label("kpi.withheld", lang).format(
                level=level, amount=f"{row['bonus_before_withholding']:.2f}"
            )
        )
    return ("；" if lang == "zh" else "; ").join(parts)


def summary_sheet(
    result: KpiResult, lang: str, *, compact: bool, scoring: ScoringRules | None = None
) -> Sheet:
    """One row per staff member: each metric's value and points, total, rank, bonus.
    `compact` (the terminal) shows a metric as one `value → points` cell; otherwise value
    and points are two typed columns (CSV, xlsx, the monthly workbook)."""
    staff = result.staff
    metrics = result.metrics
    order = _metric_order(result)
    frame = pd.DataFrame(
        {
            "kpi.staff_id": staff["staff_id"],
            "kpi.name": staff["name"],
            "kpi.role": staff["role"],
        }
    )
    columns = [Column("kpi.staff_id"), Column("kpi.name"), Column("kpi.role")]
    if not compact:
        frame["kpi.card"] = staff["card"].map(
            lambda c: result.rules.cards[c].label.text(lang) if isinstance(c, str) else None
        )
        columns.append(Column("kpi.card"))
    no_data = label("kpi.no_data", lang)
    for metric in order:
        info = METRICS[metric]
        name = info.text(lang)
        rows = metrics[metrics["metric"] == metric].set_index("staff_id").reindex(staff["staff_id"])
        values = [_value(metric, v) for v in rows["value"]]
        points = rows["points"].to_numpy()
        if compact:
            cells = []
            for value, pts, on_card in zip(values, points, rows["card"].notna(), strict=True):
                if not on_card:
                    cells.append("")
                elif value is None:
                    cells.append(no_data if pd.isna(pts) else f"{no_data} → {_points(pts)}")
                else:
                    cells.append(f"{cell_text(value, UNIT_TYPES[info.unit])} → {_points(pts)}")
            frame[name] = cells
            columns.append(Column(name))
        else:
            points_key = f"{name} {label('kpi.points_of', lang)}"
            frame[name] = values
            frame[points_key] = rows["points"].to_numpy()
            columns += [Column(name, UNIT_TYPES[info.unit]), Column(points_key, "number")]
    frame["kpi.total"] = staff["total"]
    frame["kpi.rank"] = staff["rank"]
    frame["kpi.level"] = [_level_text(lv, scoring, lang) for lv in staff["levels"]]
    frame["kpi.bonus"] = staff["bonus"]
    columns += [
        Column("kpi.total", "number"),
        Column("kpi.rank", "int"),
        Column("kpi.level"),
        Column("kpi.bonus", "money"),
    ]
    if not compact:
        frame["kpi.bonus_before_withholding"] = staff["bonus_before_withholding"]
        columns.append(Column("kpi.bonus_before_withholding", "money"))
    records = staff.assign(
        min_weight=[
            result.rules.cards[c].min_weight_with_data if isinstance(c, str) else 0
            for c in staff["card"]
        ]
    ).to_dict("records")
    frame["kpi.note"] = [_note(r, lang, scoring) for r in records]
    columns.append(Column("kpi.note"))
    styles = pd.Series(
        [
            STYLES["unscored"]
            if not r["scored"]
            else STYLES["withheld"]
            if isinstance(r["withheld_by_level"], str)
            else STYLES["bonus"]
            if r["bonus"] is not None and r["bonus"] > 0
            else ""
            for r in records
        ],
        dtype="object",
    )
    return Sheet("title.kpi", frame.reset_index(drop=True), columns, styles)


def detail_sheet(result: KpiResult, lang: str) -> Sheet:
    """A row per staff member and card metric: the counts, the rule, points, weights."""
    m = result.metrics
    names = dict(zip(result.staff["staff_id"], result.staff["name"], strict=True))
    rules = {
        (cid, r.metric): rule_text(r, lang)
        for cid, card in result.rules.cards.items()
        for r in card.metrics
    }
    no_data = label("kpi.no_data", lang)
    shared = label("kpi.redistributed", lang)
    frame = pd.DataFrame(
        {
            "kpi.staff_id": m["staff_id"],
            "kpi.name": m["staff_id"].map(names),
            "kpi.metric": m["metric"].map(lambda x: METRICS[x].text(lang)),
            "kpi.value": [
                cell_text(_value(k, v), UNIT_TYPES[METRICS[k].unit]) if pd.notna(v) else no_data
                for k, v in zip(m["metric"], m["value"], strict=True)
            ],
            "kpi.numerator": m["numerator"].round(2),
            "kpi.denominator": m["denominator"].round(2),
            "kpi.rule": [rules[(c, k)] for c, k in zip(m["card"], m["metric"], strict=True)],
            "kpi.points": m["points"],
            "kpi.weight": m["weight"],
            "kpi.effective_weight": m["effective_weight"].round(2),
            "kpi.contribution": m["contribution"].round(2),
            "kpi.note": [
                shared if miss and pd.isna(p) else (no_data if miss else "")
                for miss, p in zip(m["missing"], m["points"], strict=True)
            ],
        }
    )
    columns = [
        Column("kpi.staff_id"),
        Column("kpi.name"),
        Column("kpi.metric"),
        Column("kpi.value", "number"),
        Column("kpi.numerator", "number"),
        Column("kpi.denominator", "number"),
        Column("kpi.rule"),
        Column("kpi.points", "number"),
        Column("kpi.weight", "number"),
        Column("kpi.effective_weight", "number"),
        Column("kpi.contribution", "number"),
        Column("kpi.note"),
    ]
    styles = pd.Series(["dim" if x else "" for x in m["missing"]], dtype="object")
    return Sheet("title.kpi_detail", frame.reset_index(drop=True), columns, styles)


def spot_check_sheet(result: KpiResult, lang: str) -> Sheet:
    """The spot checks of the period, each with its file and row (the QA evidence)."""
    qa = result.qa
    names = dict(zip(result.staff["staff_id"], result.staff["name"], strict=True))
    yes, no = label("kpi.yes", lang), label("kpi.no", lang)
    frame = pd.DataFrame(
        {
            "kpi.staff_id": qa["staff_id"],
            "kpi.name": qa["staff_id"].map(names),
            "kpi.date": qa["date"],
            "kpi.buyer": qa["buyer"],
            "kpi.score": qa["score"],
            **{f"kpi.{item}": qa[item] for item in QA_ITEMS},
            "kpi.check_score": qa["check_score"].astype("float64").round(2),
            "kpi.resolved": [None if pd.isna(r) else (yes if r else no) for r in qa["resolved"]],
            "kpi.note": qa["note"],
            "kpi.file": qa["_file"],
            "kpi.row": qa["_row"],
        }
    )
    columns = [
        Column("kpi.staff_id"),
        Column("kpi.name"),
        Column("kpi.date", "date"),
        Column("kpi.buyer"),
        Column("kpi.score", "number"),
        *(Column(f"kpi.{item}", "number") for item in QA_ITEMS),
        Column("kpi.check_score", "number"),
        Column("kpi.resolved"),
        Column("kpi.note"),
        Column("kpi.file"),
        Column("kpi.row", "int"),
    ]
    return Sheet("title.kpi_spot_checks", frame.reset_index(drop=True), columns)


def kpi_sheets(
    result: KpiResult, lang: str, *, scoring: ScoringRules | None = None, compact: bool = False
) -> list[Sheet]:
    """The KPI sheets of a workbook: the scorecard, the per-metric detail, the spot checks."""
    return [
        summary_sheet(result, lang, compact=compact, scoring=scoring),
        detail_sheet(result, lang),
        spot_check_sheet(result, lang),
    ]


def kpi_report(
    result: KpiResult,
    lang: str,
    *,
    scoring: ScoringRules | None = None,
    compact: bool = False,
    explain: bool = False,
) -> Report:
    """The scorecard report: the JSON document and the three sheets (`kpi_sheets`)."""
    return Report(
        document=result.to_document(explain=explain),
        sheets=kpi_sheets(result, lang, scoring=scoring, compact=compact),
        notes=list(result.notes),
    )


def parse_period(month: str | None, quarter: str | None) -> Month | Quarter:
    if (month is None) == (quarter is None):
        raise UsageError(
            "give the period: --month YYYY-MM or --quarter YYYYQn (one of them, not both)"
        )
    return Month.parse(month) if month is not None else Quarter.parse(quarter or "")


@handle_errors
def kpi(
    month: Annotated[str | None, typer.Option("--month", help="The month, YYYY-MM.")] = None,
    quarter: Annotated[
        str | None, typer.Option("--quarter", help="The quarter, YYYYQn (e.g. 2026Q4).")
    ] = None,
    data: DataOpt = None,
    rules: RulesOpt = None,
    staff: StaffOpt = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain", help="Also list each metric's counts and rule, and the spot checks."
        ),
    ] = False,
    lang: LangOpt = None,
    fmt: FormatOpt = "table",
    out: OutOpt = None,
    encoding: EncodingOpt = None,
) -> None:
    """KPI scorecard 绩效考核 per staff member: each metric of the role's card (rules/kpi.yaml)
    with its value, points and weight, the total, the rank in the role, the bonus 绩效奖金.
    A quarter adds up the three months' counts."""
    period = parse_period(month, quarter)
    rule_set = open_rules(rules)
    language = pick_lang(rule_set, lang)
    inputs = open_inputs(rule_set, data, encoding)
    result = kpi_period(inputs, rule_set, period, lang=language)
    if staff is not None:
        if staff not in set(result.staff["staff_id"]):
            known = ", ".join(result.staff["staff_id"].head(20))
            raise UsageError(
                f"--staff {staff}: no such 工号 on staff in {period}; staff: {known or 'none'}"
            )
        result = result.select(staff)
    report = kpi_report(
        result,
        language,
        scoring=rule_set.get(ScoringRules),
        compact=fmt == "table",
        explain=explain,
    )
    if fmt == "table":
        _print_tables(report, language, explain, out)
        return
    if fmt == "csv" and explain:
        # CSV holds one table: with --explain, the per-metric detail.
        report = Report(report.document, report.sheets[1:2], report.notes)
    emit(report, fmt, out, language, out_console())
    for note in report.notes:
        err_console.print(Text(note), soft_wrap=True)


def _print_tables(report: Report, lang: str, explain: bool, out: Path | None) -> None:
    """The scorecard, then (with --explain) the detail and the spot checks, then notes."""
    buffer = io.StringIO()
    console = out_console() if out is None else Console(file=buffer, width=200, color_system=None)
    shown = report.sheets if explain else report.sheets[:1]
    for sheet in shown:
        if sheet.key == "title.kpi_spot_checks" and sheet.frame.empty:
            continue
        render_table(Report(report.document, [sheet]), lang, console)
    for note in report.notes:
        console.print(note, markup=False, highlight=False)
    if out is not None:
        write_text_atomic(out, buffer.getvalue())
