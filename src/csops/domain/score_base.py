"""The score's shared parts: its column sets, the texts of its evidence (zh/en) and the
helpers that fill them in. (The texts are to move to `csops.report` — issue 20.)"""

from __future__ import annotations

import string
from typing import Any

import pandas as pd

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

TEXT: dict[str, dict[str, str]] = {
    "late": {
        "en": "clock-in {time} on {shift}: {minutes} min late",
        "zh": "上班打卡 {time}，班次 {shift}：迟到 {minutes} 分钟",
    },
    "early_leave": {
        "en": "clock-out {time} on {shift}: left {minutes} min early",
        "zh": "下班打卡 {time}，班次 {shift}：早退 {minutes} 分钟",
    },
    "missed_clock_in": {
        "en": "no clock-in on {shift} (clock-out {time}): missed punch, recorded as 调休",
        "zh": "缺上班卡（班次 {shift}，下班打卡 {time}）：按调休记",
    },
    "missed_clock_out": {
        "en": "no clock-out on {shift} (clock-in {time}): missed punch, recorded as 调休",
        "zh": "缺下班卡（班次 {shift}，上班打卡 {time}）：按调休记",
    },
    "unauthorized_absence": {
        "en": "no punch on {shift} and no approved leave: 旷工",
        "zh": "排班 {shift}，无打卡且无已批准的请假：旷工",
    },
    "refused_leave": {
        "en": " (the leave on row {row} of {file} is {approval})",
        "zh": "（{file} 第 {row} 行的请假为 {approval}）",
    },
    "leave": {
        "en": "{kind} {start} ~ {end} ({approval}): on leave {day}",
        "zh": "{kind} {start} ~ {end}（{approval}）：{day} 请假",
    },
    "leave_part": {"en": " ({days} of a day)", "zh": "（按 {days} 天计）"},
    "sheet_points": {"en": ", 扣分 {points}", "zh": "，扣分 {points}"},
    "amount": {"en": ", ¥{amount}", "zh": "，金额 {amount} 元"},
    "note": {"en": ": {note}", "zh": "：{note}"},
    "converted": {
        "en": " → more than {over} min: counts as {target}",
        "zh": " → 超过 {over} 分钟：按{target}计",
    },
    "free": {
        "en": " → free ({n} of {free} free a month)",
        "zh": " → 免扣（每月前 {free} 次免扣，第 {n} 次）",
    },
    "free_within": {
        "en": " → free ({n} of {free} within {within} min free a month)",
        "zh": " → 免扣（每月 {within} 分钟内前 {free} 次免扣，第 {n} 次）",
    },
    "charged": {"en": " → #{k} this month", "zh": " → 本月第 {k} 次"},
    "beyond": {"en": ", beyond the {free} free", "zh": "，超出免扣的 {free} 次"},
    "never_free": {
        "en": " → more than {within} min: never free",
        "zh": " → 超过 {within} 分钟：不免扣",
    },
    "threshold": {"en": "; {count} or more: {total} in total", "zh": "；满 {count} 次共计{total}"},
    "amount_sep": {"en": ": ", "zh": "："},
}


def _text(key: str, lang: str) -> str:
    return TEXT[key]["zh" if lang == "zh" else "en"]


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


def _clock(punch: pd.Series, day: pd.Series) -> pd.Series:
    """`08:03`, or `次日 01:10` for a punch after midnight of the row's date."""
    text = punch.dt.strftime("%H:%M").astype("object")
    next_day = (punch.dt.normalize() > day).fillna(False).astype(bool)
    return text.where(~next_day, "次日 " + text)


def _points_text(value: float, lang: str) -> str:
    if lang == "zh":
        if value < 0:
            return f"扣 {-value:g} 分"
        return f"加 {value:g} 分" if value > 0 else "不扣分"
    return f"{value:+g} points" if value else "0 points"


def _map_unique(values: pd.Series, func: Any) -> pd.Series:
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
