"""Wait arithmetic over the chat log (clock starts, tick units) and the wait log's evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from csops.rules.base import ServiceHours

NS = 1_000_000_000
DAY_S = 86_400


@dataclass
class WaitLog:
    """Every wait started in the month with what its evidence needs: the chat-log rows and
    the staff rows its `key` refers to."""

    waits: pd.DataFrame  # one row per wait started in the month, by start
    staff: pd.DataFrame  # row `key` of the waits: staff_id, name (or the unknown account)
    messages: pd.DataFrame = field(repr=False)

    def wait_rows(self, picked: pd.DataFrame, *, text: bool = True) -> pd.DataFrame:
        """Some rows of `waits` with their chat-log evidence: account, buyer, when the wait
        started, when its clock started, the reply, and the file and row of both. With
        `text=False` account, buyer and files keep the log's categorical type (millions of
        waits: one string per distinct value, not per wait)."""
        msgs = self.messages
        start, end = picked["start"].to_numpy(), picked["end"].to_numpy()
        answered = end >= 0
        safe_end = np.where(answered, end, 0)

        def at(column: str, index: np.ndarray) -> pd.Series:
            # The array's own take: no 10M-row column turned into an array, and no index
            # taken beside it (millions of waits: a second per run, measured).
            return pd.Series(msgs[column].array.take(index), index=picked.index, copy=False)

        def label(column: str, index: np.ndarray) -> pd.Series:
            return at(column, index).astype(str) if text else at(column, index)

        return pd.DataFrame(
            {
                "account": label("account", start),
                "buyer": label("buyer", start),
                "wait_start": at("time", start),
                "clock_start": picked["clock_start"],
                "reply_at": at("time", safe_end).where(answered),
                "response_s": picked["response_s"],
                "wait_messages": picked["buyer_messages"],
                "start_file": label("_file", start),
                "start_row": at("_row", start),
                "reply_file": label("_file", safe_end).where(answered),
                "reply_row": at("_row", safe_end).astype("Int64").where(answered),
            },
            copy=False,  # every column is new here
        ).reset_index(drop=True)


def _shift_flags(values: np.ndarray, first: bool) -> np.ndarray:
    """values[i-1] at i, `first` at 0."""
    out = np.empty(len(values), dtype=bool)
    if len(values):
        out[0] = first
        out[1:] = values[:-1]
    return out


def _clock_start(times: np.ndarray, hours: ServiceHours, second: int = NS) -> np.ndarray:
    """When the clock of a wait starting at `times` (`second` ticks a second) starts: the
    time itself inside service hours, else the next opening (later that day or the next
    day)."""
    a_day = DAY_S * second
    opens = (hours.open.hour * 3600 + hours.open.minute * 60) * second
    closes = (hours.close.hour * 3600 + hours.close.minute * 60) * second or a_day
    tod = times % a_day
    out = times.copy()  # most waits start in service hours: only the others are changed
    early = tod < opens
    out[early] += opens - tod[early]
    late = tod >= closes
    out[late] += a_day + opens - tod[late]
    return out


_TICKS = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": NS}


def _ticks(values: pd.Series) -> tuple[np.ndarray, int]:
    """The datetimes in their own unit (no 10M-row conversion), and its ticks a second."""
    times = values.to_numpy()
    if times.dtype.kind != "M" or np.datetime_data(times.dtype)[0] not in _TICKS:
        times = values.to_numpy(dtype="datetime64[ns]")
    return times, _TICKS[np.datetime_data(times.dtype)[0]]


def _position_type(n: int) -> type[np.signedinteger[Any]]:
    """int32 for numbers up to `n` when they fit: half the memory of int64 for 10M rows,
    and each new 80 MB array costs the kernel a fresh 80 MB to zero."""
    return np.int32 if n <= np.iinfo(np.int32).max else np.int64


def _narrow_cumsum(flags: np.ndarray) -> np.ndarray:
    """`np.cumsum(flags)` in `_position_type`."""
    return np.cumsum(flags, dtype=_position_type(len(flags)))
