"""`csops kpi` through Typer's runner on the small exports of `kpidata`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from csops.cli.app import app

from ..conftest import table_rows
from .kpidata import write_data, write_rules

runner = CliRunner()


def folders(tmp_path: Path, **data: bool) -> tuple[str, str]:
    return str(write_data(tmp_path / "data", **data)), str(write_rules(tmp_path / "rules"))


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["kpi", *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_document(tmp_path: Path) -> None:
    data, rules = folders(tmp_path, attendance=True)
    code, out, err = run("--month", "2026-10", "--data", data, "--rules", rules, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["period"] == "2026-10"
    assert [s["staff_id"] for s in doc["staff"]] == ["1001", "1002", "1003", "1005"]
    ajie = doc["staff"][2]
    assert ajie["total"] == 93.75 and ajie["rank"] == 1
    assert ajie["bonus"] == "0.00" and ajie["bonus_before_withholding"] == "500.00"
    assert ajie["withheld_by_level"] == "punishment"
    assert [m["metric"] for m in ajie["metrics"]] == [
        "reply_timeliness",
        "first_response_s",
        "satisfaction_rate",
        "qa_score",
    ]
    assert ajie["metrics"][2]["missing"] is True and ajie["metrics"][2]["value"] is None
    assert "未考核：1001 老周" in err  # notes go to stderr with --format json, in Chinese


def test_quarter_and_staff(tmp_path: Path) -> None:
    data, rules = folders(tmp_path, quarter=True)
    args = ("--quarter", "2026Q3", "--data", data, "--rules", rules, "--staff", "1002")
    code, out, err = run(*args, "--format", "json", "--explain")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["period"] == "2026Q3" and doc["months"] == ["2026-07", "2026-08", "2026-09"]
    [me] = doc["staff"]
    assert me["total"] == 37.24
    assert me["metrics"][0]["numerator"] == 3 and me["metrics"][0]["denominator"] == 14
    assert [(c["file"], c["row"], c["check_score"]) for c in me["spot_checks"]] == [
        ("质检抽查.csv", 2, 90),
        ("质检抽查.csv", 3, 70),
        ("质检抽查.csv", 5, 60),
    ]


def test_table_with_explain(tmp_path: Path) -> None:
    data, rules = folders(tmp_path)
    code, out, err = run(
        "--month", "2026-10", "--data", data, "--rules", rules, "--explain", "--lang", "zh"
    )
    assert code == 0, err
    assert "绩效考核" in out and "绩效考核明细" in out and "质检抽查明细" in out
    assert "50.0% → 60" in out  # 小美's reply timeliness and its points
    assert "权重已分摊" in out  # 阿杰's satisfaction: no ratings, weight shared out
    assert "无适用考核卡（岗位 主管），不考核" in out


def test_csv_is_the_scorecard_with_typed_columns(tmp_path: Path) -> None:
    data, rules = folders(tmp_path)
    code, out, err = run(
        "--month", "2026-10", "--data", data, "--rules", rules, "--format", "csv", "--lang", "en"
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["Staff ID"] for r in rows] == ["1001", "1002", "1003", "1005"]
    me = rows[1]
    assert me["Reply timeliness"] == "50.0%" and me["Reply timeliness pts"] == "60"
    assert me["First response (s)"] == "42.5" and me["Total"] == "67.5"
    assert me["Bonus (yuan)"] == "200.00" and me["Rank in role"] == "2"
    assert rows[3]["Resolution rate"] == "" and rows[3]["Resolution rate pts"] == "50"


def test_xlsx_has_the_three_sheets(tmp_path: Path) -> None:
    data, rules = folders(tmp_path)
    target = tmp_path / "kpi.xlsx"
    code, _, err = run(
        "--month", "2026-10", "--data", data, "--rules", rules, "--format", "xlsx",
        "--out", str(target), "--lang", "en",
    )  # fmt: skip
    assert code == 0, err
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["KPI scorecard", "KPI detail", "Spot checks"]
    checks = book["Spot checks"]
    header, *rows = table_rows(checks)
    assert header[-2:] == ["File", "Row"]
    assert [r[-1] for r in rows] == [2, 3, 4]


def test_period_options(tmp_path: Path) -> None:
    data, rules = folders(tmp_path)
    code, _, err = run("--month", "2026-10", "--quarter", "2026Q4", "--data", data)
    assert code == 2
    assert err.strip() == (
        "Error: give the period: --month YYYY-MM or --quarter YYYYQn (one of them, not both)"
    )
    code, _, err = run("--quarter", "2026Q5", "--data", data)
    assert code == 2
    assert err.strip() == (
        "Error: --quarter '2026Q5': expected a quarter as YYYYQn or last (the quarter before "
        "today's), e.g. 2026Q4"
    )


def test_unknown_staff(tmp_path: Path) -> None:
    data, rules = folders(tmp_path)
    code, _, err = run("--month", "2026-10", "--data", data, "--rules", rules, "--staff", "9")
    assert code == 2
    assert (
        err.strip()
        == "Error: --staff 9: no such 工号 on staff in 2026-10; staff: 1001, 1002, 1003, 1005"
    )


def test_bad_spot_check_value_is_exit_1(tmp_path: Path) -> None:
    data, rules = folders(tmp_path)
    sheet = Path(data) / "质检抽查.csv"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace(",90,", ",190,"), encoding="utf-8")
    code, _, err = run("--month", "2026-10", "--data", data, "--rules", rules)
    assert code == 1
    assert err.strip() == (
        "Error: 质检抽查.csv: column 质检得分: 1 spot-check 得分 values outside 0–100 "
        "(rows 2: '190') — "
        "expected a score from 0 to 100"
    )


def test_buyers_masked_when_the_shop_says_so(tmp_path: Path) -> None:
    data, rules = folders(tmp_path)
    (Path(rules) / "settings.yaml").write_text("mask_buyers: true\n", encoding="utf-8")
    code, out, err = run(
        "--month", "2026-10", "--data", data, "--rules", rules, "--format", "json", "--explain"
    )
    assert code == 0, err
    buyers = [c["buyer"] for s in json.loads(out)["staff"] for c in s.get("spot_checks", [])]
    assert buyers == ["b**", "b**", "c**"]
