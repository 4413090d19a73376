"""Turn text columns into typed canonical columns, collecting unreadable values as problems.

Every function takes the raw text Series and returns the typed Series plus a boolean
mask of the cells that could not be read; `clean_columns` turns masks into `Problem`s
that name the file, the export's own header, row numbers and the values found.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from csops.errors import Problem
from csops.ingest.read import RawColumns, SourceFile
from csops.ingest.schemas import Field, FieldType, Schema

# Fields that record something that has already happened when a report is made: a value
# later than the run's clock + FUTURE_MARGIN is a typo or a broken export (a year 2062 for
# 2026). Planned things may lie ahead and are not checked: leave approvals, the schedule,
# hire and leave dates, promised ship times, the attendance day itself (a DingTalk export
# of the whole month lists days to come, with no punches).
PAST_FIELDS: dict[str, tuple[str, ...]] = {
    "orders": ("created_at", "paid_at", "shipped_at", "confirmed_at"),
    "attendance": ("clock_in", "clock_out"),
    "chats": ("time",),
    "incidents": ("date",),
    "qa": ("date",),
}
# Export time stamps are the shop's local time and the machine running csops may keep
# another zone (UTC is 8 h behind Beijing): a day of slack.
FUTURE_MARGIN = pd.Timedelta(days=1)

NULL_WORDS = ["", "-", "--", "—", "——", "null", "NULL", "None", "none", "nan", "NaN", "#N/A", "N/A"]
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
}

Cleaned = tuple[pd.Series, pd.Series]  # values, unreadable-mask


def _is_null(s: pd.Series) -> pd.Series:
    return s.isna() | s.isin(NULL_WORDS)


# pandas' regex `.str.replace` on its default string dtype runs a Python function per cell
# (18 s for 8 calls on a million rows); pyarrow's RE2 kernels do the same in milliseconds.
def _arrow(s: pd.Series) -> pa.Array:
    return pa.array(s, type=pa.large_string(), from_pandas=True)


def _from_arrow(arr: pa.Array, index: pd.Index) -> pd.Series:
    # `.array`: a Series built from a Series with another index would re-align by label.
    return pd.Series(arr.to_pandas().array, index=index, dtype="str")


def re_sub(s: pd.Series, pattern: str, repl: str) -> pd.Series:
    """`re.sub` over a text Series with pyarrow (RE2 syntax; `\\1` back-references)."""
    return _from_arrow(pc.replace_substring_regex(_arrow(s), pattern, repl), s.index)


GUARD_CHARACTERS = "=\"'\t\r\n \u3000"


def strip_guard(s: pd.Series) -> pd.Series:
    """Remove Excel's text guards around IDs, amounts and dates: `="…"`, a leading `'`,
    tabs and spaces (ordinary and full-width)."""
    return _from_arrow(pc.utf8_trim(_arrow(s), characters=GUARD_CHARACTERS), s.index)


def clean_order_id(s: pd.Series) -> Cleaned:
    s = strip_guard(s)
    null = _is_null(s)
    scientific = s.str.fullmatch(r"[0-9](\.[0-9]+)?[eE][+]?[0-9]+", na=False)
    return s.mask(null), scientific | null


def clean_id(s: pd.Series) -> Cleaned:
    s = re_sub(strip_guard(s), r"^([0-9]+)\.0+$", r"\1")
    return s.mask(_is_null(s)), pd.Series(False, index=s.index)


def clean_text(s: pd.Series) -> Cleaned:
    """Trimmed text; the `'` that csops (and OWASP-minded tools) put before a leading
    = + - @ tab or CR to keep a spreadsheet from running it is taken off again, so a CSV
    written by csops reads back as the text it was written from."""
    trimmed = pc.utf8_trim_whitespace(_arrow(s))
    unquoted = pc.replace_substring_regex(trimmed, r"^'([=+\-@\t\r])", r"\1")
    s = _from_arrow(pc.utf8_trim_whitespace(unquoted), s.index)
    return s.mask(s.isna() | (s == "")), pd.Series(False, index=s.index)


def clean_money(s: pd.Series) -> Cleaned:
    """Yuan text → exact integer fen (Int64).

    The text is validated as a plain decimal first; a validated value with at most two
    decimals converts exactly through float (|fen| < 2**52), so no Decimal per cell is
    needed. A value with more decimals is accepted only if it is a whole number of fen
    within float noise (Excel's 29.849999999999998), else it is unreadable.
    """
    arr = pc.utf8_trim(_arrow(s), characters=GUARD_CHARACTERS)
    arr = pc.replace_substring_regex(arr, r"[¥￥元,，\s]", "")
    null = _is_null(_from_arrow(arr, s.index)).to_numpy(dtype=bool)
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


def _iso_fast_path(s: pd.Series, null: pd.Series) -> pd.Series | None:
    """Arrow's C++ ISO-8601 cast, strict about impossible dates (2026-02-30) and 25:00,
    10× faster than pandas; None when any value is in another form."""
    arr = pc.if_else(
        pa.array(null.to_numpy(dtype=bool)), pa.scalar(None, pa.large_string()), _arrow(s)
    )
    try:
        parsed = pc.cast(arr, pa.timestamp("s"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return pd.Series(parsed.to_pandas().array, index=s.index).astype("datetime64[us]")


def parse_datetime_text(s: pd.Series) -> Cleaned:
    """Text in any of the forms shops export → datetime64; mask of the unreadable ones.

    Forms: 2026-05-23 22:02:00, 2026/5/23 22:02, 2026年5月23日, 26-10-08 星期四
    (DingTalk), an Excel serial number such as 46299.5.
    """
    s = strip_guard(s)
    null = _is_null(s)
    result = _iso_fast_path(s, null)
    if result is None:
        result = pd.to_datetime(s.mask(null), format=_DATETIME_FORMATS[0], errors="coerce")
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
    s = strip_guard(s)
    null = _is_null(s)
    values = pd.to_numeric(s.mask(null), errors="coerce").astype("Float64")
    return values, values.isna() & ~null


def clean_int(s: pd.Series) -> Cleaned:
    values, bad = clean_number(s)
    whole = values.isna() | (values == values.round())
    return values.where(whole).round().astype("Int64"), bad | ~whole


CLEANERS: dict[FieldType, Callable[[pd.Series], Cleaned]] = {
    FieldType.ORDER_ID: clean_order_id,
    FieldType.ID: clean_id,
    FieldType.TEXT: clean_text,
    FieldType.MONEY: clean_money,
    FieldType.DATETIME: clean_datetime,
    FieldType.DATE: clean_date,
    FieldType.NUMBER: clean_number,
    FieldType.INT: clean_int,
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
    if field.type in (FieldType.DATETIME, FieldType.DATE):
        return f"{count} rows could not be read as a date"
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
    src: SourceFile, schema: Schema, raw: RawColumns, now: pd.Timestamp | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed canonical frame of one file (with `_file` and `_row`) and its problems.

    `now` is the run's clock (default: this machine's): events later than it (plus
    FUTURE_MARGIN) in the PAST_FIELDS are problems.
    """
    problems = list(raw.problems)
    rows = pd.Series(raw.row_numbers.to_numpy(zero_copy_only=False), dtype="int64")
    texts = {
        name: pd.Series(arr.to_pandas().array, index=rows.index)
        for name, arr in raw.columns.items()
    }
    frame: dict[str, pd.Series] = {}
    mapping = src.match.mapping if src.match else {}
    # Dates first: punch columns are combined with the row's date.
    ordered = sorted(texts, key=lambda n: schema.field(n).type is FieldType.PUNCH)
    for name in ordered:
        field = schema.field(name)
        text = texts[name]
        if field.type is FieldType.PUNCH:
            day = frame.get("date", pd.Series(pd.NaT, index=rows.index, dtype="datetime64[us]"))
            values, bad = clean_punch(text, day)
        else:
            values, bad = CLEANERS[field.type](text)
        if not field.nullable:
            bad = bad | values.isna()
        frame[field.column] = values
        header = src.headers[mapping[name]] if name in mapping else name
        if bad.any() and field.type in (FieldType.DATE, FieldType.DATETIME):
            early_late = out_of_range_dates(text[bad]).reindex(text.index, fill_value=False)
            if early_late.any():
                problems.append(
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
            limit = (pd.Timestamp.now() if now is None else now) + FUTURE_MARGIN
            future = (values > limit).fillna(False)
            if future.any():
                problems.append(
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
            problems.append(
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
    problems.extend(_punch_order(src, frame, texts, rows))
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


def empty_frame(schema: Schema, fields: list[str]) -> pd.DataFrame:
    """A zero-row frame with the cleaned columns of `fields`, for kinds absent from the data."""
    raw = RawColumns({n: pa.array([], pa.string()) for n in fields}, pa.array([], pa.int64()))
    src = SourceFile(path=None, display="", format="csv", size=0)  # type: ignore[arg-type]
    return clean_columns(src, schema, raw)[0]
