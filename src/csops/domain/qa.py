"""Spot checks 质检/抽查 of a period: validated rows and the per-staff counts the KPI
scorecard's QA metrics are made of (docs/kpi.md)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from csops.domain.period import Month, Quarter
from csops.domain.roster import Roster
from csops.domain.staff_rows import drop_unknown_staff
from csops.errors import Problem, raise_problems
from csops.rules.kpi import QaRules

Period = Month | Quarter

QA_ITEMS = ("accuracy", "attitude", "communication")

QA_COLUMNS = [
    "staff_id",
    "date",
    "buyer",
    "score",
    *QA_ITEMS,
    "check_score",
    "resolved",
    "note",
    "_file",
    "_row",
]


QA_HEADERS = {
    "score": "得分",
    "accuracy": "准确",
    "attitude": "态度",
    "communication": "沟通",
    "resolved": "是否解决",
}


def prepare_qa(
    frame: pd.DataFrame,
    roster: Roster,
    period: Period,
    rules: QaRules,
    *,
    strict: bool = False,
    headers: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """The period's spot checks of staff on the roster, validated, with `check_score`
    (the row's 得分, or its mean item mark scaled to 100) and `resolved` as True/False/NA.

    Scores outside 0–100, item marks outside 0–item_max and 是否解决 words the rules do not
    know are row errors (one InputError listing them all), naming the column by the
    export's own header (`headers`: field → header) or its usual one."""
    notes: list[str] = []
    header = {**QA_HEADERS, **(headers or {})}
    rows = frame[period.contains(frame["date"])].reset_index(drop=True)
    rows, unknown = drop_unknown_staff(rows, roster.staff["staff_id"], "spot-check", strict=strict)
    notes.extend(unknown)
    rows = rows.reset_index(drop=True)
    out = pd.DataFrame(
        {
            "staff_id": rows["staff_id"].astype("str"),
            "date": rows["date"],
            "buyer": rows["buyer"] if "buyer" in rows else pd.Series(pd.NA, index=rows.index),
            "note": rows["note"] if "note" in rows else pd.Series(pd.NA, index=rows.index),
            "_file": rows["_file"].astype("str"),
            "_row": rows["_row"],
        }
    )
    problems: list[Problem] = []

    def number(name: str, top: float, expected: str) -> pd.Series:
        values = (
            rows[name].astype("Float64").astype("float64")
            if name in rows
            else pd.Series(np.nan, index=rows.index)
        )
        bad = (values < 0) | (values > top)
        if bad.any():
            problems.append(
                Problem.at(
                    rows[bad.to_numpy()],
                    f"{int(bad.sum())} spot-check {QA_HEADERS[name]} values outside 0–{top:g}",
                    column=header[name],
                    samples=values[bad].map(lambda v: f"{v:g}"),
                    expected=expected,
                )
            )
        return values

    out["score"] = number("score", 100, "a score from 0 to 100")
    for item in QA_ITEMS:
        out[item] = number(
            item,
            rules.item_max,
            f"a mark from 0 to {rules.item_max:g} (qa.item_max in rules/kpi.yaml)",
        )
    resolved_text = (
        rows["resolved"].astype("str").str.strip()
        if "resolved" in rows
        else pd.Series(pd.NA, index=rows.index, dtype="str")
    )
    yes = resolved_text.isin(rules.resolved_yes)
    no = resolved_text.isin(rules.resolved_no)
    unknown_word = resolved_text.notna() & (resolved_text != "") & ~yes & ~no
    if unknown_word.any():
        problems.append(
            Problem.at(
                rows[unknown_word.to_numpy()],
                f"{int(unknown_word.sum())} spot checks have a 是否解决 value the rules do "
                "not know",
                column=header["resolved"],
                samples=resolved_text[unknown_word],
                expected=f"one of {' / '.join(rules.resolved_yes[:3])} or "
                f"{' / '.join(rules.resolved_no[:3])} (qa.resolved_yes / resolved_no in "
                "rules/kpi.yaml)",
            )
        )
    raise_problems(problems)
    out["resolved"] = pd.Series(pd.NA, index=rows.index, dtype="boolean")
    out.loc[yes.to_numpy(), "resolved"] = True
    out.loc[no.to_numpy(), "resolved"] = False
    marks = out[list(QA_ITEMS)]
    from_items = marks.mean(axis=1, skipna=True) / rules.item_max * 100
    check = out["score"]
    if rules.score_from_items:
        check = check.fillna(from_items)
    out["check_score"] = check
    empty = check.isna() & marks.isna().all(axis=1) & out["resolved"].isna()
    if empty.any():
        notes.append(
            f"{', '.join(sorted(set(out.loc[empty, '_file'])))}: {int(empty.sum())} spot-check "
            f"rows have no score, no item marks and no 是否解决 (rows "
            f"{', '.join(str(r) for r in out.loc[empty, '_row'].head(5))}); they count for "
            "nothing"
        )
    return out[QA_COLUMNS], notes


def qa_counts(qa: pd.DataFrame) -> pd.DataFrame:
    """Per staff member: spot checks, score sum and count, resolved/known, item sums."""
    resolved = qa["resolved"]
    parts = {
        "qa_checks": pd.Series(1, index=qa.index),
        "qa_scored": qa["check_score"].notna().astype("int64"),
        "qa_score_sum": qa["check_score"].fillna(0.0),
        "qa_resolved": resolved.fillna(False).astype("int64"),
        "qa_resolved_known": resolved.notna().astype("int64"),
    }
    for item in QA_ITEMS:
        parts[f"qa_{item}_sum"] = qa[item].fillna(0.0)
        parts[f"qa_{item}_n"] = qa[item].notna().astype("int64")
    return pd.DataFrame(parts).groupby(qa["staff_id"]).sum().astype("float64")


def empty_qa() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in QA_COLUMNS})
