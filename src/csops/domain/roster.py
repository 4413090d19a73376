"""The staff roster: who is on staff when, and which chat accounts and nicknames are whose.

Accounts in the roster's 旺旺子账号 cell may be several (separated by , ; 、 or spaces);
`店铺名:小美` is matched both as written and by its nickname `小美`, unless two staff share
that nickname (then only the full account matches).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from csops.domain.period import Month
from csops.errors import InputError, Problem, raise_problems

_SPLIT = re.compile(r"[,，;；、\s]+")


def nickname(account: str) -> str:
    """`星辰家居旗舰店:小美` → `小美`; an account without a shop prefix is its own nickname."""
    return re.split(r"[:：]", account)[-1].strip()


@dataclass
class Roster:
    staff: pd.DataFrame  # staff_id, name, role, hired_on, left_on, shift, _file, _row
    accounts: pd.DataFrame  # key (full account or nickname), staff_id

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Roster:
        """Validate the roster (one row per 工号) and index its accounts."""
        dup = frame["staff_id"].duplicated(keep=False) & frame["staff_id"].notna()
        if dup.any():
            rows = frame[dup]
            raise_problems(
                [
                    Problem.at(
                        rows,
                        column="工号",
                        message=f"{int(dup.sum())} roster rows share a 工号 "
                        f"({', '.join(sorted(set(rows['staff_id'].astype(str))))}); "
                        "keep one row per staff member",
                    )
                ]
            )
        staff = frame.copy()
        for column in ("role", "hired_on", "left_on", "shift", "accounts"):
            if column not in staff:
                staff[column] = pd.NA
        pairs: list[tuple[str, str]] = []
        for staff_id, cell in zip(staff["staff_id"], staff["accounts"], strict=True):
            if not isinstance(cell, str):
                continue
            for account in filter(None, _SPLIT.split(cell)):
                pairs.append((account, staff_id))
                nick = nickname(account)
                if nick != account:
                    pairs.append((nick, staff_id))
        accounts = pd.DataFrame(pairs, columns=["key", "staff_id"]).drop_duplicates()
        # A key claimed by two staff members (a shared nickname) identifies nobody.
        accounts = accounts[~accounts["key"].duplicated(keep=False)].reset_index(drop=True)
        return cls(staff=staff.reset_index(drop=True), accounts=accounts)

    def active_in(self, month: Month) -> pd.DataFrame:
        """Staff on the roster for at least one day of the month."""
        hired = self.staff["hired_on"]
        left = self.staff["left_on"]
        started = hired.isna() | (hired < month.end)
        not_gone = left.isna() | (left >= month.start)
        return self.staff[started & not_gone].reset_index(drop=True)

    def staff_for_accounts(self, accounts: pd.Series) -> pd.Series:
        """The 工号 behind each chat account (full account, else its nickname); NA if none."""
        index = pd.Series(self.accounts["staff_id"].to_numpy(), index=self.accounts["key"])
        found = accounts.map(index)
        missing = found.isna() & accounts.notna()
        if missing.any():
            nicks = accounts[missing].astype("str").map(nickname)
            found[missing] = nicks.map(index)
        return found

    def name_of(self) -> dict[str, str]:
        return dict(zip(self.staff["staff_id"], self.staff["name"], strict=True))

    def require_known(self, ids: pd.Series, what: str) -> None:
        unknown = sorted(set(ids.dropna()) - set(self.staff["staff_id"]))
        if unknown:
            raise InputError(
                f"{what}: 工号 not on the roster: {', '.join(unknown[:10])}; "
                "add them to the roster or correct the 工号"
            )


def _plain_name(values: pd.Series) -> pd.Series:
    return values.astype("str").str.replace(r"\s+", "", regex=True)


def resolve_names(
    frame: pd.DataFrame, staff: pd.DataFrame, what: str, *, strict: bool = False
) -> tuple[pd.DataFrame, list[str]]:
    """Rows that name a person only by 姓名 (a DingTalk approval export without 发起人工号,
    an 企业微信 report) get the 工号 of the `staff` row with that name. A name on two rows
    is an error naming both; a name on none is a warning (the rows are dropped), with
    `strict` an error."""
    if "name" not in frame or len(frame) == 0:
        return frame, []
    ids = frame["staff_id"] if "staff_id" in frame else pd.Series(pd.NA, index=frame.index)
    todo = ids.isna() & frame["name"].notna()
    if not todo.any():
        return frame, []
    roster_names = _plain_name(staff["name"])
    shared = roster_names[roster_names.duplicated(keep=False)]
    wanted = _plain_name(frame.loc[todo, "name"])
    ambiguous = wanted.isin(set(shared))
    if ambiguous.any():
        rows = frame.loc[todo][ambiguous.to_numpy()]
        name = wanted[ambiguous].iloc[0]
        both = staff.loc[roster_names == name, "staff_id"].astype(str).tolist()
        raise_problems(
            [
                Problem.at(
                    rows,
                    column="姓名",
                    field="name",
                    message=f"{int(ambiguous.sum())} {what} rows name a person only by 姓名, and "
                    f"{name} is on two roster rows ({' and '.join(both)})",
                    samples=rows["name"].astype(str).head(3).tolist(),
                    expected="an export with the 工号 column, or distinct names on the roster",
                )
            ]
        )
    lookup = pd.Series(staff["staff_id"].to_numpy(), index=roster_names.to_numpy())
    lookup = lookup[~lookup.index.duplicated()]
    found = wanted.map(lookup)
    out = frame.copy()
    resolved = pd.Series(ids.astype("str").to_numpy(), index=frame.index, dtype="str")
    resolved[todo] = found.astype("str").to_numpy()
    out["staff_id"] = resolved
    unknown = todo & resolved.isna()
    warnings: list[str] = []
    if unknown.any():
        rows = frame[unknown]
        problem = Problem.at(
            rows,
            column="姓名",
            field="name",
            message=f"{int(unknown.sum())} {what} rows name a person (by 姓名 only) who is not "
            "on the roster",
            samples=rows["name"].astype(str).head(3).tolist(),
        )
        if strict:
            raise_problems([problem])
        warnings.append(f"{problem}; they were not counted — add the person to the roster")
        out = out[~unknown.to_numpy()]
    return out, warnings
