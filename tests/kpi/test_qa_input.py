"""The spot-check sheet 质检/抽查记录: classified by its header (never as incidents or
attendance, nor they as it), validated row by row, scores from item marks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from csops.domain.period import Month, Quarter
from csops.domain.qa import prepare_qa, qa_counts
from csops.domain.roster import Roster
from csops.errors import InputError
from csops.ingest.discover import Inputs
from csops.rules import RuleSet
from csops.rules.kpi import KpiRules

SHEETS = {
    "qa": "日期,工号,姓名,买家,得分,准确,态度,沟通,是否解决,备注\n"
    "2026-10-05,1002,小美,b1,90,9,9,9,是,好\n",
    "qa_marks_only": "抽查日期,客服工号,被检客服,服务态度,是否解决\n2026-10-05,1002,小美,8,否\n",
    "incidents": "日期,工号,姓名,类型,扣分,金额,备注\n2026-10-05,1002,小美,态度投诉,,,语气生硬\n",
    # An incident sheet that also has a 得分 column is still an incident sheet: it has 类型.
    "incidents_with_score": "日期,工号,姓名,类型,扣分,得分,备注\n"
    "2026-10-05,1002,小美,未完成工作,0.5,9.5,\n",
    "attendance": "工号,姓名,日期,班次,上班1打卡时间,下班1打卡时间\n"
    "1002,小美,2026-10-05,白班,07:58,17:02\n",
    "schedule": "工号,姓名,日期,班次\n1002,小美,2026-10-05,白班\n",
}


@pytest.mark.parametrize("name", sorted(SHEETS))
def test_classification(rules: RuleSet, tmp_path: Path, name: str) -> None:
    (tmp_path / "x.csv").write_text(SHEETS[name], encoding="utf-8")
    [report] = Inputs.scan(rules, tmp_path).files
    expected = {"qa_marks_only": "qa", "incidents_with_score": "incidents"}.get(name, name)
    assert report.kind == expected
    assert report.problems == []


def test_a_sheet_with_no_score_and_no_marks_is_not_qa(rules: RuleSet, tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("日期,工号,买家,是否解决\n2026-10-05,1002,b1,是\n", "utf-8")
    [report] = Inputs.scan(rules, tmp_path).files
    assert report.kind == "qa"
    [problem] = report.problems
    assert "required column score (or accuracy) (or attitude) (or communication)" in str(problem)


ROSTER = Roster.from_frame(
    pd.DataFrame(
        {
            "staff_id": ["1002", "1003"],
            "name": ["小美", "阿杰"],
            "_file": "r.csv",
            "_row": [2, 3],
        }
    )
)


def load_qa(rules: RuleSet, tmp_path: Path, body: str) -> pd.DataFrame:
    header = "日期,工号,买家,得分,准确,态度,沟通,是否解决,备注\n"
    (tmp_path / "qa.csv").write_text(header + body, encoding="utf-8")
    return Inputs.scan(rules, tmp_path).load(["qa"]).frame("qa")


def test_scores_from_item_marks_and_resolved_words(rules: RuleSet, tmp_path: Path) -> None:
    frame = load_qa(
        rules,
        tmp_path,
        "2026-10-03,1002,b1,88,,,,是,\n"
        "2026-10-04,1002,b2,,7,8,,否,\n"  # no 得分: mean of the marks given (7.5) × 10
        "2026-10-05,1003,c1,,,,,,\n"  # nothing at all
        "2026-10-06,1003,c2,95,,,,已解决,\n"
        "2026-11-01,1003,c3,50,,,,否,\n",  # November: outside the month
    )
    qa, notes = prepare_qa(frame, ROSTER, Month(2026, 10), load_rules_kpi(rules).qa)
    assert qa["check_score"].tolist()[:2] == [88.0, 75.0]
    assert pd.isna(qa["check_score"].iloc[2])
    assert qa["resolved"].tolist() == [True, False, pd.NA, True]
    assert notes == ["qa.csv: 1 spot-check rows have no score, no item marks and no 是否解决 "
                     "(rows 4); they count for nothing"]  # fmt: skip
    counts = qa_counts(qa)
    assert counts.loc["1002"].to_dict() == {
        "qa_checks": 2,
        "qa_scored": 2,
        "qa_score_sum": 163.0,
        "qa_resolved": 1,
        "qa_resolved_known": 2,
        "qa_accuracy_sum": 7.0,
        "qa_accuracy_n": 1,
        "qa_attitude_sum": 8.0,
        "qa_attitude_n": 1,
        "qa_communication_sum": 0.0,
        "qa_communication_n": 0,
    }
    assert counts.loc["1003", "qa_checks"] == 2 and counts.loc["1003", "qa_scored"] == 1
    quarter, _ = prepare_qa(frame, ROSTER, Quarter(2026, 4), load_rules_kpi(rules).qa)
    assert len(quarter) == 5


def load_rules_kpi(rules: RuleSet) -> KpiRules:
    return rules.get(KpiRules)


def test_bad_values_are_row_errors(rules: RuleSet, tmp_path: Path) -> None:
    frame = load_qa(
        rules,
        tmp_path,
        "2026-10-03,1002,b1,105,,,,是,\n"
        "2026-10-04,1002,b2,,11,8,,也许,\n"
        "2026-10-05,1003,b3,-1,,,,是,\n",
    )
    with pytest.raises(InputError) as caught:
        prepare_qa(frame, ROSTER, Month(2026, 10), load_rules_kpi(rules).qa)
    message = caught.value.message
    assert message.startswith("3 problems in the input files:")
    assert (
        "qa.csv: column 得分: 2 spot-check 得分 values outside 0–100 (rows 2, 4: '105', '-1') — "
        "expected a score from 0 to 100"
    ) in message
    assert "qa.csv: column 准确: 1 spot-check 准确 values outside 0–10 (rows 3: '11')" in message
    assert (
        "qa.csv: column 是否解决: 1 spot checks have a 是否解决 value the rules do not know "
        "(rows 3: '也许') — expected one of 是 / 已解决 / 解决 or 否 / 未解决 / 没解决"
    ) in message


def test_unknown_staff_is_a_warning_or_with_strict_an_error(rules: RuleSet, tmp_path: Path) -> None:
    frame = load_qa(rules, tmp_path, "2026-10-03,1099,b1,80,,,,是,\n2026-10-03,1002,b2,80,,,,是,\n")
    qa, notes = prepare_qa(frame, ROSTER, Month(2026, 10), load_rules_kpi(rules).qa)
    assert qa["staff_id"].tolist() == ["1002"]
    assert "1 spot-check rows name a 工号 that is not on the roster (1099)" in notes[0]
    with pytest.raises(InputError, match="1099"):
        prepare_qa(frame, ROSTER, Month(2026, 10), load_rules_kpi(rules).qa, strict=True)
