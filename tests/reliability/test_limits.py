"""Only regular files are read, within limits (issue 21, class 5).

A named pipe in --data hung the run forever (and a cron run held its lock); a workbook
that inflates to gigabytes was read into memory; a header of a million columns was "no
known header", a 200 MB cell pyarrow's "straddling object straddles two block
boundaries". Non-regular files are skipped with a note; the limits are settings.yaml's
`limits` (workbook_mb, csv_row_mb, columns), and a file beyond one is refused naming the
file, the row and the column, before it is read."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import xlsxwriter
from typer.testing import CliRunner

from csops.cli.app import app

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "2026-10"
ORDERS_HEADER = "订单编号,买家会员名,买家实际支付金额,订单状态,订单付款时间,订单备注\n"
ROW = '="4017416467503361010",nick,10.00,交易成功,2026-10-02 10:00:00,{memo}\n'
runner = CliRunner()


def _month(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    return data


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_in_the_folder_is_skipped_with_a_note(tmp_path: Path) -> None:
    data = _month(tmp_path)
    os.mkfifo(data / "ExportOrderList_part2.csv")
    # A real process, with a timeout: before, it blocked forever opening the pipe.
    run = subprocess.run(
        [sys.executable, "-m", "csops", "commission", "--month", "2026-10", "--data", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    text = " ".join(run.stdout.split())
    assert "ExportOrderList_part2.csv（命名管道）" in text
    assert "不是普通文件的路径，没有读取" in text


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_given_as_an_export_is_refused(tmp_path: Path) -> None:
    pipe = tmp_path / "orders.csv"
    os.mkfifo(pipe)
    result = runner.invoke(
        app,
        ["overdue-shipments", "--orders", str(pipe), "--roster", str(SAMPLE / "客服名单.xlsx"),
         "--as-of", "2026-10-31 20:00"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: --orders {pipe}: a named pipe (FIFO), not a file; give an export file"
    )


def _rules(tmp_path: Path, limits: str) -> Path:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "settings.yaml").write_text(f"limits:\n{limits}", encoding="utf-8")
    return rules


def test_a_workbook_that_inflates_beyond_the_limit_is_not_read(tmp_path: Path) -> None:
    """A small zip bomb: a sheet that inflates about ten times, against a 1 MB limit."""
    data = _month(tmp_path)
    book = xlsxwriter.Workbook(str(data / "质检抽查_extra.xlsx"))
    sheet = book.add_worksheet()
    for col, head in enumerate(["日期", "工号", "客服姓名", "质检得分", "备注"]):
        sheet.write_string(0, col, head)
    for row in range(1, 20_000):
        sheet.write_row(row, 0, ["2026-10-01", "1001", "周建国", 90, "ok"])
    book.close()
    assert (data / "质检抽查_extra.xlsx").stat().st_size < 1 << 20  # below the limit as a file
    rules = _rules(tmp_path, "  workbook_mb: 1\n")
    result = runner.invoke(
        app, ["kpi", "--month", "2026-10", "--data", str(data), "--rules", str(rules)]
    )
    assert result.exit_code == 1, result.output
    message = " ".join(result.stderr.split())
    assert re.search(
        r"质检抽查_extra\.xlsx: the workbook would take \d MB once uncompressed, over the limit "
        r"of 1 MB \(limits\.workbook_mb in rules/settings\.yaml\); it was not read",
        message,
    ), message
    assert "Traceback" not in result.output


def test_a_header_of_too_many_columns_is_refused_by_row_and_count(tmp_path: Path) -> None:
    data = _month(tmp_path)
    wide = ",".join(f"列{i}" for i in range(3000))
    (data / "orders_wide.csv").write_text(
        wide + "\n" + ",".join("1" * 3000) + "\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["commission", "--month", "2026-10", "--data", str(data)])
    assert result.exit_code == 1
    assert (
        "orders_wide.csv: row 1 has 3,000 columns, over the limit of 2,000 (limits.columns in "
        "rules/settings.yaml)" in " ".join(result.stderr.split())
    )


def test_a_cell_beyond_the_row_limit_is_named_by_row_and_column(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SAMPLE / "客服名单.xlsx", data)
    text = ORDERS_HEADER + ROW.format(memo="1001") + ROW.format(memo="x" * (9 << 20))
    (data / "orders.csv").write_text(text, encoding="utf-8")
    result = runner.invoke(
        app, ["overdue-shipments", "--data", str(data), "--as-of", "2026-10-31 20:00"]
    )
    assert result.exit_code == 1
    assert " ".join(result.stderr.split()) == (
        "Error: orders.csv: row 3, column 订单备注: a cell of 9 MB; a row is longer than 4 MB, "
        "the limit (limits.csv_row_mb in rules/settings.yaml); no export holds such a cell: "
        "export it again, or raise the limit"
    )


def test_the_limits_are_checked_as_rules(tmp_path: Path) -> None:
    rules = _rules(tmp_path, "  columns: 5\n")
    result = runner.invoke(app, ["inspect", "--data", str(SAMPLE), "--rules", str(rules)])
    assert result.exit_code == 2
    assert "settings.yaml" in result.stderr and "limits.columns" in result.stderr
