"""Turn text columns into typed canonical columns, collecting unreadable values as problems.

Every cleaner (`clean_values`: IDs, text, amounts, numbers, flags; `clean_times`: dates,
times, punches, half-days, durations) takes the raw text Series and returns the typed
Series plus a boolean mask of the cells that could not be read; `clean_columns` turns
masks into `Problem`s that name the file, the export's own header, row numbers and the
values found.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pyarrow as pa

from csops.errors import Problem
from csops.ingest.clean_base import Cleaned
from csops.ingest.clean_times import (
    MAX_YEAR,
    MIN_YEAR,
    clean_date,
    clean_datetime,
    clean_duration,
    clean_half_day,
    clean_punch,
    out_of_range_dates,
)
from csops.ingest.clean_values import (
    clean_flag,
    clean_id,
    clean_int,
    clean_money,
    clean_number,
    clean_order_id,
    clean_text,
)
from csops.ingest.source import RawColumns, SourceFile
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
