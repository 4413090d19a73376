"""The score's shared parts: its column sets, the texts of its evidence (zh/en) and the
helpers that fill them in. (The texts are to move to `csops.report` — issue 20.)"""

from __future__ import annotations

import string
from typing import Any

import pandas as pd

from csops.domain.phrases import Phrases

MAJOR_MISTAKE = "major_mistake"  # the incident kind counted for year-end grades

EVENT_COLUMNS = [
    "staff_id",
    "event",
    "date",
    "time",
    "minutes",
    "sheet_points",
    "quantity",  # the part of a day a leave day counts for (a half day: 0.5); else 1
    "_file",
    "_row",
    "seen",
]
EVIDENCE_COLUMNS = [
    "staff_id",
    "name",
    "rule",
    "event",
    "date",
    "file",
    "row",
    "detail",
    "points",
    "yuan_fen",
    "yuan",
    "free",
    "charged",
    "charged_days",  # the charged part of a leave day (1 unless a half day is charged)
]
TALLY_COLUMNS = [
    "scheduled_days",
    "worked_days",
    "late_days",
    "early_leave_days",
    "missed_punch_days",
    "unauthorized_absence_days",
    "leave_days",
    "absences",
    "major_mistakes",
    "award_yuan",
]


def _fmt(template: str, index: pd.Index, **values: Any) -> pd.Series:
    """`template.format(**values)` over whole columns (values: Series or scalars)."""
    out = pd.Series("", index=index, dtype="object")
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            out = out + literal
        if name is not None:
            value = values[name]
            if isinstance(value, pd.Series):
                out = out + value.astype("object").fillna("").astype(str).to_numpy()
            else:
                out = out + str(value)
    return out


def _clock(punch: pd.Series, day: pd.Series, text: Phrases) -> pd.Series:
    """`08:03`, or `次日 01:10` (`next_day`) for a punch after midnight of the row's date."""
    clock = punch.dt.strftime("%H:%M").astype("object")
    next_day = (punch.dt.normalize() > day).fillna(False).astype(bool)
    before, after = text["next_day"].split("{time}")
    return clock.where(~next_day, before + clock + after)


def map_unique(values: pd.Series, func: Any) -> pd.Series:
    """Apply `func` once per distinct value (points and amounts repeat a lot)."""
    table = {v: func(v) for v in values.unique()}
    return values.map(table)


def count_value(value: Any) -> int | float:
    """A count for JSON: 3, or 2.5 when half days are in it."""
    number = float(value)
    return int(number) if number.is_integer() else number


def whole_or_float(values: pd.Series) -> pd.Series:
    """Counts as whole numbers (int64), unless half days made some fractional (float64)."""
    numbers = values.astype("float64")
    return numbers.astype("int64") if (numbers % 1 == 0).all() else numbers


def _count_text(value: float) -> str:
    """4 → '4', 4.5 → '4.5' (a running count of half days)."""
    return f"{value:g}"
