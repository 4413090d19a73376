"""`--help` in plain words (issue 22): no `<bool>`, `<list[Path]>` or `<float range>`, no
option cut off, whole sentences (Click's own wrapping, at the terminal's width)."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from csops.cli.app import app

COMMANDS = [
    ["monthly"], ["score"], ["commission"], ["chats"], ["kpi"], ["overdue-shipments"],
    ["unpaid-orders"], ["close"], ["history"], ["grade"], ["inspect"], ["rules", "check"],
]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_is_in_plain_words(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    text = result.output
    assert not re.search(r"<(bool|str|path|int|float|list\[Path\])[^>]*>", text), text
    assert "…" not in text  # nothing cut off


def test_the_per_kind_files_say_file() -> None:
    text = CliRunner().invoke(app, ["monthly", "--help"], terminal_width=80).output
    for kind in ("--roster", "--attendance", "--leave", "--incidents", "--orders", "--chats"):
        assert re.search(rf"{kind} FILE\s", text), kind
