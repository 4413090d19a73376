"""The 班次 of an attendance row: a rest day, or a shift with its start and end minutes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from csops.rules.scoring import AttendanceRules

_TIME = re.compile(r"(次日)?\s*(\d{1,2})[:：](\d{2})")


@dataclass(frozen=True)
class Shift:
    scheduled: bool
    name: str
    start: int = 0  # minutes after 00:00 of the row's date
    end: int = 0  # may pass 24:00 (an evening shift that ends the next day)

    @property
    def label(self) -> str:
        if not self.scheduled:
            return self.name
        return f"{self.name} {_hhmm(self.start)}-{_hhmm(self.end)}".strip()


def _hhmm(minutes: int) -> str:
    prefix = "次日" if minutes >= 24 * 60 else ""
    minutes %= 24 * 60
    return f"{prefix}{minutes // 60:02d}:{minutes % 60:02d}"


def parse_shift(text: str, rules: AttendanceRules) -> Shift | None:
    """A 班次 cell → its shift; None when it names no known shift."""
    text = text.strip()
    if not text or text in rules.rest_words:
        return Shift(False, text or "休息")
    times = list(_TIME.finditer(text))
    if len(times) >= 2:
        name = text[: times[0].start()].strip()
        if name in rules.rest_words:
            return Shift(False, name)
        marks = []
        for m in (times[0], times[-1]):
            hour, minute = int(m.group(2)), int(m.group(3))
            if hour > 24 or minute > 59:
                return None
            marks.append(hour * 60 + minute + (24 * 60 if m.group(1) else 0))
        start, end = marks
        if end <= start:
            end += 24 * 60
        return Shift(True, name, start, end)
    if times:
        return None
    known = rules.shifts.get(text)
    if known is None:
        return None
    start = known.start.hour * 60 + known.start.minute
    end = known.end.hour * 60 + known.end.minute
    if end <= start:
        end += 24 * 60
    return Shift(True, text, start, end)


def _shift_table(values: Iterable[str], rules: AttendanceRules) -> pd.DataFrame:
    """Each distinct 班次 text parsed once: known, scheduled, start, end, label."""
    values = list(values)
    parsed = [parse_shift(v, rules) for v in values]
    return pd.DataFrame(
        {
            "known": [p is not None for p in parsed],
            "scheduled": [p is not None and p.scheduled for p in parsed],
            "start": [p.start if p else 0 for p in parsed],
            "end": [p.end if p else 0 for p in parsed],
            "label": [p.label if p else v for p, v in zip(parsed, values, strict=True)],
        },
        index=pd.Index(values, dtype="object"),
    )
