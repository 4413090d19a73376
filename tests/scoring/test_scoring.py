"""The scoring library: the JSON contract, the result API, invariants of the engine."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csops.domain.period import Month
from csops.domain.scoring import ScoreResult, score_frames
from csops.errors import InputError
from csops.ingest.discover import Inputs
from csops.report.documents import score_document
from csops.report.evidence import phrases
from csops.rules import RuleSet
from csops.rules.scoring import ScoringRules
from csops.rules.vocab import IncidentKinds, ValueWords

from ..conftest import score_of
from .frames import attendance_frame, incidents_frame, leave_frame, roster

DATA = Path(__file__).parent / "data" / "month"
OCT = Month(2026, 10)


def score(
    rules: RuleSet,
    attendance: list,
    leave: list | None = None,
    incidents: list | None = None,
    **kw: Any,
) -> ScoreResult:
    return score_frames(
        kw.pop("staff", None) or roster(),
        attendance_frame(attendance),
        leave_frame(leave or []),
        incidents_frame(incidents or []),
        kw.pop("scoring", None) or rules.get(ScoringRules),
        rules.get(IncidentKinds),
        rules.get(ValueWords),
        OCT,
        text=phrases(kw.pop("lang", "en")),
        **kw,
    )


def test_score_month_from_files(rules: RuleSet) -> None:
    inputs = Inputs.scan(rules, DATA)
    result = score_of(inputs, rules, OCT)
    table = result.staff.set_index("staff_id")
    assert table["score"].to_dict() == {"1001": 6.5, "1002": 5.0, "1003": 9.5}
    assert result.levels() == {"1001": "ok", "1002": "warning", "1003": "ok"}
    assert table.loc["1001", "award_yuan"] == Decimal("200.00")
    assert table.loc["1001", "leave_days"] == 1
    assert table.loc["1001", "missed_punch_days"] == 1
    assert table.loc["1001", "late_days"] == 2
    assert table.loc["1002", "unauthorized_absence_days"] == 1
    assert len(result.warnings) == 2
    assert "(9999)" in result.warnings[1]
    assert result.rule_digest == rules.digest()


def test_document_contract(rules: RuleSet) -> None:
    result = score_of(Inputs.scan(rules, DATA), rules, OCT)
    doc = score_document(result)
    assert doc["month"] == "2026-10"
    first = doc["staff"][0]
    assert {k: first[k] for k in ("staff_id", "name", "score", "level")} == {
        "staff_id": "1001",
        "name": "小美",
        "score": 6.5,
        "level": "ok",
    }
    rules_seen = [d["rule"] for d in first["deductions"]]
    assert rules_seen == ["late", "absence", "leave_excess", "attitude_complaint"]
    absence = first["deductions"][1]
    assert (absence["count"], absence["points"], absence["free"]) == (1, -2.0, 0)
    assert absence["evidence"] == [
        {
            "file": "attendance.csv",
            "row": 4,
            "date": "2026-10-08",
            "event": "late",
            "detail": "clock-in 08:45 on 白班 08:00-17:00: 45 min late → more than 30 min: "
            "counts as Absence → #1 this month: -2 points",
            "points": -2.0,
            "yuan": "0.00",
            "free": False,
        }
    ]
    leave = first["deductions"][2]
    assert (leave["count"], leave["free"], leave["points"]) == (0, 2, 0.0)
    assert first["counts"]["award_yuan"] == "200.00"
    assert first["penalty_yuan"] == "0.00"
    # Staff without events still appear, with no deductions.
    assert doc["staff"][2]["staff_id"] == "1003"
    assert len(doc["warnings"]) == 2


def test_chinese_details(rules: RuleSet) -> None:
    result = score(rules, [["1001", "2026-10-05", "白班", "08:45", "17:00"]], lang="zh")
    assert result.evidence["detail"].tolist() == [
        "上班打卡 08:45，班次 白班 08:00-17:00：迟到 45 分钟 → 超过 30 分钟：按缺勤计"
        " → 本月第 1 次：扣 2 分"
    ]


def test_select_one_staff_member(rules: RuleSet) -> None:
    result = score_of(Inputs.scan(rules, DATA), rules, OCT).select(["1003"])
    assert result.staff["staff_id"].tolist() == ["1003"]
    assert set(result.evidence["staff_id"]) == {"1003"}
    assert set(result.days["staff_id"]) == {"1003"}


def test_no_attendance_export_is_an_error(rules: RuleSet, tmp_path: Path) -> None:
    (tmp_path / "roster.csv").write_bytes((DATA / "roster.csv").read_bytes())
    with pytest.raises(InputError, match=r"no 考勤打卡 \(attendance\) export found"):
        score_of(Inputs.scan(rules, tmp_path), rules, OCT)


def test_missing_leave_and_incident_exports_are_noted(rules: RuleSet, tmp_path: Path) -> None:
    for name in ("roster.csv", "attendance.csv"):
        (tmp_path / name).write_bytes((DATA / name).read_bytes())
    result = score_of(Inputs.scan(rules, tmp_path), rules, OCT)
    assert result.warnings[0].startswith("no leave approvals (请假/调休审批) export found")
    assert result.warnings[1].startswith("no incident sheet (奖惩登记) found")
    # Without the leave export 1001's leave day is 旷工.
    assert result.staff.set_index("staff_id").loc["1001", "unauthorized_absence_count"] == 1


def test_evidence_points_are_marginal(rules: RuleSet) -> None:
    incidents = [["1001", f"2026-10-{d:02d}", "态度投诉"] for d in range(1, 7)]
    result = score(rules, [["1001", "2026-10-05", "白班", "08:00", "17:00"]], incidents=incidents)
    assert result.evidence["points"].tolist() == [-1.0, -1.0, -3.0, 0.0, -5.0, 0.0]
    assert result.staff.loc[0, "attitude_complaint_points"] == -10.0


def test_events_outside_the_month_are_ignored(rules: RuleSet) -> None:
    result = score(
        rules,
        [
            ["1001", "2026-09-30", "白班", "09:00", "17:00"],
            ["1001", "2026-10-05", "白班", "08:00", "17:00"],
        ],
        incidents=[["1001", "2026-11-01", "态度投诉"]],
    )
    assert result.staff.loc[0, "score"] == 10.0
    assert result.days["date"].tolist() == [pd.Timestamp("2026-10-05")]


# ---------------------------------------------------------------- properties

ATTENDANCE = st.tuples(st.just("att"), st.integers(1, 28), st.integers(-10, 120), st.booleans())
INCIDENT = st.tuples(
    st.just("inc"),
    st.integers(1, 28),
    st.sampled_from(["千牛离线", "响应投诉", "态度投诉", "未完成工作", "嘉奖"]),
    st.sampled_from([0.5, 1.0]),
)
LEAVE = st.tuples(st.just("leave"), st.integers(1, 28), st.integers(1, 3), st.booleans())
EVENTS = st.lists(st.one_of(ATTENDANCE, INCIDENT, LEAVE), max_size=25)
# What can only cost points: an attendance day (late, 旷工) or an incident. (An approved
# leave added later may excuse a 旷工, so it is not among them.)
DEDUCTIONS = st.lists(st.one_of(ATTENDANCE, INCIDENT), max_size=15)


def build(events: list[tuple[Any, ...]]) -> tuple[list[Any], list[Any], list[Any]]:
    attendance: dict[int, list[Any]] = {}
    incidents: list[Any] = []
    leave: list[Any] = []
    for event in events:
        if event[0] == "att":
            _, day, late, punched = event
            minute = 8 * 60 + late
            clock = f"{minute // 60:02d}:{minute % 60:02d}"
            row = (
                ["1001", f"2026-10-{day:02d}", "白班", clock, "17:00"]
                if punched
                else (["1001", f"2026-10-{day:02d}", "白班", None, None])
            )
            attendance.setdefault(day, row)  # the first row of a day stays
        elif event[0] == "inc":
            _, day, kind, points = event
            incidents.append(
                [
                    "1001",
                    f"2026-10-{day:02d}",
                    kind,
                    points if kind == "未完成工作" else None,
                    100 if kind == "嘉奖" else None,
                ]
            )
        else:
            _, day, length, approved = event
            leave.append(
                [
                    "1001",
                    "事假",
                    f"2026-10-{day:02d} 08:00",
                    f"2026-10-{day + length - 1:02d} 17:00",
                    "同意" if approved else "拒绝",
                    "已完成",
                ]
            )
    if not attendance:
        attendance[30] = ["1001", "2026-10-30", "休息", None, None]
    return list(attendance.values()), leave, incidents


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(EVENTS, DEDUCTIONS)
def test_adding_deductions_never_raises_the_score(
    rules: RuleSet, first: list[Any], more: list[Any]
) -> None:
    """With the default rules, more lates, absent days or incidents never raise a score."""
    att1, leave1, inc1 = build(first)
    att2, leave2, inc2 = build(first + more)
    fewer = score(rules, att1, leave1, inc1)
    most = score(rules, att2, leave2, inc2)
    assert most.staff.loc[0, "score"] <= fewer.staff.loc[0, "score"] + 1e-9


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(EVENTS)
def test_score_is_base_plus_evidence(rules: RuleSet, events: list[Any]) -> None:
    attendance, leave, incidents = build(events)
    result = score(rules, attendance, leave, incidents)
    assert result.staff.loc[0, "score"] == pytest.approx(10.0 + result.evidence["points"].sum())
    counted = result.evidence.groupby("rule")["charged"].sum()
    for rule_id, count in counted.items():
        assert result.staff.loc[0, f"{rule_id}_count"] == count
