"""Who an order memo (订单备注/商家备注) names: roster 工号 as whole tokens, or nicknames.

Seed 003: after a sale the staff member writes their 工号 in the memo. A memo holds other
text too (`客服1003 赠品袜子`, `1003/已核对`, `顺丰 SF1234567890`), so a 工号 counts only as a
whole token: `1003` is found in `客服1003 赠品袜子` but not in `10035` or in an order
number. Roster nicknames (`小美` from `店铺名:小美`) and names are found as substrings when
they are at least two characters long. Each distinct memo text is examined once. A
nickname of an account handed over (two roster rows, one after the other) names whoever
held it when the order was paid (`match(memos, at=paid_at)`).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from csops.domain.roster import Roster, nickname

# A masked run of stars (138****1003, ****7393) belongs to its token: it is no 工号 1003.
# A single `*` still separates (1003*2: 1003, two items).
_TOKEN = re.compile(r"(?:\*{3,})?[0-9A-Za-z]+(?:\*{3,}[0-9A-Za-z]+)*")


def memo_matcher(roster: Roster, unknown_id_digits: int = 4) -> MemoMatcher:
    return MemoMatcher(roster, unknown_id_digits)


class MemoMatcher:
    def __init__(self, roster: Roster, unknown_id_digits: int = 4) -> None:
        staff = roster.staff
        self.ids = {str(s) for s in staff["staff_id"].dropna()}
        names: dict[str, set[str]] = {}
        for staff_id, name in zip(staff["staff_id"], staff["name"], strict=True):
            if isinstance(name, str) and len(name.strip()) >= 2:
                names.setdefault(name.strip(), set()).add(staff_id)
        for key, staff_id in zip(roster.accounts["key"], roster.accounts["staff_id"], strict=True):
            nick = nickname(key)
            if len(nick) >= 2:
                names.setdefault(nick, set()).add(staff_id)
        # A name two staff share identifies nobody, unless it is an account handed over:
        # then it names whoever held it at the time (`held`).
        self.roster = roster
        self.held = {key for key in roster.handovers if len(key) >= 2 and nickname(key) == key}
        self.names = {
            n: next(iter(s)) for n, s in names.items() if len(s) == 1 and n not in self.held
        }
        wanted = sorted([*self.names, *self.held], key=len, reverse=True)
        self._names_re = re.compile("|".join(re.escape(n) for n in wanted)) if wanted else None
        self.unknown_re = re.compile(rf"^[0-9]{{{unknown_id_digits}}}$")

    def examine(self, memo: str) -> tuple[list[str], list[str]]:
        """(staff ids named, unknown ID-like tokens) of one memo text."""
        found, unknown, _held = self._examine(memo)
        return found, unknown

    def _examine(self, memo: str) -> tuple[list[str], list[str], list[str]]:
        """(staff ids named, unknown ID-like tokens, handed-over nicknames named)."""
        found: list[str] = []
        unknown: list[str] = []
        held: list[str] = []
        for token in _TOKEN.findall(memo):
            if token in self.ids:
                if token not in found:
                    found.append(token)
            elif self.unknown_re.match(token):
                unknown.append(token)
        if self._names_re is not None:
            for hit in self._names_re.findall(memo):
                if hit in self.held:
                    held.append(hit)
                    continue
                staff_id = self.names[hit]
                if staff_id not in found:
                    found.append(staff_id)
        return found, unknown, held

    def match(self, memos: pd.Series, at: pd.Series | None = None) -> pd.DataFrame:
        """Per memo: `staff_id` (exactly one named, else NA), `candidates` (all named, as a
        space-separated string, NA when none) and `unknown_ids` (NA when none). `at`: the
        time of each row (an order's payment), for the nicknames of accounts handed over."""
        codes, uniques = pd.factorize(memos, use_na_sentinel=True)
        staff: list[str | None] = []
        candidates: list[str | None] = []
        unknown: list[str | None] = []
        held_of: dict[int, tuple[list[str], list[str]]] = {}
        for i, memo in enumerate(uniques):
            found, bad, held = self._examine(str(memo))
            if held:
                held_of[i] = (found, held)
            staff.append(found[0] if len(found) == 1 else None)
            candidates.append(" ".join(found) if found else None)
            unknown.append(" ".join(bad) if bad else None)
        table = pd.DataFrame(
            {
                "staff_id": pd.Series([*staff, None], dtype="str"),
                "candidates": pd.Series([*candidates, None], dtype="str"),
                "unknown_ids": pd.Series([*unknown, None], dtype="str"),
            }
        )
        # code -1 (no memo) picks the all-NA last row.
        picked = table.iloc[codes]
        picked.index = memos.index
        if held_of and at is not None:
            picked = picked.copy()
            for pos in np.flatnonzero(np.isin(codes, list(held_of))).tolist():
                found, held = held_of[int(codes[pos])]
                named = list(found)
                for name in held:
                    holder = self.roster.holder_at(name, at.iloc[pos])
                    if holder is not None and holder not in named:
                        named.append(holder)
                picked.iloc[pos, 0] = named[0] if len(named) == 1 else None
                picked.iloc[pos, 1] = " ".join(named) if named else None
        return picked
