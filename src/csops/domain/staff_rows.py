"""Source rows checked against the roster: their files, unknown 工号, days on staff."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from csops.errors import Problem, raise_problems


def files_of(frame: pd.DataFrame) -> str:
    return ", ".join(sorted(set(frame["_file"].astype(str)))) or "(no file)"


def drop_unknown_staff(
    frame: pd.DataFrame, known: Iterable[str], what: str, *, strict: bool
) -> tuple[pd.DataFrame, list[str]]:
    """Rows whose 工号 is not on the roster: a warning (they are not scored), or with
    `strict` an InputError naming file, rows and IDs."""
    unknown = ~frame["staff_id"].isin(pd.Index(list(known)))
    if not unknown.any():
        return frame, []
    bad = frame[unknown]
    ids = sorted(set(bad["staff_id"].astype(str)))
    problem = Problem.at(
        bad,
        column="工号",
        message=f"{int(unknown.sum())} {what} rows name a 工号 that is not on the roster "
        f"({', '.join(ids[:10])}{', …' if len(ids) > 10 else ''})",
        samples=bad["staff_id"].astype(str).head(3).tolist(),
        expected="a 工号 of the roster; add the person to the roster or correct the 工号",
    )
    if strict:
        raise_problems([problem])
    problem.expected = None
    warning = (
        f"{problem}; they were not scored — add the person to the roster or correct the 工号 "
        "(--strict makes this an error)"
    )
    return frame[~unknown], [warning]


def in_service(dates: pd.Series, hired_on: pd.Series, left_on: pd.Series) -> pd.Series:
    """Whether each date is within the person's days on staff (both ends inclusive)."""
    return (hired_on.isna() | (dates >= hired_on)) & (left_on.isna() | (dates <= left_on))
