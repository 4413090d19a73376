"""`csops inspect` through Typer's runner, and `python -m csops` in a subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from csops.cli.app import app

from ..conftest import FIXTURES

runner = CliRunner()


def fixture_folder(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for name in names:
        shutil.copy(FIXTURES / name, folder / name)
    return folder


def test_inspect_json_lists_every_file(tmp_path: Path) -> None:
    folder = fixture_folder(
        tmp_path, "orders_taobao_gb18030.csv", "attendance_dingtalk.xlsx", "roster.xlsx"
    )
    result = runner.invoke(app, ["inspect", "--data", str(folder), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    kinds = {f["file"]: f["kind"] for f in doc["files"]}
    assert kinds == {
        "orders_taobao_gb18030.csv": "orders",
        "attendance_dingtalk.xlsx": "attendance",
        "roster.xlsx": "roster",
    }
    attendance = next(f for f in doc["files"] if f["kind"] == "attendance")
    assert attendance["header_row"] == 3
    assert attendance["columns"]["clock_in"] == "上班 1 打卡时间"
    assert attendance["rows"] == 4


def test_inspect_table_in_english(tmp_path: Path) -> None:
    folder = fixture_folder(tmp_path, "roster.xlsx")
    result = runner.invoke(app, ["inspect", "--data", str(folder), "--lang", "en"])
    assert result.exit_code == 0
    assert "staff roster" in result.stdout and "Header row" in result.stdout


def test_inspect_missing_required_column_exits_1(tmp_path: Path) -> None:
    folder = fixture_folder(tmp_path, "bad_missing_column.csv", "roster.xlsx")
    result = runner.invoke(app, ["inspect", "--data", str(folder), "--format", "json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    bad = next(f for f in doc["files"] if f["file"] == "bad_missing_column.csv")
    assert "required column paid_amount is missing" in bad["problems"][0]
    assert "rules/columns.yaml" in bad["problems"][0]


def test_empty_data_folder_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["inspect", "--data", str(tmp_path / "empty")])
    assert result.exit_code == 2
    assert "holds no CSV or Excel files" in result.stderr
    assert "Traceback" not in result.output


def test_xlsx_needs_out(tmp_path: Path) -> None:
    folder = fixture_folder(tmp_path, "roster.xlsx")
    result = runner.invoke(app, ["inspect", "--data", str(folder), "--format", "xlsx"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: --format xlsx needs --out FILE.xlsx (a workbook cannot go to the terminal)"
    )


def test_module_entry_point_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "csops", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "inspect" in done.stdout
