"""Chat messages in one shape, whatever tool exported them.

Exports give either an account, a buyer and a direction (买家/客服, buyer/staff, 0/1 —
the words are in `rules/values.yaml`), or a sender and a receiver, in which case the side
that is a roster account is the staff. `normalize_messages` returns one row per message:
`account`, `staff_id` (NA for an account on no roster row), `buyer`, `time`,
`from_buyer` (bool), plus `_file` and `_row`; sorted by account, buyer, time.
"""

from __future__ import annotations

import pandas as pd

from csops.errors import Problem, raise_problems
from csops.roster import Roster
from csops.rules.vocab import ChatDirection


def _direction(frame: pd.DataFrame, words: ChatDirection) -> pd.Series:
    value = frame["direction"].astype("str").str.strip().str.lower()
    buyer = value.isin([w.lower() for w in words.buyer])
    staff = value.isin([w.lower() for w in words.staff])
    unknown = ~buyer & ~staff
    if unknown.any():
        bad = frame[unknown]
        raise_problems(
            [
                Problem(
                    file=", ".join(sorted(set(bad["_file"].astype(str)))),
                    column="发送方",
                    message=f"{int(unknown.sum())} messages have a direction that is neither "
                    "buyer nor staff",
                    rows=bad["_row"].head(10).tolist(),
                    samples=bad["direction"].astype(str).head(3).tolist(),
                    count=int(unknown.sum()),
                    expected=f"one of {', '.join(words.buyer[:3])} (buyer) or "
                    f"{', '.join(words.staff[:3])} (staff); other words go in rules/values.yaml",
                )
            ]
        )
    return buyer


def normalize_messages(frame: pd.DataFrame, roster: Roster, words: ChatDirection) -> pd.DataFrame:
    if "direction" in frame and "account" in frame and "buyer" in frame:
        from_buyer = _direction(frame, words)
        account, buyer = frame["account"], frame["buyer"]
    else:
        sender_staff = roster.staff_for_accounts(frame["sender"]).notna()
        receiver_staff = roster.staff_for_accounts(frame["receiver"]).notna()
        neither = ~sender_staff & ~receiver_staff
        if neither.any():
            bad = frame[neither]
            raise_problems(
                [
                    Problem(
                        file=", ".join(sorted(set(bad["_file"].astype(str)))),
                        column="发送人/接收人",
                        message=f"{int(neither.sum())} messages have neither a sender nor a "
                        "receiver that is a roster account, so the staff side is unknown",
                        rows=bad["_row"].head(10).tolist(),
                        samples=bad["sender"].astype(str).head(3).tolist(),
                        count=int(neither.sum()),
                        expected="the staff member's account in the roster's 旺旺子账号 column",
                    )
                ]
            )
        from_buyer = ~sender_staff
        account = frame["sender"].where(sender_staff, frame["receiver"])
        buyer = frame["receiver"].where(sender_staff, frame["sender"])
    out = pd.DataFrame(
        {
            "account": account.astype("str"),
            "buyer": buyer.astype("str"),
            "time": frame["time"],
            "from_buyer": from_buyer.astype(bool),
            "_file": frame["_file"],
            "_row": frame["_row"],
        }
    )
    out["staff_id"] = roster.staff_for_accounts(out["account"])
    return out.sort_values(["account", "buyer", "time"], kind="stable").reset_index(drop=True)
