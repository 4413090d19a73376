"""Outputs never land inside inputs (issue 21, class 4): `--out`, `--log` and the ledger
may not be inside `--data` or be an input file, and files csops wrote are never read back
as exports."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from csops.cli.app import app

from ..conftest import REPO

runner = CliRunner()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(REPO / "samples" / "2026-10", folder)
    return folder


def monthly(data: Path, *args: str) -> list[str]:
    return ["monthly", "--month", "2026-10", "--data", str(data), *args]


@pytest.mark.parametrize(
    ("option", "where"),
    [("--out", "reports"), ("--log", "ExportOrderList202610.csv"), ("--log", "run.log"),
     ("--ledger", "ledger.sqlite")],
)  # fmt: skip
def test_an_output_inside_the_data_folder_is_refused(data: Path, option: str, where: str) -> None:
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    extra = [] if option == "--out" else ["--out", str(data.parent / "out")]
    close = ["--close"] if option == "--ledger" else []
    result = runner.invoke(app, monthly(data, option, str(data / where), *extra, *close))
    assert result.exit_code == 2, result.output
    assert f"{option} {data / where}: inside the input folder --data {data}" in result.stderr
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before  # nothing written


def test_an_output_that_is_a_given_input_file_is_refused(data: Path, tmp_path: Path) -> None:
    orders = tmp_path / "orders.csv"
    shutil.copy(data / "ExportOrderList202610.csv", orders)
    result = runner.invoke(
        app, ["overdue-shipments", "--orders", str(orders), "--as-of", "2026-10-31 20:00",
              "--format", "csv", "--out", str(orders)],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "that file is an input" in result.stderr


def test_a_workbook_csops_wrote_is_not_read_back_as_an_export(data: Path, tmp_path: Path) -> None:
    """Before, a report left in the folder was read as a second QA export and changed the
    bonus; now it is left unread, and the notes say so."""
    first = runner.invoke(app, monthly(data, "--out", str(tmp_path / "out1")))
    assert first.exit_code == 0, first.output
    shutil.copy(tmp_path / "out1" / "csops-2026-10.xlsx", data / "月报备份.xlsx")
    kpi = runner.invoke(app, ["kpi", "--month", "2026-10", "--data", str(data), "--format",
                              "json", "--out", str(tmp_path / "kpi.json")])  # fmt: skip
    assert kpi.exit_code == 0, kpi.output
    doc = json.loads((tmp_path / "kpi.json").read_text(encoding="utf-8"))
    assert any("written by csops" in n and "月报备份.xlsx" in n for n in doc["notes"])
    clean = tmp_path / "clean"
    shutil.copytree(REPO / "samples" / "2026-10", clean)
    again = runner.invoke(app, ["kpi", "--month", "2026-10", "--data", str(clean), "--format",
                                "json", "--out", str(tmp_path / "kpi0.json")])  # fmt: skip
    assert again.exit_code == 0
    expected = json.loads((tmp_path / "kpi0.json").read_text(encoding="utf-8"))
    assert doc["staff"] == expected["staff"]
