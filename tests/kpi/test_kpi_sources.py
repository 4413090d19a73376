"""What the scorecard reads is read and checked as the source's own command would: the
score's chat events, its notes, the columns of the orders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from csops.domain.period import Month
from csops.errors import InputError
from csops.ingest.discover import Inputs
from csops.rules import load_rules

from ..conftest import REPO, kpi_of, score_of

SAMPLE = REPO / "samples" / "2026-10"
OCTOBER = Month(2026, 10)
CHAT_RULE = """
  - id: chat_unanswered
    label: {zh: 消息超时未回复, en: Unanswered chats}
    events: [unanswered_10min]
    points: -1
"""


def _rules(tmp_path: Path, *, chat_rule: bool = False, qa_only: bool = False) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(REPO / "rules", folder)
    if chat_rule:
        scoring = folder / "scoring.yaml"
        marker = "\n# Levels from the lowest score up"
        text = scoring.read_text(encoding="utf-8")
        scoring.write_text(text.replace(marker, CHAT_RULE + marker), encoding="utf-8")
    if qa_only:  # cards of spot-check metrics only: the scorecard itself reads no chat log
        kpi = yaml.safe_load((folder / "kpi.yaml").read_text(encoding="utf-8"))
        for card in kpi["cards"].values():
            metrics = [m for m in card["metrics"] if m["metric"].startswith("qa_")]
            for m in metrics:
                m["weight"] = 100 / len(metrics)
            card["metrics"] = metrics
        (folder / "kpi.yaml").write_text(yaml.safe_dump(kpi, allow_unicode=True), "utf-8")
    return folder


def test_a_score_that_counts_chat_events_reads_the_chat_log_for_the_scorecard_too(
    tmp_path: Path,
) -> None:
    rules = load_rules(_rules(tmp_path, chat_rule=True, qa_only=True))
    result = kpi_of(Inputs.scan(rules, SAMPLE), rules, OCTOBER)
    score = score_of(Inputs.scan(rules, SAMPLE), rules, OCTOBER)
    assert score.staff["chat_unanswered_count"].sum() > 0  # the rule bites on the sample
    levels = dict(zip(score.staff["staff_id"], score.staff["level"], strict=True))
    withheld = result.staff.set_index("staff_id")["withheld_by_level"]
    for staff_id, level in withheld.dropna().items():
        assert levels[str(staff_id)] == level  # the very levels csops score gives


def test_the_scorecard_keeps_the_scores_notes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    (data / "审批_请假_2026-10.xlsx").unlink()
    rules = load_rules(REPO / "rules")
    result = kpi_of(Inputs.scan(rules, data), rules, OCTOBER)
    assert any(n.startswith("score 2026-10: no leave approvals") for n in result.notes)


def test_an_orders_export_without_a_buyer_column_is_named_for_kpi(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    orders = data / "ExportOrderList202610.csv"
    text = orders.read_text(encoding="gb18030")
    header, rest = text.split("\n", 1)
    orders.write_text(header.replace("买家会员名", "会员") + "\n" + rest, encoding="gb18030")
    rules = load_rules(REPO / "rules")
    with pytest.raises(InputError) as caught:
        kpi_of(Inputs.scan(rules, data), rules, OCTOBER)
    assert "column buyer" in caught.value.message and "needed by kpi" in caught.value.message
