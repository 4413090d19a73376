"""Scoring rule cases as data: every `tests/rules/scoring_*.yaml` lists named cases (input
rows → expected per-staff figures), run here by one parametrized test.

A case file has `rules` (a folder under the repo's `rules/`, default the defaults), an
optional `rules_patch` (merged into scoring.yaml; under `rules`, a mapping by rule id
merges into that rule or appends a new one) and `cases`. A case gives `roster`,
`attendance`, `leave`, `incidents` rows (see tests/scoring/frames.py), optionally
`strict`, `previous_levels`, `rules_patch`, and expects either `error` (a substring of
the message) or `expect` (staff_id → column → value), `staff` (the IDs listed),
`evidence` (staff_id → list of {rule, date, points, free, detail (substring)}) and
`warnings` (substrings).
"""

from __future__ import annotations

import copy
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from csops.domain.period import Month
from csops.domain.scoring import ScoreResult, score_frames
from csops.errors import CsopsError
from csops.report.evidence import phrases
from csops.rules import RuleSet, load_rules
from csops.rules.scoring import ScoringRules
from csops.rules.vocab import IncidentKinds, ValueWords

from ..conftest import REPO
from ..scoring.frames import attendance_frame, days_of, incidents_frame, leave_frame, roster

HERE = Path(__file__).parent
CASE_FILES = sorted(HERE.glob("scoring_*.yaml"))


@cache
def rule_set(folder: str) -> RuleSet:
    return load_rules(REPO / "rules" / folder)


def merge(base: Any, patch: Any) -> Any:
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for key, value in patch.items():
            out[key] = merge(base.get(key), value) if key in base else value
        return out
    if isinstance(base, list) and isinstance(patch, dict):  # rules by id
        out_list = [copy.deepcopy(item) for item in base]
        for rule_id, value in patch.items():
            for i, item in enumerate(out_list):
                if item.get("id") == rule_id:
                    out_list[i] = merge(item, value)
                    break
            else:
                out_list.append({"id": rule_id, **value})
        return out_list
    return patch


def scoring_rules(folder: str, *patches: dict[str, Any] | None) -> ScoringRules:
    rules = rule_set(folder).get(ScoringRules)
    data = rules.model_dump(exclude_unset=True)
    applied = False
    for patch in patches:
        if patch:
            data = merge(data, patch)
            applied = True
    return ScoringRules.model_validate(data) if applied else rules


def cases() -> list[Any]:
    params = []
    for path in CASE_FILES:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            params.append(pytest.param(doc, case, id=f"{path.stem}: {case['name']}"))
    return params


def run_case(doc: dict[str, Any], case: dict[str, Any]) -> ScoreResult:
    folder = doc.get("rules", ".")
    scoring = scoring_rules(folder, doc.get("rules_patch"), case.get("rules_patch"))
    staff = roster(case.get("roster"))
    attendance = case.get("attendance")
    if attendance is None:  # one ordinary day per person, so the month has attendance
        attendance = [
            row
            for sid in staff.staff["staff_id"]
            for row in days_of(sid, "2026-10-01", "2026-10-01")
        ]
    rules = rule_set(folder)
    return score_frames(
        staff,
        attendance_frame(attendance),
        leave_frame(case.get("leave", [])),
        incidents_frame(case.get("incidents", [])),
        scoring,
        rules.get(IncidentKinds),
        rules.get(ValueWords),
        Month.parse(str(doc.get("month", "2026-10"))),
        strict=bool(case.get("strict", False)),
        previous_levels=case.get("previous_levels"),
        text=phrases("en"),
    )


def same(actual: Any, expected: Any) -> bool:
    if isinstance(actual, Decimal):
        return str(actual) == str(expected)
    if isinstance(actual, float) or isinstance(expected, float):
        return actual == pytest.approx(float(expected))
    if hasattr(actual, "item"):
        actual = actual.item()
    return bool(actual == expected)


@pytest.mark.parametrize(("doc", "case"), cases())
def test_rule_case(doc: dict[str, Any], case: dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(CsopsError) as caught:
            run_case(doc, case)
        assert case["error"] in caught.value.message
        return
    result = run_case(doc, case)
    table = result.staff.set_index("staff_id")
    if "staff" in case:
        assert list(table.index) == [str(s) for s in case["staff"]]
    for staff_id, columns in case.get("expect", {}).items():
        row = table.loc[str(staff_id)]
        for column, expected in columns.items():
            assert same(row[column], expected), (
                f"{staff_id}.{column}: got {row[column]!r}, expected {expected!r}"
            )
    for staff_id, expected_rows in case.get("evidence", {}).items():
        mine = result.evidence[result.evidence["staff_id"] == str(staff_id)]
        rows = mine.to_dict("records")
        assert len(rows) == len(expected_rows), [r["detail"] for r in rows]
        for got, want in zip(rows, expected_rows, strict=True):
            for key, value in want.items():
                if key == "detail":
                    assert value in got["detail"], got["detail"]
                elif key == "date":
                    assert f"{got['date']:%Y-%m-%d}" == str(value)
                else:
                    assert same(got[key], value), f"{key}: {got[key]!r} != {value!r}"
    for text in case.get("warnings", []):
        assert any(text in w for w in result.warnings), result.warnings
    if "warnings" not in case and "expect_warnings" not in case:
        assert result.warnings == [], result.warnings
    # Every rule's evidence sums to the rule's points in the staff table.
    sums = result.evidence.groupby(["staff_id", "rule"])["points"].sum()
    for (staff_id, rule_id), total in sums.items():
        assert table.loc[staff_id, f"{rule_id}_points"] == pytest.approx(total)
