"""Chat messages in one shape, whatever tool exported them.

Exports give either an account, a buyer and a direction (买家/客服, buyer/staff, 0/1 —
the words are in `rules/values.yaml`), or a sender and a receiver, in which case the side
that is a roster account is the staff. `normalize_messages` returns one row per message:
`account`, `staff_id` (NA for an account on no roster row), `buyer`, `time`,
`from_buyer` (bool), plus `_file` and `_row` (and `rating` when the export has one);
sorted by account, buyer, time (stable: messages of the same second keep file order).

`account`, `buyer` and `staff_id` are categoricals whose categories are sorted, so their
integer codes (`.cat.codes`) are ready for whole-column numpy work: 10M messages are
factorized and sorted once (lexsort of integer codes, never of strings).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from csops.errors import Problem, raise_problems
from csops.roster import Roster
from csops.rules.vocab import ChatDirection


def _sorted_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of `values` numbered in sorted order of the distinct values; NA → -1.

    Factorizing unsorted and then ranking the few distinct values is much cheaper than
    `factorize(sort=True)` over 10M strings.
    """
    codes, uniques = pd.factorize(values)
    order = np.argsort(uniques.to_numpy(dtype=object).astype(str), kind="stable")
    rank = np.empty(len(order) + 1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    rank[-1] = -1  # code -1 (NA) indexes the last slot
    return rank[codes], pd.Index(uniques.take(order), dtype="str")


def _direction(frame: pd.DataFrame, words: ChatDirection) -> np.ndarray:
    """True where the buyer wrote; an unknown direction word is an input error."""
    codes, uniques = pd.factorize(frame["direction"])
    spelled = pd.Index(uniques.astype(str)).str.strip().str.lower()
    is_buyer = spelled.isin([w.lower() for w in words.buyer])
    is_staff = spelled.isin([w.lower() for w in words.staff])
    known = np.append(is_buyer | is_staff, False)  # code -1 (empty) is unknown
    unknown = ~known[codes]
    if unknown.any():
        raise_problems(
            [
                Problem.at(
                    frame[unknown],
                    column="发送方",
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
    codes, uniques = pd.factorize(values)
    found = roster.staff_for_accounts(pd.Series(uniques, dtype="str")).notna().to_numpy()
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


def _require_present(frame: pd.DataFrame, values: pd.Series, column: str, what: str) -> None:
    missing = values.isna().to_numpy()
    if missing.any():
        raise_problems(
            [
                Problem.at(
                    frame[missing],
                    column=column,
                    message=f"{int(missing.sum())} messages have no {what}",
                    expected=f"the {what} of every message",
                )
            ]
        )


def normalize_messages(frame: pd.DataFrame, roster: Roster, words: ChatDirection) -> pd.DataFrame:
    """One row per message in the shape the chat KPIs use, sorted by account, buyer, time."""
    if "direction" in frame and "account" in frame and "buyer" in frame:
        from_buyer = _direction(frame, words)
        account, buyer = frame["account"], frame["buyer"]
        account_header, buyer_header = "客服账号", "买家"
    else:
        account, buyer, from_buyer = _sender_receiver(frame, roster)
        account_header = buyer_header = "发送人/接收人"
    _require_present(frame, account, account_header, "staff account")
    _require_present(frame, buyer, buyer_header, "buyer")
    _require_present(frame, frame["time"], "时间", "time")

    account_codes, accounts = _sorted_codes(account)
    buyer_codes, buyers = _sorted_codes(buyer)
    times = frame["time"].to_numpy()
    # One sort for everything downstream: account, then buyer, then time (stable). The
    # (account, buyer) pair as one int64 key sorts the same and twice as fast as two keys.
    pair = account_codes * max(len(buyers), 1) + buyer_codes
    order = np.lexsort((times, pair))

    staff_of_account = roster.staff_for_accounts(pd.Series(accounts, dtype="str"))
    staff_codes, staff_ids = _sorted_codes(staff_of_account)
    account_codes = account_codes[order]
    out = {
        "account": pd.Categorical.from_codes(account_codes, categories=accounts),
        "staff_id": pd.Categorical.from_codes(staff_codes[account_codes], categories=staff_ids),
        "buyer": pd.Categorical.from_codes(buyer_codes[order], categories=buyers),
        "time": frame["time"].array.take(order),
        "from_buyer": from_buyer[order],
        "_file": frame["_file"].array.take(order),
        "_row": frame["_row"].to_numpy()[order],
    }
    if "rating" in frame:
        out["rating"] = frame["rating"].array.take(order)
    return pd.DataFrame(out)
