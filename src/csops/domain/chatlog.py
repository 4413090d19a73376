"""Chat messages in one shape, whatever tool exported them.

Exports give either an account, a buyer and a direction (买家/客服, buyer/staff, 0/1 —
the words are in `rules/values.yaml`), or a sender and a receiver, in which case the side
that is a roster account is the staff. `normalize_messages` returns one row per message:
`account`, `staff_id` (NA for an account on no roster row), `buyer`, `time`,
`from_buyer` (bool), plus `_file` and `_row` (and `rating` when the export has one);
sorted by account, buyer code, time (stable: messages of the same second keep file order).

`account`, `buyer` and `staff_id` are categoricals (account and staff_id categories
sorted, buyers in order of first appearance in the log), so their integer codes
(`.cat.codes`) are ready for whole-column numpy work. A log lists a conversation's
messages together: only the first cell of each run of one account and buyer is
factorized, and the runs, not the messages, are sorted (`order_runs`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from csops.domain.roster import Roster
from csops.errors import Problem, raise_problems
from csops.rules.vocab import ChatDirection


def _text(values: pd.Series | pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray | None:
    """The column as Arrow text (its own chunks, no copy), or None when it is not text."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        arr = values
    else:
        try:
            arr = pa.array(values, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return None
    return arr if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type) else None


def run_heads(columns: list[pa.Array | pa.ChunkedArray]) -> np.ndarray:
    """The rows where any of the text columns differs from the row before (and row 0): the
    first rows of the runs of equal cells. A chat log lists a conversation's messages
    together, so 10M messages are a million or two runs."""
    n = len(columns[0])
    change = np.zeros(n, dtype=bool)
    change[:1] = True
    for arr in columns:
        if n > 1:
            same = pc.fill_null(pc.equal(arr.slice(1), arr.slice(0, n - 1)), False)
            change[1:] |= ~np.asarray(same.to_numpy(zero_copy_only=False), dtype=bool)
    return np.flatnonzero(change)


def _factorize(values: pd.Series | pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (NA → -1) and the distinct values in order of first appearance, by
    pyarrow's hash kernel on the column's own chunks (pandas' factorize is 1.5× slower and
    joins the chunks first). Chunks encoded together share one dictionary: the last's."""
    arr = _text(values)
    if arr is None:
        codes, uniques = pd.factorize(pd.Series(values))
        return codes.astype(np.int64), pd.Index(uniques)
    n = len(arr)
    if n == 0:
        return np.empty(0, dtype=np.int64), pd.Index([], dtype="str")
    # Hash only the first cell of each run of equal cells, then repeat its code over the run.
    heads = run_heads([arr])
    encoded = pc.dictionary_encode(arr.take(pa.array(heads)) if len(heads) < n else arr)
    chunks = encoded.chunks if isinstance(encoded, pa.ChunkedArray) else [encoded]
    head_codes = np.concatenate(
        [pc.fill_null(c.indices, -1).to_numpy().astype(np.int64) for c in chunks]
    )
    codes = head_codes if len(heads) == n else np.repeat(head_codes, np.diff(heads, append=n))
    return codes, pd.Index(chunks[-1].dictionary.to_pandas().array, dtype="str")


def positions_in(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Each value's position in `index` (of distinct strings), -1 when absent or NA: a
    pyarrow hash lookup, 4× faster than `Index.get_indexer` on a million buyer nicks."""
    arr = pa.array(values, type=pa.large_string(), from_pandas=True)
    found = pc.index_in(arr, value_set=pa.array(index, type=pa.large_string(), from_pandas=True))
    return np.asarray(pc.fill_null(found, -1).to_numpy(), dtype=np.int64)


def _sorted_codes(values: pd.Series | pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of `values` numbered in sorted order of the distinct values; NA → -1.

    Factorizing unsorted and then ranking the few distinct values is much cheaper than
    `factorize(sort=True)` over 10M strings.
    """
    codes, uniques = _factorize(values)
    try:  # Arrow orders text by its UTF-8 bytes: the order of the code points, as numpy
        order = pc.sort_indices(pa.array(uniques, from_pandas=True)).to_numpy()
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        order = np.argsort(uniques.to_numpy(dtype=object).astype(str), kind="stable")
    rank = np.empty(len(order) + 1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    rank[-1] = -1  # code -1 (NA) indexes the last slot
    return rank[codes], pd.Index(uniques.take(order), dtype="str")


def _radix_digits(values: np.ndarray) -> int:
    top = int(values.max()) if len(values) else 0
    return max(1, -(-top.bit_length() // 16))


def _radix(keys: list[np.ndarray]) -> np.ndarray:
    """Stable order by `keys` (non-negative int64, least significant first), by radix
    passes of 16 bits: numpy's stable argsort of uint16 is a counting sort."""
    order: np.ndarray | None = None
    for key in keys:
        for digit in range(_radix_digits(key)):
            in_order = key if order is None else key[order]
            step = np.argsort(
                ((in_order >> (16 * digit)) & 0xFFFF).astype(np.uint16), kind="stable"
            )
            order = step if order is None else order[step]
    assert order is not None
    return order


@dataclass
class RunOrder:
    """The rows of runs sorted by their key: `order` (row numbers), `runs` (the runs in
    that order) and `lengths` (theirs): `spread(per_run)` gives a run value per row."""

    order: np.ndarray
    runs: np.ndarray
    lengths: np.ndarray

    def spread(self, per_run: np.ndarray) -> np.ndarray:
        return np.repeat(per_run[self.runs], self.lengths)


def order_runs(heads: np.ndarray, major: np.ndarray, minor: np.ndarray) -> RunOrder:
    """`np.lexsort((minor, major_of_row))` where the rows come in runs starting at `heads`
    with the non-negative int64 key `major` each (one per run): the rows by major, then by
    the int64 `minor`, ties in row order.

    Exports list each conversation's messages together and in time order (the whole log
    in time order, or conversation after conversation): then sorting the runs (radix
    passes of 16 bits, stable) and laying out their rows is the answer, which one pass over
    the result confirms. 10M messages in 1.6M runs take 0.2 s; lexsort takes 1.5–4 s.
    """
    n = len(minor)
    lengths = np.diff(heads, append=n)
    runs = _radix([major]) if len(heads) else np.empty(0, dtype=np.intp)
    sizes = lengths[runs]
    if len(heads) == n:
        order = runs.copy()
    else:
        # Row i of the result is row heads[r] + (i - where run r begins in the result).
        begins = np.cumsum(sizes) - sizes
        order = np.repeat(heads[runs] - begins, sizes) + np.arange(n)
    result = RunOrder(order, runs, sizes)
    if n < 2:
        return result
    m, t = result.spread(major), minor[order]
    late = (m[1:] == m[:-1]) & (t[1:] < t[:-1])
    if not late.any():
        return result
    # Some conversations are out of time order (two of one buyer that overlap): sort the
    # rows of those majors again, by time and then row; unless they are many. The majors
    # stay where they are, so `runs` and `lengths` still hold.
    redo = np.isin(m, np.unique(m[1:][late]))
    if 4 * int(redo.sum()) > n:
        result.order = _radix([minor - minor.min(), np.repeat(major, lengths)])
        return result
    at = np.flatnonzero(redo)
    rows = order[at]
    order[at] = rows[np.lexsort((rows, t[at], m[at]))]
    return result


def stable_order(major: np.ndarray, minor: np.ndarray) -> np.ndarray:
    """`np.lexsort((minor, major))` for non-negative int64 `major` and int64 `minor` (one
    each per row): `order_runs` over the runs of equal `major`."""
    heads = np.flatnonzero(changes(major))
    return order_runs(heads, major[heads], minor).order


def _code_type(codes: np.ndarray, categories: pd.Index) -> np.ndarray:
    """`codes` in the integer width pandas keeps for that many categories (casting 10M
    codes inside `Categorical.from_codes` costs a quarter of a second)."""
    for width in (np.int8, np.int16, np.int32):
        if len(categories) < np.iinfo(width).max:
            return codes.astype(width, copy=False)
    return codes.astype(np.int64, copy=False)


def changes(*keys: np.ndarray) -> np.ndarray:
    """True where any key differs from the previous row (and at row 0)."""
    n = len(keys[0])
    out = np.zeros(n, dtype=bool)
    if n:
        out[0] = True
        for key in keys:
            out[1:] |= key[1:] != key[:-1]
    return out


def _spellings(uniques: pd.Index, words: ChatDirection) -> tuple[np.ndarray, np.ndarray]:
    """Which distinct direction cells are a buyer word, which a staff word."""
    spelled = pd.Index(uniques.astype(str)).str.strip().str.lower()
    is_buyer = spelled.isin([w.lower() for w in words.buyer])
    is_staff = spelled.isin([w.lower() for w in words.staff])
    return np.asarray(is_buyer, dtype=bool), np.asarray(is_staff, dtype=bool)


def _direction(frame: pd.DataFrame, words: ChatDirection) -> np.ndarray:
    """True where the buyer wrote; an unknown direction word is an input error."""
    arr = _text(frame["direction"])
    if arr is not None:
        # The few distinct cells, then one hash lookup of the buyer spellings.
        distinct = pc.unique(arr)
        if isinstance(distinct, pa.ChunkedArray):
            distinct = distinct.combine_chunks()
        if distinct.null_count == 0:
            is_buyer, is_staff = _spellings(pd.Index(distinct.to_pylist()), words)
            if (is_buyer | is_staff).all():
                found = pc.is_in(arr, value_set=distinct.filter(pa.array(is_buyer)))
                return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)
    codes, uniques = _factorize(frame["direction"])
    is_buyer, is_staff = _spellings(uniques, words)
    known = np.append(is_buyer | is_staff, False)  # code -1 (empty) is unknown
    unknown = ~known[codes]
    if unknown.any():
        raise_problems(
            [
                Problem.at(
                    frame[unknown],
                    column="发送方",
                    field="direction",
                    message=f"{int(unknown.sum())} messages have a direction that is neither "
                    "buyer nor staff",
                    samples=[str(v) for v in frame["direction"][unknown].head(3)],
                    expected=f"one of {', '.join(words.buyer[:3])} (buyer) or "
                    f"{', '.join(words.staff[:3])} (staff); other words go in rules/values.yaml",
                )
            ]
        )
    return np.append(is_buyer, False)[codes]


def _is_staff_account(values: pd.Series, roster: Roster) -> np.ndarray:
    """Which cells name a roster account (matched once per distinct value)."""
    codes, uniques = _factorize(values)
    found = roster.knows_accounts(pd.Series(uniques, dtype="str"))
    return np.append(found, False)[codes]


def _sender_receiver(
    frame: pd.DataFrame, roster: Roster
) -> tuple[pd.Series, pd.Series, np.ndarray]:
    sender_staff = _is_staff_account(frame["sender"], roster)
    receiver_staff = _is_staff_account(frame["receiver"], roster)
    neither = ~sender_staff & ~receiver_staff
    if neither.any():
        raise_problems(
            [
                Problem.at(
                    frame[neither],
                    column="发送人/接收人",
                    field="sender",
                    message=f"{int(neither.sum())} messages have neither a sender nor a "
                    "receiver that is a roster account, so the staff side is unknown",
                    samples=[str(v) for v in frame["sender"][neither].head(3)],
                    expected="the staff member's account in the roster's 旺旺子账号 column",
                )
            ]
        )
    account = frame["sender"].where(sender_staff, frame["receiver"])
    buyer = frame["receiver"].where(sender_staff, frame["sender"])
    return account, buyer, ~sender_staff


def _factorized_runs(
    account: pd.Series, buyer: pd.Series, n: int
) -> tuple[np.ndarray, tuple[np.ndarray, pd.Index], tuple[np.ndarray, pd.Index]]:
    """The first rows of the runs of one account and buyer, and the codes and distinct
    values of the account and the buyer of each run: only the runs' first cells are
    factorized."""
    account_text, buyer_text = _text(account), _text(buyer)
    firsts: list[pd.Series | pa.Array | pa.ChunkedArray] = [account, buyer]
    heads = np.arange(n)
    if account_text is not None and buyer_text is not None and n:
        runs = run_heads([account_text, buyer_text])
        # A log in time order interleaves conversations: runs are then about as many as
        # the messages, and taking their first cells would only copy the columns.
        if len(runs) <= n // 2:
            heads = runs
            take = pa.array(heads)
            firsts = [account_text.take(take), buyer_text.take(take)]
    accounts, buyers = _sorted_codes(firsts[0]), _factorize(firsts[1])
    return heads, accounts, buyers


def _require_present(
    frame: pd.DataFrame, values: pd.Series, column: str, what: str, field: str
) -> None:
    missing = values.isna().to_numpy()
    if missing.any():
        raise_problems(
            [
                Problem.at(
                    frame[missing],
                    column=column,
                    field=field,
                    message=f"{int(missing.sum())} messages have no {what}",
                    expected=f"the {what} of every message",
                )
            ]
        )


def direction_layout(frame: pd.DataFrame) -> np.ndarray:
    """Which messages come from a log with a direction column (account, buyer, 发送方), as
    opposed to one with a sender and a receiver: by each file's own columns when the
    frame says which files have which (`attrs["headers"]`), else by the cells."""
    n = len(frame)
    has = {c for c in ("account", "buyer", "direction", "sender", "receiver") if c in frame}
    if not {"sender", "receiver"} <= has:
        return np.ones(n, dtype=bool)
    if not {"account", "buyer", "direction"} <= has:
        return np.zeros(n, dtype=bool)
    headers = frame.attrs.get("headers") or {}
    if headers and "_file" in frame:
        files = [f for f, fields in headers.items() if "direction" in fields]
        return np.asarray(frame["_file"].astype("str").isin(files), dtype=bool)
    return np.asarray(frame["direction"].notna(), dtype=bool)


def normalize_messages(frame: pd.DataFrame, roster: Roster, words: ChatDirection) -> pd.DataFrame:
    """One row per message in the shape the chat KPIs use, sorted by account, buyer, time."""
    n = len(frame)
    by_direction = direction_layout(frame)
    if by_direction.all():
        from_buyer = _direction(frame, words)  # an unknown direction word is reported first
        account, buyer = frame["account"], frame["buyer"]
    elif not by_direction.any():
        account, buyer, from_buyer = _sender_receiver(frame, roster)
    else:
        # Two layouts in one log (a 千牛 export beside a 咚咚 one): each file's rows are
        # read in its own layout, then put side by side.
        mine, theirs = frame[by_direction], frame[~by_direction]
        other_account, other_buyer, other_sides = _sender_receiver(theirs, roster)
        sides = np.empty(n, dtype=bool)
        sides[by_direction] = _direction(mine, words)
        sides[~by_direction] = other_sides
        from_buyer = sides
        account = frame["account"].astype("str").copy()
        buyer = frame["buyer"].astype("str").copy()
        account[~by_direction] = other_account.to_numpy()
        buyer[~by_direction] = other_buyer.to_numpy()

    if roster.handovers:
        # An account handed over is, in each message, the account of who held it then.
        account = roster.holders_at(account.astype("str"), frame["time"])
    heads, (account_run, accounts), (buyer_run, buyers) = _factorized_runs(account, buyer, n)
    _require_present(frame, account, "客服账号", "staff account", "account")
    _require_present(frame, buyer, "买家", "buyer", "buyer")
    _require_present(frame, frame["time"], "时间", "time", "time")
    times = frame["time"].to_numpy()
    if times.dtype.kind != "M":
        times = times.astype("datetime64[us]")
    times = times.view(np.int64)  # in the column's own unit: nothing is rounded
    # One sort for everything downstream: account, then buyer, then time (stable). The
    # (account, buyer) pair as one int64 key sorts the same and twice as fast as two keys.
    sorted_runs = order_runs(heads, account_run * max(len(buyers), 1) + buyer_run, times)
    order = sorted_runs.order

    staff_of_account = roster.staff_for_accounts(pd.Series(accounts, dtype="str"))
    staff_codes, staff_ids = _sorted_codes(staff_of_account)
    account_codes = sorted_runs.spread(_code_type(account_run, accounts))

    def categorical(codes: np.ndarray, categories: pd.Index) -> Any:
        # Codes made here, in range and of pandas' width: 10M codes neither checked nor
        # cast (the categories, distinct by construction, are checked by pandas' public
        # constructor: a quarter of a second for a million buyer nicks).
        return pd.Categorical.from_codes(
            _code_type(codes, categories), dtype=pd.CategoricalDtype(categories), validate=False
        )

    out = {
        "account": categorical(account_codes, accounts),
        "staff_id": categorical(staff_codes[account_codes], staff_ids),
        "buyer": categorical(sorted_runs.spread(_code_type(buyer_run, buyers)), buyers),
        "time": frame["time"].array.take(order),
        "from_buyer": from_buyer[order],
        "_file": frame["_file"].array.take(order),
        "_row": frame["_row"].to_numpy()[order],
    }
    if "rating" in frame:
        out["rating"] = frame["rating"].array.take(order)
    return pd.DataFrame(out, copy=False)  # every column is new here
