"""Calendar periods: months given as YYYY-MM (or `last`), as half-open timestamp ranges."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from csops.errors import UsageError


def current_date() -> date:
    """Today's date, as `last` periods are counted from (the one clock tests replace)."""
    return date.today()


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str, today: date | None = None) -> Month:
        """`2026-10` or `202610` → Month(2026, 10); `last` → the calendar month before
        `today` (default: `current_date()`)."""
        if text.strip().lower() == "last":
            return cls.of(today or current_date()).previous()
        m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text) or re.fullmatch(
            r"\s*(\d{4})(\d{2})\s*", text
        )
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise UsageError(
                f"--month {text!r}: expected a month as YYYY-MM, YYYYMM or last "
                "(the month before today), e.g. 2026-10"
            )
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> pd.Timestamp:
        """00:00:00 on the 1st."""
        return pd.Timestamp(self.year, self.month, 1)

    @property
    def end(self) -> pd.Timestamp:
        """00:00:00 on the 1st of the next month (exclusive)."""
        return self.start + pd.offsets.MonthBegin(1)

    @property
    def days(self) -> pd.DatetimeIndex:
        return pd.date_range(self.start, self.end - pd.Timedelta(days=1), freq="D")

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def contains(self, times: pd.Series) -> pd.Series:
        """Which timestamps fall in the month (start inclusive, end exclusive)."""
        return (times >= self.start) & (times < self.end)


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter (`2026Q4` = October to December), for the quarterly KPI scorecard."""

    year: int
    quarter: int

    @classmethod
    def parse(cls, text: str, today: date | None = None) -> Quarter:
        """`2026Q4`, `2026-Q4` or `2026q4` → Quarter(2026, 4); `last` → the calendar
        quarter before the one of `today` (default: `current_date()`)."""
        if text.strip().lower() == "last":
            day = today or current_date()
            current = (day.month - 1) // 3 + 1
            return cls(day.year - 1, 4) if current == 1 else cls(day.year, current - 1)
        m = re.fullmatch(r"\s*(\d{4})-?[Qq]([1-4])\s*", text)
        if not m:
            raise UsageError(
                f"--quarter {text!r}: expected a quarter as YYYYQn or last (the quarter "
                "before today's), e.g. 2026Q4"
            )
        return cls(int(m.group(1)), int(m.group(2)))

    def __str__(self) -> str:
        return f"{self.year:04d}Q{self.quarter}"

    @property
    def months(self) -> tuple[Month, Month, Month]:
        first = 3 * self.quarter - 2
        return (
            Month(self.year, first),
            Month(self.year, first + 1),
            Month(self.year, first + 2),
        )

    @property
    def start(self) -> pd.Timestamp:
        return self.months[0].start

    @property
    def end(self) -> pd.Timestamp:
        """00:00:00 on the 1st after the quarter (exclusive)."""
        return self.months[-1].end

    def contains(self, times: pd.Series) -> pd.Series:
        return (times >= self.start) & (times < self.end)
