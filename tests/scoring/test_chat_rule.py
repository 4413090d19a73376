"""The optional scoring rule fed by the chat log (issue 6): `unanswered_10min` events."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from csops.domain.period import Month
from csops.errors import RuleError
from csops.ingest.discover import Inputs
from csops.rules import load_rules

from ..conftest import chats_of, score_of

REPO = Path(__file__).parent.parent.parent
SMALL = REPO / "tests" / "monthly" / "data" / "2026-10"  # 1003 never answers one wait
SAMPLE = REPO / "samples" / "2026-10"
EXAMPLE = REPO / "rules" / "examples" / "seed004"


def rules_with(tmp_path: Path, rule: str) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    base = (REPO / "rules" / "scoring.yaml").read_text(encoding="utf-8")
    marker = "\n# Levels from the lowest score up"
    (folder / "scoring.yaml").write_text(base.replace(marker, rule + marker), encoding="utf-8")
    return folder


PER_EVENT = """
  - id: chat_unanswered
    label: {zh: 消息超时未回复, en: Unanswered chats}
    events: [unanswered_10min]
    points: -1
"""


def deduction(result: object, staff_id: str, rule: str) -> tuple[int, float]:
    staff = result.staff.set_index("staff_id")  # type: ignore[attr-defined]
    return int(staff.loc[staff_id, f"{rule}_count"]), float(staff.loc[staff_id, f"{rule}_points"])


def test_each_unanswered_wait_costs_a_point_with_chat_log_evidence(tmp_path: Path) -> None:
    rules = load_rules(rules_with(tmp_path, PER_EVENT))
    result = score_of(Inputs.scan(rules, SMALL), rules, Month(2026, 10))
    assert deduction(result, "1003", "chat_unanswered") == (1, -1.0)
    assert deduction(result, "1001", "chat_unanswered") == (0, 0.0)
    [row] = result.evidence[result.evidence["rule"] == "chat_unanswered"].to_dict("records")
    assert (row["staff_id"], row["file"], str(row["date"])[:10]) == (
        "1003",
        "chats.csv",
        "2026-10-30",
    )
    assert "never answered (over 600 s)" in row["detail"]
    # the row is the buyer's message in the chat log (header is row 1)
    lines = (SMALL / "chats.csv").read_text(encoding="utf-8-sig").splitlines()
    assert "2026-10-30 21:00" in lines[int(row["row"]) - 1]


def test_counts_agree_with_csops_chats_on_the_sample_month() -> None:
    rules = load_rules(EXAMPLE)
    inputs = Inputs.scan(rules, SAMPLE)
    result = score_of(inputs, rules, Month(2026, 10))
    kpis = chats_of(inputs, rules, Month(2026, 10))
    expected = dict(zip(kpis.staff["staff_id"], kpis.staff["unanswered_10min"], strict=True))
    for staff_id in result.staff["staff_id"]:
        count, points = deduction(result, staff_id, "chat_unanswered")
        assert count == expected[staff_id], staff_id
        # example thresholds: 50 → −1, 100 → −3, 150 → −5 in total
        want = -5.0 if count >= 150 else -3.0 if count >= 100 else -1.0 if count >= 50 else 0.0
        assert points == want, staff_id


def test_default_rules_do_not_read_the_chat_log(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    (data / "chats.csv").unlink()  # no chat log at all: the default score still works
    rules = load_rules(REPO / "rules")
    result = score_of(Inputs.scan(rules, data), rules, Month(2026, 10))
    assert "chat_unanswered_count" not in result.staff


def test_unknown_chat_event_name_is_a_rule_error(tmp_path: Path) -> None:
    rules = load_rules(rules_with(tmp_path, PER_EVENT.replace("unanswered_10min", "unanswerd")))
    with pytest.raises(RuleError, match="'unanswerd' is no event csops knows.*unanswered_10min"):
        score_of(Inputs.scan(rules, SMALL), rules, Month(2026, 10))
