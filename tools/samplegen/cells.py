"""Small helpers that make CSV cells a column at a time, and the buyers' nicks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from tools.samplegen.plan import Month
from tools.samplegen.vocab import DAY, HOUR, LATIN_WORDS, NICK_WORDS

I64 = npt.NDArray[np.int64]
Arr = npt.NDArray[Any]


# ------------------------------------------------------------------ small helpers


def csv_cell(text: str, extra: str = "") -> str:
    """A cell as CSV text: quoted when it holds a comma, a quote, a line break or `extra`."""
    if any(c in text for c in ',"\r\n' + extra):
        return '"' + text.replace('"', '""') + '"'
    return text


def quote_cells(arr: Any, extra: str = "") -> Any:
    """Vectorised `csv_cell` for a pyarrow string array."""
    needs = pc.match_substring_regex(arr, '[,"\r\n' + extra + "]")
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(arr, '"', '""'), '"', "")
    return pc.if_else(needs, quoted, arr)


_CENTS = pa.array([f"{c:02d}" for c in range(100)])


def money_text(fen: I64) -> Any:
    """Integer fen → `128.50`."""
    yuan = pc.cast(pa.array(fen // 100), pa.string())
    return pc.binary_join_element_wise(yuan, pc.take(_CENTS, pa.array(fen % 100)), ".")


def digits_text(values: I64, width: int) -> Any:
    return pc.utf8_lpad(pc.cast(pa.array(values), pa.string()), width=width, padding="0")


def take_vocab(vocab: Sequence[str] | Any, idx: Arr) -> Any:
    table = vocab if isinstance(vocab, pa.Array) else pa.array(list(vocab), pa.string())
    return pc.take(table, pa.array(np.asarray(idx, dtype=np.int64)))


def empty_cells(n: int) -> Any:
    """`n` empty cells."""
    return pc.take(pa.array([""]), pa.array(np.zeros(n, dtype=np.int64)))


def lines_payload(columns: list[Any]) -> bytes:
    """Rows of CSV cells → the bytes of `cell,cell,…\\r\\n` lines (UTF-8)."""
    row = pc.binary_join_element_wise(*columns, ",")
    line = pc.binary_join_element_wise(row, "", "\r\n")
    if not isinstance(line, pa.Array):
        line = pa.array([line.as_py()], pa.string())
    bufs = line.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int32)[line.offset : line.offset + len(line) + 1]
    return bytes(memoryview(bufs[2])[int(offsets[0]) : int(offsets[-1])])


def pick_weighted(
    rng: np.random.Generator, values: Sequence[int], p: Sequence[float], n: int
) -> I64:
    probs = np.asarray(p, dtype=np.float64)
    return np.asarray(rng.choice(np.asarray(values), size=n, p=probs / probs.sum()), np.int64)


def _day_weights(month: Month, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    weekday = np.array([month.day(d).weekday() for d in range(month.days)])
    w = np.where(weekday >= 5, 1.25, 1.0) * rng.uniform(0.85, 1.15, size=month.days)
    return np.asarray(w / w.sum(), dtype=np.float64)


ORDER_HOURS = np.array(
    [2, 1, 0.6, 0.3, 0.2, 0.3, 0.8, 2, 4, 6, 7, 6.5, 5, 5.5, 6, 6, 5.5, 5, 5.5, 6.5, 7.5, 8, 7, 4.5]
)
CHAT_HOURS = np.array(
    [1.2, 0.6, 0.4, 0.2, 0.1, 0.2, 0.5, 1.5, 4, 6, 7, 6.5]
    + [5, 5.5, 6, 6, 5.5, 5, 5.5, 6.5, 7.5, 8, 7, 4]
)


def event_times(
    month: Month, n: int, hours: npt.NDArray[np.float64], rng: np.random.Generator
) -> I64:
    """`n` random moments of the month: busier at weekends and in the evening."""
    day = rng.choice(month.days, size=n, p=_day_weights(month, rng))
    hour = rng.choice(24, size=n, p=hours / hours.sum())
    return np.asarray(day * DAY + hour * HOUR + rng.integers(0, HOUR, size=n), dtype=np.int64)


# ------------------------------------------------------------------ buyers


def buyer_nicks(count: int, rng: np.random.Generator) -> Any:
    """`count` distinct fictional buyer nicks: tb3012345678, 快乐小熊1234, lily_2018."""
    num = (np.arange(count, dtype=np.int64) * 7919 + 1_234_567) % 10_000_000
    family = rng.choice(3, size=count, p=[0.35, 0.5, 0.15])
    tb = pc.binary_join_element_wise(
        "tb", pc.cast(pa.array(3_000_000_000 + num * 293), pa.string()), ""
    )
    words = pc.binary_join_element_wise(
        take_vocab(NICK_WORDS, num % len(NICK_WORDS)),
        pc.cast(pa.array(num // len(NICK_WORDS)), pa.string()),
        "",
    )
    latin = pc.binary_join_element_wise(
        take_vocab(LATIN_WORDS, num % len(LATIN_WORDS)),
        pc.cast(pa.array(num // len(LATIN_WORDS)), pa.string()),
        "_",
    )
    return pc.choose(pa.array(family.astype(np.int8)), tb, words, latin)
