"""The per-staff counts a KPI metric is made of (docs/kpi.md, step 1 and 2).

Per month, the figures csops already computes become counts (`month_counts`): waits and
waits answered in time, response-time sums, inquiries and paying buyers, ratings (chat
KPIs); net sales in fen (commission); the monthly score; the spot checks (`qa_counts`).
A quarter sums the counts of its months (`period_counts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from csops.domain.chats import ChatKpis
from csops.domain.commission import CommissionResult
from csops.domain.period import Month
from csops.domain.qa import QA_ITEMS, qa_counts
from csops.domain.scoring import ScoreResult
from csops.rules.kpi import Source

# The per-staff counts of each source; a metric is numerator / denominator of these.
COUNTS: dict[Source, tuple[str, ...]] = {
    "chats": (
        "waits",
        "timely_waits",
        "unanswered_10min",
        "answered_waits",
        "response_s_sum",
        "first_waits_answered",
        "first_response_s_sum",
        "asked_conversations",
        "replied_conversations",
        "inquiries",
        "paid_buyers",
        "next_day_paid_buyers",
        "ratings",
        "satisfied_ratings",
    ),
    "commission": ("net_fen",),
    "score": ("score_sum", "score_months"),
    "qa": (
        "qa_checks",
        "qa_scored",
        "qa_score_sum",
        "qa_resolved",
        "qa_resolved_known",
        *(f"qa_{item}_{part}" for item in QA_ITEMS for part in ("sum", "n")),
    ),
}
ALL_COUNTS: tuple[str, ...] = tuple(c for cols in COUNTS.values() for c in cols)


@dataclass
class MonthFigures:
    """What one month's other results say, as far as the scorecard needs them.
    A source that is None was not available (no export of that kind)."""

    month: Month
    chats: ChatKpis | None = None
    commission: CommissionResult | None = None
    score: ScoreResult | None = None
    qa: pd.DataFrame | None = None  # prepared spot checks (`prepare_qa`) of the month


def chat_counts(kpis: ChatKpis, limit_s: float) -> pd.DataFrame:
    """Per staff member (roster rows only) the chat counts; `timely_waits` counts the waits
    started in the month and answered within `limit_s` seconds."""
    staff = kpis.staff
    waits = kpis.waits
    answered_fast = waits["response_s"].to_numpy(dtype="float64") <= limit_s
    timely = np.bincount(
        waits["key"].to_numpy(dtype=np.int64)[answered_fast & (waits["key"].to_numpy() >= 0)],
        minlength=len(staff),
    )

    def col(name: str) -> pd.Series:
        return pd.to_numeric(staff[name], errors="coerce").astype("float64")

    frame = pd.DataFrame(
        {
            "waits": col("waits"),
            "timely_waits": timely[staff["key"].to_numpy(dtype=np.int64)].astype("float64"),
            "unanswered_10min": col("unanswered_10min"),
            "answered_waits": col("answered_waits"),
            "response_s_sum": (col("avg_response_s") * col("answered_waits")).fillna(0.0),
            "first_waits_answered": col("first_waits_answered"),
            "first_response_s_sum": (col("first_response_s") * col("first_waits_answered")).fillna(
                0.0
            ),
            "asked_conversations": col("asked_conversations"),
            "replied_conversations": col("replied_conversations"),
            "inquiries": col("inquiries"),
            "paid_buyers": col("paid_buyers"),
            "next_day_paid_buyers": col("next_day_paid_buyers"),
            "ratings": col("ratings"),
            "satisfied_ratings": col("satisfied_ratings"),
        }
    )
    on_roster = staff["staff_id"].notna().to_numpy()
    frame = frame[on_roster]
    frame.index = pd.Index(staff.loc[on_roster, "staff_id"].astype("str"), name="staff_id")
    if not kpis.has_ratings:
        # No 评价 column / no ratings at all: satisfaction is unknown, not 0 of 0.
        frame[["ratings", "satisfied_ratings"]] = np.nan
    return frame


def month_counts(figures: MonthFigures, limit_s: float) -> pd.DataFrame:
    """Every count of the month per staff member (NaN: the source says nothing of them)."""
    parts: list[pd.DataFrame] = []
    if figures.chats is not None:
        parts.append(chat_counts(figures.chats, limit_s))
    if figures.commission is not None:
        staff = figures.commission.staff
        parts.append(
            pd.DataFrame(
                {"net_fen": staff["net_fen"].astype("float64").to_numpy()},
                index=pd.Index(staff["staff_id"].astype("str"), name="staff_id"),
            )
        )
    if figures.score is not None:
        staff = figures.score.staff
        parts.append(
            pd.DataFrame(
                {
                    "score_sum": staff["score"].astype("float64").to_numpy(),
                    "score_months": 1.0,
                },
                index=pd.Index(staff["staff_id"].astype("str"), name="staff_id"),
            )
        )
    if figures.qa is not None:
        counts = qa_counts(figures.qa)
        counts.index = counts.index.astype("str").rename("staff_id")
        parts.append(counts)
    frame = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=pd.Index([], name="staff_id"))
    if figures.qa is not None:
        # A staff member without spot checks has 0 of them (not unknown).
        qa_cols = list(COUNTS["qa"])
        frame[qa_cols] = frame.reindex(columns=qa_cols).fillna(0.0)
    return frame.reindex(columns=list(ALL_COUNTS)).astype("float64")


def period_counts(months: Sequence[MonthFigures], limit_s: float) -> pd.DataFrame:
    """The counts of the period: each staff member's counts summed over its months.
    A count unknown in every month stays unknown (NaN)."""
    frames = [month_counts(m, limit_s) for m in months]
    stacked = pd.concat(frames)
    return stacked.groupby(level=0, sort=False).sum(min_count=1)
