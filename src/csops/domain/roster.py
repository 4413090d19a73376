"""The staff roster: who is on staff when, and which chat accounts and nicknames are whose.

Accounts in the roster's 旺旺子账号 cell may be several (separated by , ; 、 or spaces);
`店铺名:小美` is matched both as written and by its nickname `小美`, unless two staff share
that nickname (then only the full account matches).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from csops.domain.period import Month
from csops.errors import InputError, Problem, raise_problems
from csops.messages import Msg

_SPLIT = re.compile(r"[,，;；、\s]+")


def nickname(account: str) -> str:
    """`星辰家居旗舰店:小美` → `小美`; an account without a shop prefix is its own nickname."""
    return re.split(r"[:：]", account)[-1].strip()


@dataclass(frozen=True)
class Holder:
    """Who held a handed-over account, from `start` (入职, None: always) to before `end`
    (the day after 离职, None: still)."""

    staff_id: str
    start: pd.Timestamp | None
    end: pd.Timestamp | None

    def holds_at(self, times: pd.Series) -> pd.Series:
        held = pd.Series(True, index=times.index)
        if self.start is not None:
            held &= times >= self.start
        if self.end is not None:
            held &= times < self.end
        return held.fillna(False).astype(bool)


@dataclass
class Roster:
    staff: pd.DataFrame  # staff_id, name, role, hired_on, left_on, shift, _file, _row
    accounts: pd.DataFrame  # key (full account or nickname), staff_id: held by one person
    # Accounts (and their nicknames) handed over: on several roster rows whose 入职–离职
    # do not overlap; whoever held one at a moment is `holder_at`'s answer.
    handovers: dict[str, list[Holder]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # rosters of several files made one

    def holder_at(self, key: str, when: pd.Timestamp) -> str | None:
        """The 工号 who held a handed-over account (or nickname) at `when`, if anyone."""
        for holder in self.handovers.get(key, []):
            if (holder.start is None or when >= holder.start) and (
                holder.end is None or when < holder.end
            ):
                return holder.staff_id
        return None

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Roster:
        """Validate the roster (one row per 工号) and index its accounts.

        The roster of each month's folder (a quarter read over three) lists the same
        people: a 工号 on rows of several files is one person, with the row of the last
        file (the newest roster: a 离职日期 added in December stands), said in `notes`.
        Two rows of one file sharing a 工号 are an error."""
        frame, notes = _one_row_per_file(frame)
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
        staff = staff.reset_index(drop=True)
        accounts, handovers = _index_accounts(staff)
        return cls(staff=staff, accounts=accounts, handovers=handovers, notes=notes)

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
        if self.handovers:
            held = {
                self.holder_key(key, h.staff_id): h.staff_id
                for key, holders in self.handovers.items()
                for h in holders
            }
            index = pd.concat([index, pd.Series(held)])
        found = accounts.map(index)
        missing = found.isna() & accounts.notna()
        if missing.any():
            nicks = accounts[missing].astype("str").map(nickname)
            found[missing] = nicks.map(index)
        return found

    def knows_accounts(self, accounts: pd.Series) -> np.ndarray:
        """Which cells name a roster account (held by one person, or handed over)."""
        known = self.staff_for_accounts(accounts).notna()
        if self.handovers:
            held = list(self.handovers)
            known |= accounts.isin(held) | accounts.astype("str").map(nickname).isin(held)
        return np.asarray(known, dtype=bool)

    def holder_key(self, account: str, staff_id: str) -> str:
        """The account as one holder's: `店铺:小美` of 1009 → `店铺:小美〔1009〕`, a key
        `staff_for_accounts` knows."""
        return f"{account}〔{staff_id}〕"

    def holders_at(self, accounts: pd.Series, times: pd.Series) -> pd.Series:
        """Each cell's account, as whoever held it at that time when it was handed over
        (`holder_key`); unchanged otherwise, and for a time no holder covers."""
        out = accounts.copy()
        if not self.handovers:
            return out
        keys = accounts.where(accounts.isin(list(self.handovers)))
        by_nick = keys.isna() & accounts.notna()
        if by_nick.any():
            nicks = accounts[by_nick].astype("str").map(nickname)
            keys[by_nick] = nicks.where(nicks.isin(list(self.handovers)))
        for key in keys.dropna().unique():
            rows = keys == key
            for holder in self.handovers[key]:
                at = rows & holder.holds_at(times)
                out[at] = self.holder_key(str(key), holder.staff_id)
        return out

    def name_of(self) -> dict[str, str]:
        return dict(zip(self.staff["staff_id"], self.staff["name"], strict=True))

    def require_known(self, ids: pd.Series, what: str) -> None:
        unknown = sorted(set(ids.dropna()) - set(self.staff["staff_id"]))
        if unknown:
            raise InputError(
                f"{what}: 工号 not on the roster: {', '.join(unknown[:10])}; "
                "add them to the roster or correct the 工号"
            )


def _one_row_per_file(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """A 工号 on the rosters of several month folders (a quarter read over them): the row
    of the last folder (in the order read: by name, so the newest month) stands for the
    person. Two roster files of one folder are left as they are (a 工号 on both is the
    error below: which of them is the roster is the shop's to say)."""
    if "_file" not in frame or frame["_file"].nunique() < 2:
        return frame, []
    folders = frame["_file"].astype("str").map(lambda f: f.rsplit("/", 1)[0] if "/" in f else "")
    if folders.nunique() < 2:
        return frame, []
    order = pd.Series(pd.factorize(folders)[0], index=frame.index)
    last = order.groupby(frame["staff_id"]).transform("max")
    older = (frame["staff_id"].notna() & (order < last)).to_numpy()
    if not older.any():
        return frame, []
    fields = [c for c in frame.columns if not c.startswith("_") and c != "staff_id"]
    kept = frame[~older]
    # As text, a missing value as "" (NA would compare as neither equal nor not).
    newest = kept.drop_duplicates("staff_id").set_index("staff_id")[fields]
    newest = newest.astype("str").fillna("")
    old = frame[older].set_index("staff_id")[fields].astype("str").fillna("")
    differ = (old != newest.reindex(old.index)).any(axis=1)
    changed = sorted({str(sid) for sid in old.index[differ.to_numpy()]})
    files = ", ".join(dict.fromkeys(frame["_file"].astype("str")))
    count = frame["_file"].nunique()
    note = (
        Msg("roster.several_files_differ", count=count, files=files, changed=", ".join(changed))
        if changed
        else Msg("roster.several_files", count=count, files=files)
    )
    return kept.reset_index(drop=True), [note]


def _index_accounts(staff: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, list[Holder]]]:
    """Each account of the roster's 旺旺子账号 cells, and its nickname, → the 工号 holding it.

    A key on several rows is, when their 入职–离职 do not overlap, an account handed over
    (`Holder`s, by date). When they overlap, an account written out on two rows is an
    error naming both; a nickname two staff share identifies nobody (only their full
    accounts do)."""
    claims: list[tuple[str, str, bool, int]] = []  # key, staff_id, written out, row index
    for i, (staff_id, cell) in enumerate(zip(staff["staff_id"], staff["accounts"], strict=True)):
        if not isinstance(cell, str):
            continue
        for account in filter(None, _SPLIT.split(cell)):
            claims.append((account, staff_id, True, i))
            nick = nickname(account)
            if nick != account:
                claims.append((nick, staff_id, False, i))
    frame = pd.DataFrame(claims, columns=["key", "staff_id", "written", "row"])
    # One claim per key and person (written out, if it is ever).
    frame = frame.sort_values("written", ascending=False, kind="stable")
    frame = frame.drop_duplicates(["key", "staff_id"]).sort_index()
    shared = frame["key"].duplicated(keep=False)
    handovers: dict[str, list[Holder]] = {}
    problems: list[Problem] = []
    day = pd.Timedelta(days=1)
    for key, group in frame[shared].groupby("key", sort=False):
        rows = staff.iloc[group["row"].tolist()]
        holders = sorted(
            (
                Holder(
                    str(sid),
                    None if pd.isna(start) else pd.Timestamp(start),
                    None if pd.isna(end) else pd.Timestamp(end) + day,
                )
                for sid, start, end in zip(
                    rows["staff_id"], rows["hired_on"], rows["left_on"], strict=True
                )
            ),
            key=lambda h: pd.Timestamp.min if h.start is None else h.start,
        )
        if not _overlap(holders):
            handovers[str(key)] = holders
        elif group["written"].sum() >= 2:
            written = rows[group["written"].to_numpy()]
            both = " and ".join(written["staff_id"].astype(str))
            problems.append(
                Problem.at(
                    written,
                    column="旺旺子账号",
                    field="accounts",
                    message=f"the 千牛 account {key} is on {len(written)} roster rows "
                    f"(工号 {both}) whose 入职–离职 overlap, so its conversations and "
                    "orders could be either's",
                    samples=[str(key)],
                    expected="one person per account at a time: for an account handed "
                    "over, a 离职 date on the row of who gave it up, before the 入职 of who "
                    "took it; otherwise remove it from the row it is not",
                )
            )
    raise_problems(problems)
    return frame[~shared][["key", "staff_id"]].reset_index(drop=True), handovers


def _overlap(holders: list[Holder]) -> bool:
    """Whether any two of the (start-sorted) holders' periods share a moment."""
    for before, after in zip(holders, holders[1:], strict=False):
        if before.end is None or after.start is None or after.start < before.end:
            return True
    return False


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
