"""The supervisor's incident sheet, with each row's kind resolved to a rule id."""

from __future__ import annotations

import pandas as pd

from csops.errors import Problem, raise_problems
from csops.rules.vocab import IncidentKinds


def classify_incidents(frame: pd.DataFrame, kinds: IncidentKinds) -> pd.DataFrame:
    """Add `kind_id` (e.g. `attitude_complaint` for 态度投诉); an unknown kind is an error
    that lists the known names."""
    lookup = kinds.lookup()
    out = frame.copy()
    out["kind_id"] = out["kind"].astype("str").str.strip().map(lookup)
    unknown = out["kind_id"].isna() & out["kind"].notna()
    if unknown.any():
        bad = out[unknown]
        known = ", ".join(f"{n} ({k})" for k, v in kinds.kinds.items() for n in v.names[:2])
        raise_problems(
            [
                Problem.at(
                    bad,
                    column="类型",
                    message=f"{int(unknown.sum())} incidents have a kind csops does not know",
                    samples=bad["kind"].astype(str).head(3).tolist(),
                    expected=f"one of: {known}; or add the name to rules/incidents.yaml",
                )
            ]
        )
    return out
