"""The cleaners of dates, date-times, punches, half-days and leave lengths."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from csops.ingest.clean_base import (
    Cleaned,
    _arrow,
    _guard,
    _is_null,
    _null_mask,
    _per_distinct,
    _with_nulls,
    re_sub,
    strip_guard,
)

MISSED_PUNCH_WORDS = ["缺卡", "未打卡", "无", "休息", "旷工", "请假", "外出", "出差", "调休"]
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
MIN_YEAR, MAX_YEAR = 2000, 2099

_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S.%f")


def _normalize_date_text(s: pd.Series) -> pd.Series:
    s = re_sub(s, r"\s*[（(]?(星期|周)[一二三四五六日天][)）]?\s*$", "")
    s = re_sub(s, r"(\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?", r"\1-\2-\3")
    s = re_sub(s, r"^(\d{2,4})[/.](\d{1,2})[/.](\d{1,2})", r"\1-\2-\3")
    s = re_sub(s, r"(\d)T(\d)", r"\1 \2")
    return re_sub(s, r"\s+", " ")


_FIRST_DAY = np.datetime64(f"{MIN_YEAR}-01-01", "us")
_PAST_LAST_DAY = np.datetime64(f"{MAX_YEAR + 1}-01-01", "us")


def _implausible(values: np.ndarray) -> np.ndarray:
    return ~np.isnat(values) & ((values < _FIRST_DAY) | (values >= _PAST_LAST_DAY))


def parse_datetime_text(s: pd.Series) -> Cleaned:
    """Text in any of the forms shops export → datetime64; mask of the unreadable ones.

    Forms: 2026-05-23 22:02:00, 2026/5/23 22:02, 2026年5月23日, 26-10-08 星期四
    (DingTalk), an Excel serial number such as 46299.5.

    Fast path: Arrow's C++ ISO-8601 cast, strict about impossible dates (2026-02-30) and
    25:00; any other form is parsed once per distinct text.
    """
    arr = _arrow(s)
    try:
        parsed = pc.cast(arr, pa.timestamp("s"))  # most exports: nothing to strip
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        arr = _guard(arr)
        try:
            parsed = pc.cast(_with_nulls(arr, _null_mask(arr)), pa.timestamp("s"))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return _per_distinct(s, _parse_datetime_forms)
    values = parsed.cast(pa.timestamp("us")).to_numpy(zero_copy_only=False)
    implausible = _implausible(values)
    if implausible.any():
        values = np.where(implausible, np.datetime64("NaT", "us"), values)
    return pd.Series(values, index=s.index), pd.Series(implausible, index=s.index)


def _parse_datetime_forms(s: pd.Series) -> Cleaned:
    s = strip_guard(s)
    null = _is_null(s)
    result = pd.to_datetime(s.mask(null), format=_DATETIME_FORMATS[0], errors="coerce")
    result = result.astype("datetime64[us]")
    todo = result.isna() & ~null
    if todo.any():
        rest = _normalize_date_text(s[todo])
        parsed = pd.Series(pd.NaT, index=rest.index, dtype=result.dtype)
        short_year = rest.str.match(r"^\d{2}-", na=False)
        for fmt in _DATETIME_FORMATS:
            left = parsed.isna() & ~short_year
            if not left.any():
                break
            parsed[left] = pd.to_datetime(rest[left], format=fmt, errors="coerce")
        if short_year.any():
            for fmt in ("%y-%m-%d", "%y-%m-%d %H:%M", "%y-%m-%d %H:%M:%S"):
                left = parsed.isna() & short_year
                if left.any():
                    parsed[left] = pd.to_datetime(rest[left], format=fmt, errors="coerce")
        serial = parsed.isna() & rest.str.fullmatch(r"[0-9]{5}(\.[0-9]+)?", na=False)
        if serial.any():
            days = pd.to_numeric(rest[serial]).astype("float64")
            parsed[serial] = (EXCEL_EPOCH + pd.to_timedelta(days, unit="D")).dt.round("s")
        result[todo] = parsed
    years = result.dt.year
    implausible = result.notna() & ((years < MIN_YEAR) | (years > MAX_YEAR))
    result = result.mask(implausible)
    return result, (result.isna() & ~null) | implausible


def out_of_range_dates(s: pd.Series) -> pd.Series:
    """Which texts are dates that read fine but fall outside MIN_YEAR–MAX_YEAR (1999-12-31),
    as opposed to text that is no date at all (for a clearer message)."""
    plain = strip_guard(s)
    years = pd.to_datetime(
        _normalize_date_text(plain).str.slice(0, 10), format="%Y-%m-%d", errors="coerce"
    ).dt.year
    return years.notna() & ((years < MIN_YEAR) | (years > MAX_YEAR))


def clean_datetime(s: pd.Series) -> Cleaned:
    return parse_datetime_text(s)


def clean_date(s: pd.Series) -> Cleaned:
    values, bad = parse_datetime_text(s)
    return values.dt.normalize(), bad


def clean_punch(s: pd.Series, day: pd.Series) -> Cleaned:
    """A punch: `08:03`, `08:03:10`, `次日 01:10` (next day) or a full date-time."""
    s = strip_guard(s)
    null = _is_null(s) | s.isin(MISSED_PUNCH_WORDS)
    next_day = s.str.startswith("次日", na=False)
    clock = re_sub(s, r"^次日\s*", "")
    parts = clock.str.extract(r"^(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?$")
    hours = pd.to_numeric(parts[0], errors="coerce")
    minutes = pd.to_numeric(parts[1], errors="coerce")
    seconds = pd.to_numeric(parts[2], errors="coerce").fillna(0)
    valid_clock = hours.notna() & (hours < 24) & (minutes < 60) & (seconds < 60)
    offset = pd.to_timedelta(
        (hours * 3600 + minutes * 60 + seconds + next_day.astype(int) * 86400)
        .where(valid_clock)
        .astype("float64"),
        unit="s",
    )
    result = (day.dt.normalize() + offset).astype("datetime64[us]")
    full = ~null & ~valid_clock
    if full.any():
        as_datetime, _ = parse_datetime_text(s[full])
        result[full] = as_datetime
    bad = ~null & result.isna() & day.notna()
    return result.mask(null), bad


_HALF = re.compile(r"^(.*?\d)\s*(上午|下午|AM|PM|am|pm)$")
_HALVES = {"上午": "am", "AM": "am", "am": "am", "下午": "pm", "PM": "pm", "pm": "pm"}


def clean_half_day(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """A leave's start or end: a date-time, or a date with 上午 / 下午 (DingTalk's half-day
    leave). Returns the date-time (the date at 00:00 for a half), the unreadable mask and
    the half (`am`, `pm` or NA)."""
    text = strip_guard(s)
    parts = text.str.extract(_HALF.pattern)
    half = parts[1].map(_HALVES)
    has_half = half.notna()
    dated = text.where(~has_half, parts[0])
    values, bad = parse_datetime_text(dated)
    values = values.where(~has_half, values.dt.normalize())
    return values, bad, half.astype("str").where(has_half)


def clean_duration(s: pd.Series, header: str = "") -> Cleaned:
    """A leave's length as written (`1天`, `0.5天`, `4小时`, `半天`), a bare number given the
    unit its header names (时长(小时) → `8小时`, 请假天数(天) → `1天`). Never a problem here:
    the scoring reads it where it can and says when it cannot."""
    text = strip_guard(s)
    unit = "小时" if "小时" in header else "天" if "天" in header else ""
    if unit:
        bare = text.str.fullmatch(r"[0-9]+(?:\.[0-9]+)?", na=False)
        text = text.where(~bare, text + unit)
    return text.mask(_is_null(text)), pd.Series(False, index=s.index)
