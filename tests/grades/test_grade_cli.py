"""`csops grade --year` through Typer's runner, over a ledger of hand-made closed months,
and over the committed sample year (samples/2025)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from csops.cli.app import app
from csops.jobs.ledger import Ledger

from ..conftest import REPO, figures_of_document, table_rows
from .yeardata import staff_rows

runner = CliRunner()

STAFF = {
    "1001": staff_rows("1001", name="周建国"),  # A
    "1003": staff_rows("1003", [10, 9.5, 10, 10, 10, 7.5, 10, 10, 10, 10, 10, 10], name="陈雅婷"),
    "1007": staff_rows(  # C
        "1007", 7.0, name="吴峰", leave_days={3: 2, 7: 2}, late_days={2: 1, 5: 2}
    ),
    "1002": staff_rows("1002", 4.0, name="林小美", late_days={1: 24}),  # none
}


def make_ledger(path: Path, months: range = range(1, 13)) -> Path:
    ledger = Ledger(path)
    for number in months:
        month = f"2026-{number:02d}"
        score = {
            staff_id: {k: v for k, v in row.items() if k not in ("month", "staff_id")}
            for staff_id, rows in STAFF.items()
            for row in rows
            if row["month"] == month
        }
        ledger.close_month(month, {"score": score}, "ab" * 32, [])
    return path


def grade(*args: str) -> Any:
    return runner.invoke(app, ["grade", "--year", "2026", *args])


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return make_ledger(tmp_path / "ledger.sqlite")


def test_json_contract(ledger: Path) -> None:
    result = grade("--ledger", str(ledger), "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    doc = figures_of_document(result.stdout)
    assert doc == {
        "year": 2026,
        "staff": [
            {
                "staff_id": "1001",
                "name": "周建国",
                "grade": "A",
                "amount": "3000.00",
                "months": 12,
                "reasons": ["A: no 旷工, no major mistake, no month below 8, average 10 ≥ 9.5"],
            },
            {
                "staff_id": "1002",
                "name": "林小美",
                "grade": None,
                "amount": "0.00",
                "months": 12,
                "reasons": [
                    "not A: 12 months < 8, lowest January 4, average 4 < 9.5",
                    "not B: average 4 < 8",
                    "not C: leave days 0, outside 3–10, lates + early leaves 24, outside 3–10",
                ],
            },
            {
                "staff_id": "1003",
                "name": "陈雅婷",
                "grade": "B",
                "amount": "2000.00",
                "months": 12,
                "reasons": [
                    "B: no 旷工, no major mistake, average 9.75 ≥ 8",
                    "not A: June 7.5 < 8",
                ],
            },
            {
                "staff_id": "1007",
                "name": "吴峰",
                "grade": "C",
                "amount": "1000.00",
                "months": 12,
                "reasons": [
                    "C: no major mistake, leave days 4 within 3–10, lates + early leaves 3 "
                    "within 3–10",
                    "not A: 12 months < 8, lowest January 7, average 7 < 9.5",
                    "not B: average 7 < 8",
                ],
            },
        ],
    }


def test_table_in_chinese(ledger: Path) -> None:
    result = grade("--ledger", str(ledger))
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "年终等级" in out
    assert "│ 1003 │ 陈雅婷 │ 12 │ 9.75 │ 7.5 │ 0 │ 0 │ 0 │ 0 │ B 良好 │ 2000.00 │" in out
    assert "B：无旷工，无重大失误，平均分 9.75，不低于 8；未达 A：6月 7.5，低于 8" in out
    assert "│ 1002 │ 林小美 │ 12 │ 4 │ 4 │ 0 │ 0 │ 24 │ 0 │ 无 │ 0.00 │" in out


def test_csv_and_xlsx(ledger: Path, tmp_path: Path) -> None:
    result = grade("--ledger", str(ledger), "--format", "csv", "--lang", "en")
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert table[0][:3] == ["Staff ID", "Name", "Months"]
    assert table[0][-3:] == ["Grade", "Amount", "Why"]
    assert table[4][:2] == ["1007", "吴峰"] and table[4][-3:-1] == ["C average", "1000.00"]
    target = tmp_path / "grades.xlsx"
    result = grade("--ledger", str(ledger), "--format", "xlsx", "--out", str(target))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(target)["年终等级"]
    values = table_rows(sheet)
    assert values[1][:3] == ["1001", "周建国", 12]
    assert values[1][-3:-1] == ["A 优秀", 3000]


def test_months_not_closed_are_an_error_naming_them(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path / "ledger.sqlite", range(1, 11))
    result = grade("--ledger", str(ledger))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: grades for 2026 need all twelve months closed; not closed: 2026-11, 2026-12. "
        "Close them (csops close --month 2026-11 …) or pass --allow-missing to grade on the 10 "
        "closed months"
    )


def test_allow_missing_grades_the_closed_months_and_says_so(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path / "ledger.sqlite", range(1, 11))
    result = grade("--ledger", str(ledger), "--allow-missing", "--format", "json", "--lang", "en")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {s["staff_id"]: (s["grade"], s["amount"]) for s in doc["staff"]} == {
        "1001": ("A", "3000.00"),
        "1002": (None, "0.00"),
        "1003": ("B", "2000.00"),
        "1007": ("C", "1000.00"),
    }
    assert "graded on the 10 closed months of 2026; not closed: 2026-11, 2026-12" in result.stderr


def test_no_ledger_and_bad_year(tmp_path: Path) -> None:
    missing = grade("--ledger", str(tmp_path / "none.sqlite"))
    assert missing.exit_code == 1
    assert "does not exist: no month has been closed there" in " ".join(missing.stderr.split())
    bad = runner.invoke(app, ["grade", "--year", "26", "--ledger", str(tmp_path / "x")])
    assert bad.exit_code == 2
    assert "--year 26: expected a year as YYYY" in bad.stderr


def test_rules_folder_changes_the_ladder(ledger: Path, tmp_path: Path) -> None:
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    (rules / "grades.yaml").write_text(
        "grades:\n  - id: 优\n    amount: 500.50\n    conditions:\n"
        "      - {measure: average_score, min: 9}\n",
        encoding="utf-8",
    )
    result = grade("--ledger", str(ledger), "--rules", str(rules), "--format", "json")
    doc = json.loads(result.stdout)
    assert {s["staff_id"]: (s["grade"], s["amount"]) for s in doc["staff"]} == {
        "1001": ("优", "500.50"),
        "1002": (None, "0.00"),
        "1003": ("优", "500.50"),
        "1007": (None, "0.00"),
    }


# ---------------------------------------------------------------- the sample year

SAMPLE = REPO / "samples" / "2025"


def test_sample_year_shows_every_grade() -> None:
    result = runner.invoke(
        app,
        ["grade", "--year", "2025", "--ledger", str(SAMPLE / "csops-ledger.sqlite"),
         "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    grades = {s["staff_id"]: s["grade"] for s in json.loads(result.stdout)["staff"]}
    assert grades == {
        "1001": "A",
        "1002": None,
        "1003": "B",
        "1004": None,
        "1005": None,
        "1006": "A",
        "1007": "C",
        "1008": "B",
    }


def test_sample_ledger_matches_the_committed_month_files() -> None:
    import hashlib

    ledger = Ledger(SAMPLE / "csops-ledger.sqlite")
    months = [c.month for c in ledger.closed_months()]
    assert months == [f"2025-{m:02d}" for m in range(1, 13)]
    for month in months:
        for f in ledger.inputs(month):
            data = (SAMPLE / month / f.name).read_bytes()
            assert hashlib.sha256(data).hexdigest() == f.sha256, (month, f.name)


@pytest.mark.parametrize("closed", [1, 5])
def test_allow_missing_needs_the_minimum_of_closed_months(tmp_path: Path, closed: int) -> None:
    """One closed month used to pay a whole year's A with --allow-missing."""
    ledger = make_ledger(tmp_path / "ledger.sqlite", range(1, closed + 1))
    result = grade("--ledger", str(ledger), "--allow-missing", "--lang", "en")
    assert result.exit_code == 1
    assert (
        f"grades for 2026 need at least 6 closed months (min_closed_months in "
        f"rules/grades.yaml), even with --allow-missing; {closed} closed"
    ) in " ".join(result.stderr.split())
    assert "Traceback" not in result.output


def test_six_closed_months_are_enough_with_allow_missing(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path / "ledger.sqlite", range(1, 7))
    result = grade("--ledger", str(ledger), "--allow-missing", "--lang", "en")
    assert result.exit_code == 0, result.output
