"""The cleaners of IDs, text, amounts (yuan → fen), numbers and flags."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from csops.ingest.clean_base import (
    GUARD_CHARACTERS,
    WHITESPACE,
    Cleaned,
    _arrow,
    _from_arrow,
    _guard,
    _is_null,
    _np_mask,
    _null_mask,
    _on_subset,
    _per_distinct,
    _with_nulls,
    strip_guard,
)
from csops.rules.base import normalize_word

# Words an export writes in an amount cell for "nothing" (千牛's 子订单 sheet: 无退款申请).
NO_AMOUNT_WORDS = ["无退款申请", "无退款", "无", "没有申请退款"]
_NO_AMOUNT_SET = pa.array(NO_AMOUNT_WORDS, pa.large_string())


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
    = + - @ tab or CR to keep a spreadsheet from running it is taken off again, and a
    `="digits"` is its digits, so a CSV written by csops reads back as the text it was
    written from."""
    arr = pc.utf8_trim(_arrow(s), characters=WHITESPACE)
    arr = _on_subset(
        arr,
        pc.starts_with(arr, "'"),
        lambda sub: pc.utf8_trim(
            pc.replace_substring_regex(sub, r"^'([=+\-@\t\r])", r"\1"), characters=WHITESPACE
        ),
        arr,
    )
    # A digit string in Excel's text formula (`="4017416467503361010"`, as csops and
    # Taobao write long IDs in a CSV) is the digits.
    arr = _on_subset(
        arr,
        pc.starts_with(arr, '="'),
        lambda sub: pc.replace_substring_regex(sub, r'^="([0-9]+)"$', r"\1"),
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
