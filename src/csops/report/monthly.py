"""The month-end report's sections: each figure of the month as its JSON document, its
workbook sheets, its columns of the Summary sheet and a line of the Summary's notes.

A section is built from a figure `csops.jobs.month.compute` worked out; nothing here
computes a figure or reads a file. `summary_sheet` puts every section's Summary columns
side by side, a row per staff member.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import pandas as pd

from csops.domain.chat_waits import WaitLog
from csops.domain.chats import ChatKpis
from csops.domain.commission import CommissionResult
from csops.domain.kpi import KpiResult
from csops.domain.scoring import ScoreResult
from csops.domain.shipments import ShippingList
from csops.ingest.discover import Inputs
from csops.report.book import BookSheet, Chart
from csops.report.chats import all_waits, kpi_report, waits_sheet
from csops.report.commission import evidence_sheets, orders_sheet, summary_report
from csops.report.documents import kpi_document
from csops.report.inputs import inspect_report
from csops.report.kpi import kpi_sheets
from csops.report.labels import label
from csops.report.output import Column, Sheet
from csops.report.scores import LEVEL_STYLES, attendance_sheet, score_report
from csops.report.shipments import as_of_text, overdue_report
from csops.rules import RuleSet
from csops.rules.scoring import ScoringRules
from csops.rules.shipping import LEVEL_NAMES

PUNCH_FORMAT = "mm-dd hh:mm"
# Waits are seconds long: their times keep the seconds.
WAIT_FORMAT = "mm-dd hh:mm:ss"
SUMMARY_KEY = "title.summary"  # the first sheet: a row per staff member


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


def score_section(result: ScoreResult, lang: str) -> Section:
    report = score_report(result, lang, compact=False)
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
        f"{result.rules.level_text(lv, lang)} {int(counts[lv])}"
        for lv in dict.fromkeys(staff["level"])
    )
    return Section(
        key="score",
        document=report.document,
        sheets=[
            BookSheet(scores, tab="monthly.tab.scores", notes=report.notes, freeze_columns=2),
            BookSheet(evidence, tab="monthly.tab.evidence", freeze_columns=2, csv_name="evidence"),
            BookSheet(
                attendance_sheet(result, lang),
                freeze_columns=3,
                csv_name="attendance",
                formats={"att.first_punch": PUNCH_FORMAT, "att.last_punch": PUNCH_FORMAT},
            ),
        ],
        result=result,
        summary=SummaryPart(
            part,
            [Column("role"), Column("score.score", "number"), Column("score.level")],
            [
                Chart(
                    "monthly.chart.score",
                    "name",
                    ["score.score"],
                    colour_by="_level",
                    legend={lv: result.rules.level_text(lv, lang) for lv in _level_ids(result)},
                )
            ],
        ),
        headline=label("monthly.head.score", lang).format(staff=len(staff), levels=levels),
    )


def _level_ids(result: ScoreResult) -> list[str]:
    """The score levels of the rules, serious last: the colours of the score chart."""
    rules = result.rules
    return [lv.id for lv in rules.levels] + ([rules.serious.id] if rules.serious else [])


def commission_section(result: CommissionResult, lang: str) -> Section:
    report = summary_report(result, None, lang, sheets=True)
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
                orders_sheet(result, None, lang), tab="monthly.tab.orders", csv_name="orders"
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
        headline=label("monthly.head.commission", lang).format(
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


def _waits_book(log: WaitLog, limit: float | None, every: int, mask: bool, lang: str) -> BookSheet:
    waits = waits_sheet("title.waits", all_waits(log, mask))
    if limit is None:
        notes = [label("monthly.waits_all", lang).format(count=f"{every:,}")]
    else:
        notes = [
            label("monthly.waits_broken", lang).format(
                count=f"{len(log.waits):,}", every=f"{every:,}", limit=f"{limit:g}"
            )
        ]
    return BookSheet(
        waits,
        notes=notes,
        freeze_columns=1,
        csv_name="waits",
        formats={
            "chats.wait_start": WAIT_FORMAT,
            "chats.clock_start": WAIT_FORMAT,
            "chats.reply_at": WAIT_FORMAT,
        },
    )


def chats_section(
    kpis: ChatKpis, waits_log: WaitLog, limit: float | None, rules: RuleSet, lang: str
) -> Section:
    """The chat KPIs, and the waits of `waits_log`: those slower than `limit` seconds or
    never answered (None: every wait of the month)."""
    report = kpi_report(kpis, None, lang)
    mask = rules.settings.mask_buyers
    waits = _waits_book(waits_log, limit, len(kpis.waits), mask, lang)
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
        headline=label("monthly.head.chats", lang).format(
            conversations=int(total["conversations"]),
            avg="-" if avg is None or pd.isna(avg) else f"{float(avg):.1f}",
            slow=int(total["unanswered_10min"]),
        ),
    )


def kpi_section(result: KpiResult, rules: RuleSet, lang: str) -> Section:
    """The KPI scorecard, from the score, commission and chat figures of the month."""
    card, detail, checks = kpi_sheets(result, lang, scoring=rules.get(ScoringRules))
    staff = result.staff
    paid = sum((b for b in staff["bonus"] if b is not None), Decimal(0))
    return Section(
        key="kpi",
        document=kpi_document(result),
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
        headline=f"{label('title.kpi', lang)}: {int(staff['scored'].sum())}/{len(staff)}, "
        f"{label('kpi.bonus', lang)} {paid:,.2f}",
    )


def overdue_section(result: ShippingList, lang: str) -> Section:
    report = overdue_report(result, lang)
    listed, by_staff = report.sheets
    counts = " · ".join(
        f"{label(f'ship.level.{lv}', lang)} {result.counts[lv]}" for lv in LEVEL_NAMES
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
        headline=label("monthly.head.overdue", lang).format(
            as_of=as_of_text(result.as_of), counts=counts
        ),
    )


def inputs_section(inputs: Inputs, lang: str) -> Section:
    report = inspect_report(inputs, lang)
    files = report.document["files"]
    return Section(
        key="inputs",
        document=report.document,
        sheets=[BookSheet(report.sheets[0], tab="title.data_quality", notes=report.notes)],
        headline=label("monthly.head.inputs", lang).format(
            files=len(files), bad=sum(1 for f in files if f["problems"])
        ),
    )


def summary_sheet(
    sections: Sequence[Section], notes: Sequence[str] = (), lang: str = "zh"
) -> BookSheet:
    """A row per staff member: the Summary columns of every section, side by side, the
    rank by the monthly score after the level, and a total row of the money and counts;
    each section's headline and `notes` (which rules are in force) above it."""
    parts = [s.summary for s in sections if s.summary is not None]
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
    if "score.score" in frame:
        frame["summary.rank"] = (
            frame["score.score"].astype("float64").rank(method="min", ascending=False)
        ).astype("Int64")
        at = next((i for i, c in enumerate(columns) if c.key == "score.level"), 3) + 1
        columns.insert(at, Column("summary.rank", "int"))
    staff = len(frame)
    styles = pd.Series([""] * staff, dtype="object")
    if "_level" in frame:
        styles = frame["_level"].map(LEVEL_STYLES).fillna("").astype("object")
    frame, styles = _with_total_row(frame, columns, styles, lang)
    # The charts draw the staff rows, not the total.
    charts = [c if c.rows is not None else replace(c, rows=staff) for c in charts]
    return BookSheet(
        Sheet(SUMMARY_KEY, frame, columns, styles),
        notes=[*(s.headline for s in sections if s.headline), *notes],
        freeze_columns=2,
        charts=charts,
        formats=formats,
        total_rows=1,
    )


def _with_total_row(
    frame: pd.DataFrame, columns: Sequence[Column], styles: pd.Series, lang: str
) -> tuple[pd.DataFrame, pd.Series]:
    """The frame with a bold 合计 row: the sum of each money and count column."""
    total: dict[str, Any] = {"name": label("summary.total", lang)}
    for column in columns:
        if column.key == "summary.rank" or column.type not in ("money", "int"):
            continue
        values = [v for v in frame[column.key] if v is not None and not pd.isna(v)]
        if column.type == "money":
            total[column.key] = sum((Decimal(str(v)) for v in values), Decimal("0.00"))
        else:
            total[column.key] = sum(int(v) for v in values)
    row = pd.DataFrame([total]).reindex(columns=frame.columns)
    out = pd.concat([frame.astype("object"), row.astype("object")], ignore_index=True)
    return out, pd.concat([styles, pd.Series(["bold"], dtype="object")], ignore_index=True)
