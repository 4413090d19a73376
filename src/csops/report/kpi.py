"""The KPI scorecard as sheets: the card, per-metric detail and spot checks (used by
`csops kpi` and the monthly workbook)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from csops.domain.kpi import KpiResult
from csops.domain.qa import QA_ITEMS
from csops.report.documents import kpi_document
from csops.report.labels import label
from csops.report.output import (
    Column,
    ColumnType,
    Report,
    Sheet,
    cell_text,
)
from csops.rules.kpi import METRICS, MetricRule
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
        Column("kpi.total", "number", lead=True),
        Column("kpi.rank", "int", lead=True),
        Column("kpi.level"),
        Column("kpi.bonus", "money", lead=True),
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
        document=kpi_document(result, explain=explain),
        sheets=kpi_sheets(result, lang, scoring=scoring, compact=compact),
        notes=list(result.notes),
    )


def rule_text(rule: MetricRule, lang: str) -> str:
    """The scoring rule in one line: `≥ 0.9 → 100; ≥ 0.75 → 80; else 0`."""
    unit = rule.info.unit
    if unit == "seconds":

        def fmt(x: float) -> str:
            return f"{x:g} s"
    elif unit == "rate":

        def fmt(x: float) -> str:
            return f"{x * 100:g}%"
    else:

        def fmt(x: float) -> str:
            return f"{x:g}"

    if rule.bands is not None:
        sign = "≥" if rule.info.direction == "higher" else "≤"
        parts = [
            f"{sign} {fmt(b.min if b.min is not None else b.max)} → {b.points:g}"  # type: ignore[arg-type]
            for b in rule.bands
        ]
        parts.append(("其余" if lang == "zh" else "else") + f" → {rule.otherwise:g}")
        text = "; ".join(parts)
    else:
        lin = rule.linear
        assert lin is not None
        joiner = "线性" if lang == "zh" else "linear"
        text = (
            f"{fmt(lin.best)} → {lin.best_points:g} … {fmt(lin.worst)} → "
            f"{lin.worst_points:g} ({joiner})"
        )
    if rule.missing != "redistribute":
        text += ("; 缺数据" if lang == "zh" else "; no data") + f" → {float(rule.missing):g}"
    return text
