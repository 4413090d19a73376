"""The catalogue of messages (issue 22): a note made as a `Msg` is English text to the
code and the JSON, and is shown in the report's language."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
from typer.testing import CliRunner

from csops.cli.app import app
from csops.messages import CATALOGUE, Msg, localize

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "2026-10"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_each_message_has_both_languages(key: str) -> None:
    zh, en = CATALOGUE[key]
    # In Chinese: no English word outside the placeholders (a template that only joins
    # other messages, such as "{staff_id} {name}（{why}）", has no words of its own).
    words = re.sub(r"\{[a-z_]+\}", "", zh)
    # Names a shop types as they are: files, keys and values of the rules.
    names = re.sub(
        r"csops|rules/\S+|settings\.yaml|default_card|min_weight_with_data|"
        r"paid_time_fallback|created_at",
        "",
        words,
    )
    assert not re.search(r"[A-Za-z]{3,}", names), zh
    assert CJK.search(zh) or not re.search(r"[A-Za-z]", names)
    fields = {name for _, name, _, _ in string.Formatter().parse(zh + en) if name}
    message = Msg(key, **dict.fromkeys(fields, "X"))
    assert str(message) == message.text("en")
    assert localize(message, "zh") == message.text("zh")
    assert localize("plain text", "zh") == "plain text"


def test_a_note_is_chinese_in_the_table_and_english_in_the_json() -> None:
    args = ["chats", "--month", "2026-10", "--data", str(SAMPLE)]
    table = CliRunner().invoke(app, args).stdout
    assert "订单从 2026-10-01 00:00 开始：此前的付款看不到" in table
    english = CliRunner().invoke(app, [*args, "--lang", "en"]).stdout
    assert "orders start at 2026-10-01 00:00: payments before it are unseen" in english
    doc = json.loads(CliRunner().invoke(app, [*args, "--format", "json"]).stdout)
    assert any(n.startswith("orders start at 2026-10-01 00:00") for n in doc["notes"])
