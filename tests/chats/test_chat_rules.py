"""`rules/chats.yaml`: the default limits, and clear errors for bad values."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from csops.errors import RuleError
from csops.rules import load_rules
from csops.rules.chats import ChatRules

from ..conftest import REPO


def test_default_chat_rules() -> None:
    rules = load_rules(REPO / "rules")
    chat = rules.get(ChatRules)
    assert (chat.fast_reply_s, chat.unanswered_s) == (30, 600)
    assert (chat.session_gap_h, chat.inquiry_lookback_days) == (24, 21)
    assert chat.satisfied_ratings == ["很满意", "满意"]
    # Service hours come from settings.yaml, the one place for them.
    hours = rules.settings.service_hours
    assert (hours.open.hour, hours.close.hour) == (8, 23)


def test_bad_chat_rules_are_reported_with_key_paths(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(REPO / "rules", folder)
    (folder / "chats.yaml").write_text(
        "fast_reply_s: -1\nunanswerd_s: 600\nsatisfied_ratings: []\n", encoding="utf-8"
    )
    with pytest.raises(RuleError) as caught:
        load_rules(folder)
    assert caught.value.details == [
        "rules/chats.yaml: fast_reply_s: expected more than 0, got -1",
        "rules/chats.yaml: satisfied_ratings: List should have at least 1 item after "
        "validation, not 0",
        "rules/chats.yaml: unanswerd_s: unknown key (a typo?)",
    ]


def test_session_gap_can_be_switched_off(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(REPO / "rules", folder)
    (folder / "chats.yaml").write_text("session_gap_h: null\n", encoding="utf-8")
    assert load_rules(folder).get(ChatRules).session_gap_h is None
