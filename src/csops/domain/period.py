"""Calendar periods: months given as YYYY-MM (or `last`), as half-open timestamp ranges."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd

from csops.errors import UsageError

SHOP_TIMEZONE = "Asia/Shanghai"  # settings.yaml `timezone`
FIRST_YEAR, LAST_YEAR = 2000, 2099  # the years a period may be in


def shop_now(timezone: str = SHOP_TIMEZONE) -> datetime:
    """The shop's wall-clock time now (naive, like the exports' times), whatever the time
    zone of the machine: a server on UTC is 8 hours behind a shop in China."""
    return datetime.now(ZoneInfo(timezone)).replace(tzinfo=None)


def current_date(timezone: str = SHOP_TIMEZONE) -> date:
    """The shop's date today, as `last` periods are counted from (the one clock tests
    replace)."""
    return shop_now(timezone).date()


def _check_year(year: int, option: str, text: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise UsageError(
            f"{option} {text!r}: the year {year} is outside {FIRST_YEAR}–{LAST_YEAR}; "
            "expected e.g. 2026-10"
        )


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str, today: date | None = None, timezone: str = SHOP_TIMEZONE) -> Month:
        """`2026-10` or `202610` → Month(2026, 10); `last` → the calendar month before
        `today` (default: the shop's `current_date`)."""
        if text.strip().lower() == "last":
            return cls.of(today or current_date(timezone)).previous()
        m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text) or re.fullmatch(
            r"\s*(\d{4})(\d{2})\s*", text
        )
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise UsageError(
                f"--month {text!r}: expected a month as YYYY-MM, YYYYMM or last "
                "(the month before today), e.g. 2026-10"
            )
        _check_year(int(m.group(1)), "--month", text)
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
    def parse(cls, text: str, today: date | None = None, timezone: str = SHOP_TIMEZONE) -> Quarter:
        """`2026Q4`, `2026-Q4` or `2026q4` → Quarter(2026, 4); `last` → the calendar
        quarter before the one of `today` (default: `current_date()`)."""
        if text.strip().lower() == "last":
            day = today or current_date(timezone)
            current = (day.month - 1) // 3 + 1
            return cls(day.year - 1, 4) if current == 1 else cls(day.year, current - 1)
        m = re.fullmatch(r"\s*(\d{4})-?[Qq]([1-4])\s*", text)
        if not m:
            raise UsageError(
                f"--quarter {text!r}: expected a quarter as YYYYQn or last (the quarter "
                "before today's), e.g. 2026Q4"
            )
        _check_year(int(m.group(1)), "--quarter", text)
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
