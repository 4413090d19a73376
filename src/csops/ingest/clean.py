"""Turn text columns into typed canonical columns, collecting unreadable values as problems.

Every function takes the raw text Series and returns the typed Series plus a boolean
mask of the cells that could not be read; `clean_columns` turns masks into `Problem`s
that name the file, the export's own header, row numbers and the values found.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from csops.errors import Problem
from csops.ingest.read import RawColumns, SourceFile
from csops.rules.base import normalize_word
from csops.schemas import Field, FieldType, Schema

# Fields that record something that has already happened when a report is made: a value
# later than the run's clock + FUTURE_MARGIN is a typo or a broken export (a year 2062 for
# 2026). Planned things may lie ahead and are not checked: leave approvals, the schedule,
# hire and leave dates, promised ship times, the attendance day itself (a DingTalk export
# of the whole month lists days to come, with no punches).
PAST_FIELDS: dict[str, tuple[str, ...]] = {
    "orders": ("created_at", "paid_at", "shipped_at", "confirmed_at"),
    "attendance": ("clock_in", "clock_out"),
    "punches": ("time",),
    "chats": ("time",),
    "chat_sessions": ("start",),
    "order_items": ("created_at", "paid_at", "shipped_at", "confirmed_at"),
    "incidents": ("date",),
    "qa": ("date",),
}
# Export time stamps are the shop's local time and the machine running csops may keep
# another zone (UTC is 8 h behind Beijing): a day of slack.
FUTURE_MARGIN = pd.Timedelta(days=1)

NULL_WORDS = ["", "-", "--", "—", "——", "null", "NULL", "None", "none", "nan", "NaN", "#N/A", "N/A"]
# Words an export writes in an amount cell for "nothing" (千牛's 子订单 sheet: 无退款申请).
NO_AMOUNT_WORDS = ["无退款申请", "无退款", "无", "没有申请退款"]
MISSED_PUNCH_WORDS = ["缺卡", "未打卡", "无", "休息", "旷工", "请假", "外出", "出差", "调休"]
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
MIN_YEAR, MAX_YEAR = 2000, 2099

EXPECTED = {
    FieldType.ORDER_ID: "the order number as text, e.g. 4012345678901234567",
    FieldType.ID: "an ID such as 1003",
    FieldType.MONEY: "an amount in yuan, e.g. 128.50, ¥1,280.00 or 99元",
    FieldType.DATETIME: "a date and time, e.g. 2026-10-03 14:05:00 or 2026/10/3 14:05",
    FieldType.DATE: "a date, e.g. 2026-10-03, 2026/10/3 or 26-10-03 星期六",
    FieldType.PUNCH: "a clock time such as 08:03 or 次日 01:10, or empty for no punch",
    FieldType.NUMBER: "a number, e.g. 0.5",
    FieldType.INT: "a whole number, e.g. 1",
    FieldType.FLAG: "a flag code 0–5 or a colour such as 红 / 红旗 (values.yaml flag_colours)",
    FieldType.HALF_DAY: "a date and time such as 2026-10-03 08:00, or a date with 上午 / 下午",
}

Cleaned = tuple[pd.Series, pd.Series]  # values, unreadable-mask


def _is_null(s: pd.Series) -> pd.Series:
    return s.isna() | s.isin(NULL_WORDS)


# The cleaners take and return pandas Series but do their work with pyarrow kernels on the
# Series' own Arrow buffers (no copy): pandas' `.str` methods run a Python function per
# cell. Speed rules, measured on 10M cells: a trim with an explicit character set is 3×
# faster than `utf8_trim_whitespace`; an RE2 regex costs ~0.8 s, so a regex only ever runs
# on the cells a plain substring test picked out (`_on_subset`); and a value that needs
# pandas (money, numbers, odd date forms) is parsed once per distinct value
# (`_per_distinct`): an export holds few distinct amounts, flags and DingTalk dates.
def _arrow(s: pd.Series) -> pa.Array:
    return pa.array(s, type=pa.large_string(), from_pandas=True)


def _from_arrow(arr: pa.Array, index: pd.Index) -> pd.Series:
    # `.array`: a Series built from a Series with another index would re-align by label.
    return pd.Series(arr.to_pandas().array, index=index, dtype="str")


# Exactly the characters str.isspace() and Arrow's utf8_trim_whitespace treat as white space
# (a test checks it).
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_NULL_SET = pa.array(NULL_WORDS, pa.large_string())
_NO_AMOUNT_SET = pa.array(NO_AMOUNT_WORDS, pa.large_string())


def _null_mask(arr: pa.Array) -> pa.Array:
    """Cells that are empty or a null word ('-', 'null', '#N/A', …); never null itself."""
    words = pc.is_in(arr, value_set=_NULL_SET)
    return pc.or_(words, pc.is_null(arr)) if arr.null_count else words


def _with_nulls(arr: pa.Array, mask: pa.Array) -> pa.Array:
    if not pc.any(mask).as_py():
        return arr
    return pc.if_else(mask, pa.scalar(None, arr.type), arr)


def _np_mask(mask: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _on_subset(
    arr: pa.Array, mask: pa.Array, func: Callable[[pa.Array], pa.Array], otherwise: pa.Array
) -> pa.Array:
    """`func` applied only to the cells where `mask` (a cheap pre-test) holds; the cells of
    `otherwise` everywhere else."""
    mask = pc.fill_null(mask, False)
    if not pc.any(mask).as_py():
        return otherwise
    mask, otherwise = _contiguous(mask), _contiguous(otherwise)
    return pc.replace_with_mask(otherwise, mask, _contiguous(func(pc.filter(arr, mask))))


def _contiguous(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _per_distinct(s: pd.Series, func: Callable[[pd.Series], Cleaned]) -> Cleaned:
    """`func` run once per distinct text, its results spread back to every cell."""
    encoded = pc.dictionary_encode(_contiguous(_arrow(s)), null_encoding="encode")
    distinct = encoded.dictionary
    if 2 * len(distinct) > len(s):
        return func(s)
    values, bad = func(_from_arrow(distinct, pd.RangeIndex(len(distinct))))
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    return (
        pd.Series(values.array.take(codes), index=s.index),
        pd.Series(bad.to_numpy(dtype=bool)[codes], index=s.index),
    )


def re_sub(s: pd.Series, pattern: str, repl: str) -> pd.Series:
    """`re.sub` over a text Series with pyarrow (RE2 syntax; `\\1` back-references)."""
    return _from_arrow(pc.replace_substring_regex(_arrow(s), pattern, repl), s.index)


GUARD_CHARACTERS = "=\"'\t\r\n \u3000"


def _guard(arr: pa.Array) -> pa.Array:
    return pc.utf8_trim(arr, characters=GUARD_CHARACTERS)


def strip_guard(s: pd.Series) -> pd.Series:
    """Remove Excel's text guards around IDs, amounts and dates: `="…"`, a leading `'`,
    tabs and spaces (ordinary and full-width)."""
    return _from_arrow(_guard(_arrow(s)), s.index)


def clean_order_id(s: pd.Series) -> Cleaned:
    arr = _guard(_arrow(s))
    null = _null_mask(arr)
    has_e = pc.or_(pc.match_substring(arr, "E"), pc.match_substring(arr, "e"))
    scientific = _on_subset(
        arr,
        has_e,
        lambda sub: pc.match_substring_regex(sub, r"^[0-9](\.[0-9]+)?[eE][+]?[0-9]+$"),
        pc.fill_null(has_e, False),
    )
    bad = _np_mask(scientific) | _np_mask(null)
    return _from_arrow(_with_nulls(arr, null), s.index), pd.Series(bad, index=s.index)


def clean_id(s: pd.Series) -> Cleaned:
    arr = _guard(_arrow(s))
    arr = _on_subset(
        arr,
        pc.match_substring(arr, "."),
        lambda sub: pc.replace_substring_regex(sub, r"^([0-9]+)\.0+$", r"\1"),
        arr,
    )
    values = _from_arrow(_with_nulls(arr, _null_mask(arr)), s.index)
    return values, pd.Series(False, index=s.index)


def clean_text(s: pd.Series) -> Cleaned:
    """Trimmed text; the `'` that csops (and OWASP-minded tools) put before a leading
    = + - @ tab or CR to keep a spreadsheet from running it is taken off again, so a CSV
    written by csops reads back as the text it was written from."""
    arr = pc.utf8_trim(_arrow(s), characters=WHITESPACE)
    arr = _on_subset(
        arr,
        pc.starts_with(arr, "'"),
        lambda sub: pc.utf8_trim(
            pc.replace_substring_regex(sub, r"^'([=+\-@\t\r])", r"\1"), characters=WHITESPACE
        ),
        arr,
    )
    arr = _with_nulls(arr, pc.fill_null(pc.equal(arr, ""), False))
    return _from_arrow(arr, s.index), pd.Series(False, index=s.index)


def clean_money(s: pd.Series) -> Cleaned:
    """Yuan text → exact integer fen (Int64); see `_money`."""
    return _per_distinct(s, _money)


def _money(s: pd.Series) -> Cleaned:
    """Yuan text → exact integer fen (Int64).

    The text is validated as a plain decimal first; a validated value with at most two
    decimals converts exactly through float (|fen| < 2**52), so no Decimal per cell is
    needed. A value with more decimals is accepted only if it is a whole number of fen
    within float noise (Excel's 29.849999999999998), else it is unreadable.
    """
    arr = pc.utf8_trim(_arrow(s), characters=GUARD_CHARACTERS)
    words = pc.is_in(arr, value_set=_NO_AMOUNT_SET)
    arr = pc.replace_substring_regex(arr, r"[¥￥元,，\s]", "")
    null = _np_mask(_null_mask(arr)) | _np_mask(words)
    numeric = pc.match_substring_regex(arr, r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
    two_places = pc.match_substring_regex(arr, r"^[+-]?[0-9]*(\.[0-9]{0,2})?$")
    numeric_np = numeric.to_numpy(zero_copy_only=False).astype(bool)
    as_float = pc.cast(pc.if_else(numeric, arr, pa.scalar(None, arr.type)), pa.float64())
    two = two_places.to_numpy(zero_copy_only=False).astype(bool)
    with np.errstate(invalid="ignore", over="ignore"):  # a 400-digit "amount" is inf
        scaled = as_float.to_numpy(zero_copy_only=False) * 100.0
        rounded = np.round(scaled)
        # More than two decimals: only float noise from Excel (29.849999999999998) is accepted.
        noise = np.abs(scaled - rounded) <= 1e-9 * np.maximum(1.0, np.abs(scaled))
        # Below 2**53 fen (90 trillion yuan): exact as a float, and never inf.
        ok = numeric_np & (two | noise) & (rounded >= 0) & (rounded < 2.0**53) & ~null
    bad = ~null & ~ok
    values = pd.array(np.where(ok, rounded, 0).astype("int64"), dtype="Int64")
    values[~ok] = pd.NA
    return pd.Series(values, index=s.index), pd.Series(bad, index=s.index)


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


def clean_number(s: pd.Series) -> Cleaned:
    return _per_distinct(s, _number)


def _number(s: pd.Series) -> Cleaned:
    s = strip_guard(s)
    null = _is_null(s)
    values = pd.to_numeric(s.mask(null), errors="coerce").astype("Float64")
    return values, values.isna() & ~null


def clean_int(s: pd.Series) -> Cleaned:
    return _per_distinct(s, _int)


def _int(s: pd.Series) -> Cleaned:
    values, bad = _number(s)
    whole = values.isna() | (values == values.round())
    return values.where(whole).round().astype("Int64"), bad | ~whole


def clean_flag(s: pd.Series, colours: dict[str, int] | None = None) -> Cleaned:
    """旗帜: a code (1) or a colour word (红, 红旗, 红色 …; `colours` maps the words)."""
    return _per_distinct(s, lambda values: _flag(values, colours or {}))


def _flag(s: pd.Series, colours: dict[str, int]) -> Cleaned:
    plain = strip_guard(s)
    words = plain.map(lambda v: colours.get(normalize_word(v)) if isinstance(v, str) else None)
    values, bad = _int(plain.mask(words.notna()))
    found = pd.array([None if pd.isna(w) else int(w) for w in words], dtype="Int64")
    values = values.where(words.isna(), pd.Series(found, index=s.index))
    return values.astype("Int64"), bad & words.isna()


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


CLEANERS: dict[FieldType, Callable[[pd.Series], Cleaned]] = {
    FieldType.ORDER_ID: clean_order_id,
    FieldType.ID: clean_id,
    FieldType.TEXT: clean_text,
    FieldType.MONEY: clean_money,
    FieldType.DATETIME: clean_datetime,
    FieldType.DATE: clean_date,
    FieldType.NUMBER: clean_number,
    FieldType.INT: clean_int,
    FieldType.FLAG: clean_flag,
}


def _problem_message(field: Field, raw: pd.Series, bad: pd.Series, count: int) -> str:
    if field.type is FieldType.ORDER_ID:
        sci = raw[bad].str.contains("E+", regex=False, na=False) | raw[bad].str.contains(
            "e+", regex=False, na=False
        )
        if sci.any():
            return (
                f"{count} order IDs are in scientific notation like 4.01E+18: Excel rounded "
                "them and the digits are lost; export the orders again and do not open and "
                "save the file in Excel (or format the column as text first)"
            )
        return f"{count} rows have no order ID"
    if field.type is FieldType.MONEY:
        return f"{count} rows could not be read as an amount (or the amount is negative)"
    if field.type in (FieldType.DATETIME, FieldType.DATE, FieldType.HALF_DAY):
        return f"{count} rows could not be read as a date"
    if field.type is FieldType.FLAG:
        return f"{count} rows could not be read as a flag"
    if field.type is FieldType.PUNCH:
        return f"{count} rows could not be read as a clock time"
    if not field.nullable:
        return f"{count} rows are empty"
    return f"{count} rows could not be read"


def _problem(
    src: SourceFile, header: str, rows: pd.Series, bad: pd.Series, samples: pd.Series, **kw: str
) -> Problem:
    return Problem(
        file=src.display,
        column=header,
        rows=rows[bad].head(10).tolist(),
        samples=samples[bad].head(3).fillna("").tolist(),
        count=int(bad.sum()),
        **kw,  # type: ignore[arg-type]
    )


def clean_columns(
    src: SourceFile,
    schema: Schema,
    raw: RawColumns,
    now: pd.Timestamp | None = None,
    flag_colours: dict[str, int] | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed canonical frame of one file (with `_file` and `_row`) and its problems.

    `now` is the run's clock (default: this machine's): events later than it (plus
    FUTURE_MARGIN) in the PAST_FIELDS are problems. `flag_colours`: colour word → 旗帜
    code. A half-day field `start` also gives `start_half` (am / pm / NA).
    """
    problems = list(raw.problems)
    rows = pd.Series(raw.row_numbers.to_numpy(zero_copy_only=False), dtype="int64")
    texts: dict[str, pd.Series] = {}
    frame: dict[str, pd.Series] = {}
    halves: dict[str, pd.Series] = {}
    mapping = src.match.mapping if src.match else {}
    limit = (pd.Timestamp.now() if now is None else now) + FUTURE_MARGIN

    def clean(name: str) -> tuple[pd.Series, list[Problem]]:
        field = schema.field(name)
        text = pd.Series(raw.columns[name].to_pandas().array, index=rows.index)
        texts[name] = text
        found: list[Problem] = []
        header = src.headers[mapping[name]] if name in mapping else name
        if field.type is FieldType.PUNCH:
            day = frame.get("date", pd.Series(pd.NaT, index=rows.index, dtype="datetime64[us]"))
            values, bad = clean_punch(text, day)
        elif field.type is FieldType.FLAG:
            values, bad = clean_flag(text, flag_colours)
        elif field.type is FieldType.HALF_DAY:
            values, bad, halves[name] = clean_half_day(text)
        elif field.type is FieldType.DURATION:
            values, bad = clean_duration(text, header)
        else:
            values, bad = CLEANERS[field.type](text)
            if field.type is FieldType.ORDER_ID and field.nullable:
                bad = bad & values.notna()  # an empty ERP number is no problem
        if not field.nullable:
            bad = bad | values.isna()
        if bad.any() and field.type in (FieldType.DATE, FieldType.DATETIME, FieldType.HALF_DAY):
            early_late = out_of_range_dates(text[bad]).reindex(text.index, fill_value=False)
            if early_late.any():
                found.append(
                    _problem(
                        src,
                        header,
                        rows,
                        early_late,
                        text,
                        message=f"{int(early_late.sum())} rows have a date before "
                        f"{MIN_YEAR} or after {MAX_YEAR}",
                        expected="a date of the shop's records; check the year",
                    )
                )
                bad = bad & ~early_late
        if name in PAST_FIELDS.get(schema.kind, ()) and len(values):
            future = (values > limit).fillna(False)
            if future.any():
                found.append(
                    _problem(
                        src,
                        header,
                        rows,
                        future,
                        text,
                        message=f"{int(future.sum())} rows are dated in the future (after "
                        f"{limit:%Y-%m-%d %H:%M}, a day past the time of this run)",
                        expected="a time that has already happened; check the year",
                    )
                )
        if bad.any():
            count = int(bad.sum())
            found.append(
                Problem(
                    file=src.display,
                    column=header,
                    message=_problem_message(field, text, bad, count),
                    rows=rows[bad].head(10).tolist(),
                    samples=text[bad].head(3).fillna("").tolist(),
                    count=count,
                    expected=EXPECTED[field.type] if field.type is not FieldType.TEXT else None,
                )
            )
        return values, found

    # Dates first: punch columns are combined with the row's date.
    punch = [n for n in raw.columns if schema.field(n).type is FieldType.PUNCH]
    plain = [n for n in raw.columns if n not in punch]
    for group in (plain, punch):
        for name, (values, found) in zip(group, map(clean, group), strict=True):
            frame[schema.field(name).column] = values
            problems.extend(found)
    for name in raw.columns:  # in field order
        half = halves.get(name)
        if half is not None and half.notna().any():
            frame[f"{name}_half"] = half
    problems.extend(_punch_order(src, frame, texts, rows))
    problems.extend(_no_identity(src, schema, frame, rows))
    df = pd.DataFrame(frame, index=rows.index)
    df["_file"] = pd.Series(src.display, index=rows.index, dtype="category")
    df["_row"] = rows
    return df, problems


def _punch_order(
    src: SourceFile, frame: dict[str, pd.Series], texts: dict[str, pd.Series], rows: pd.Series
) -> list[Problem]:
    """A clock-out before the clock-in of the same row is a mistyped punch (a punch after
    midnight is written `次日 01:10`): the late and early-leave minutes would be nonsense."""
    if "clock_in" not in frame or "clock_out" not in frame:
        return []
    clock_in, clock_out = frame["clock_in"], frame["clock_out"]
    reversed_ = (clock_out < clock_in).fillna(False).astype(bool)
    if not reversed_.any():
        return []
    mapping = src.match.mapping if src.match else {}
    in_header = src.headers[mapping["clock_in"]] if "clock_in" in mapping else "clock_in"
    out_header = src.headers[mapping["clock_out"]] if "clock_out" in mapping else "clock_out"
    shown = texts["clock_in"].fillna("") + " → " + texts["clock_out"].fillna("")
    return [
        _problem(
            src,
            out_header,
            rows,
            reversed_,
            shown,
            message=f"{int(reversed_.sum())} rows have the clock-out before the clock-in "
            f"({in_header})",
            expected="a clock-out after the clock-in; a punch after midnight is written 次日 01:10",
        )
    ]


def _no_identity(
    src: SourceFile, schema: Schema, frame: dict[str, pd.Series], rows: pd.Series
) -> list[Problem]:
    """Rows that name nobody: every identity column (工号, 姓名) of the file is empty."""
    present = [n for n in schema.identity if n in frame]
    if not present or len(rows) == 0:
        return []
    nobody = pd.concat([frame[n].isna() for n in present], axis=1).all(axis=1)
    if not nobody.any():
        return []
    headers = " / ".join(src.header_of(n) for n in present)
    return [
        _problem(
            src,
            headers,
            rows,
            nobody,
            pd.Series("", index=rows.index),
            message=f"{int(nobody.sum())} rows name nobody (no {headers})",
            expected="the staff member's 工号 or 姓名 on every row",
        )
    ]


def empty_frame(schema: Schema, fields: list[str]) -> pd.DataFrame:
    """A zero-row frame with the cleaned columns of `fields`, for kinds absent from the data."""
    raw = RawColumns({n: pa.array([], pa.string()) for n in fields}, pa.array([], pa.int64()))
    src = SourceFile(path=None, display="", format="csv", size=0)  # type: ignore[arg-type]
    return clean_columns(src, schema, raw)[0]
