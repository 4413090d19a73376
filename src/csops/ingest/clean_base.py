"""The shared parts of the cleaners: null words, Excel's guards, pyarrow kernels on text."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

NULL_WORDS = ["", "-", "--", "—", "——", "null", "NULL", "None", "none", "nan", "NaN", "#N/A", "N/A"]

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
