"""Warnings that reach cron (issue 22): a 千牛 account missing from the roster used to give
`monthly --quiet` exit 0, no output, and no word in the JSON; an overdue list from a
month-old export reported orders 800 h overdue without saying the export was old."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from csops.cli.app import app

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "2026-10"
runner = CliRunner()
NEW_ACCOUNT = "星辰家居旗舰店:小新"


def _month_with_an_unknown_account(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    lines = [
        f"{NEW_ACCOUNT},买家甲,2026-10-20 10:00:00,买家,在吗",
        f"{NEW_ACCOUNT},买家甲,2026-10-20 10:00:30,客服,在的亲",
        f"{NEW_ACCOUNT},买家乙,2026-10-21 11:00:00,买家,有货吗",
    ]
    with (data / "聊天记录_2026-10.csv").open("a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    return data


def _monthly(data: Path, tmp_path: Path, *more: str) -> tuple[int, str, Path]:
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["monthly", "--month", "2026-10", "--data", str(data), "--out", str(out),
         "--ledger", str(tmp_path / "l.sqlite"), "--quiet", *more],
    )  # fmt: skip
    return result.exit_code, result.stderr, out


def test_quiet_still_says_the_warnings_on_stderr_and_in_the_json(tmp_path: Path) -> None:
    code, stderr, out = _monthly(_month_with_an_unknown_account(tmp_path), tmp_path)
    assert code == 0
    said = " ".join(stderr.split())
    assert (
        f"警告: 1 个千牛账号不在客服名单上，本月 3 条消息不计入任何客服: {NEW_ACCOUNT} (3)" in said
    )
    assert "警告: 505 单（净销售额 96284.94）未归属任何客服" in said
    doc = json.loads((out / "csops-2026-10.json").read_text(encoding="utf-8"))
    assert any(NEW_ACCOUNT in w for w in doc["warnings"])
    book = CalamineWorkbook.from_path(str(out / "csops-2026-10.xlsx"))
    summary = book.get_sheet_by_name("月度汇总").to_python()
    assert any(NEW_ACCOUNT in str(cell) for row in summary[:12] for cell in row)


def test_strict_turns_warnings_into_exit_1_after_writing(tmp_path: Path) -> None:
    code, stderr, out = _monthly(
        _month_with_an_unknown_account(tmp_path),
        tmp_path,
        "--strict",
        "--log",
        str(tmp_path / "run.log"),
    )
    assert code == 1
    assert (out / "csops-2026-10.xlsx").is_file()  # the report is there to read
    log = (tmp_path / "run.log").read_text(encoding="utf-8")
    assert "failed (exit 1, --strict)" in log and "条数据警告" in log


def test_an_old_export_is_said_on_the_overdue_list(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["overdue-shipments", "--data", str(SAMPLE), "--as-of", "2026-12-04 10:00",
         "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0
    said = " ".join(result.stderr.split())
    assert "订单导出的最新订单在 2026-10-31 23:59，比统计时点 2026-12-04 10:00 早 802 小时" in said
    fresh = runner.invoke(
        app, ["overdue-shipments", "--data", str(SAMPLE), "--as-of", "2026-11-01 09:00"]
    )
    assert "订单导出的最新订单" not in fresh.stdout
