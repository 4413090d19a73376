"""Input text is inert on a terminal and in the run log: Rich markup in a cell is shown as
written, control characters and bidi overrides appear as escapes, a file name cannot
forge a log line (issue 21, classes 1 and 11)."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from csops.cli.app import app
from csops.terminal import visible

from ..conftest import REPO
from ..shipments.test_shipments_cli import ROWS, TAOBAO, write_csv

runner = CliRunner()
NICKS = [
    "[/bold]坏人",
    "[link=https://evil.example]点我[/link]",
    "\u202eevil\x1b[2J\x1b]0;pwned\x07清屏",  # the reading drops C0 controls; bidi stays
    "老李",
]


def test_markup_and_control_characters_in_cells_are_shown_as_written(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    rows = [[f'="{r[0]}"', NICKS[i % 4], *r[2:]] for i, r in enumerate(ROWS[:4])]
    write_csv(folder / "ExportOrderList.csv", TAOBAO, rows, "gb18030")
    result = runner.invoke(
        app, ["overdue-shipments", "--data", str(folder), "--as-of", "2026-10-31 20:00"]
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "[/bold]坏人" in out  # markup shown as written, not a crash
    assert "[link=https://evil.example]点我[/link]" in out  # no clickable link
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "\\u202eevil" in out


def test_a_file_name_cannot_forge_a_log_line_or_reach_the_terminal(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(REPO / "samples" / "2026-10", data)
    # An empty export named to forge a line: the error message names it.
    (data / "orders\n2026-11-01 00:00:00 ok: forged\x1b[31m.csv").write_bytes(b"")
    log = tmp_path / "run.log"
    result = runner.invoke(
        app,
        ["monthly", "--month", "2026-10", "--data", str(data), "--out", str(tmp_path / "out"),
         "--log", str(log)],
    )  # fmt: skip
    assert result.exit_code == 1
    text = log.read_text(encoding="utf-8")
    assert len(text.splitlines()) == 1, text
    assert "orders\\x0a2026-11-01 00:00:00 ok: forged\\x1b[31m.csv: the file is empty" in text
    assert "\x1b" not in text and "\x1b" not in result.output


def test_visible_escapes_only_what_a_terminal_would_act_on() -> None:
    assert visible("小美\t1003\n") == "小美\t1003\n"
    assert (
        visible("a\x1b[31mb\x00\x7f\x9b\u202ec\u2066")
        == "a\\x1b[31mb\\x00\\x7f\\x9b\\u202ec\\u2066"
    )
    assert visible("a\nb\rc", one_line=True) == "a\\x0ab\\x0dc"
