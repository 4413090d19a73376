"""`csops score` through Typer's runner, on the small month in tests/scoring/data/month.

Expected (hand-computed): 1001 小美 late 08:01 (−0.5), late 08:45 → absence (−2), one
attitude complaint (−1), a leave day and a missed clock-out (free) → 6.5 ok; 1002 阿杰
hired 10-13, a row of 10-12 not scored, 旷工 on 10-14 with a revoked 调休 → 5 warning;
1003 老周 unfinished work 0.5, 千牛 offline once → 9.5 ok; an incident of 9999 (not on
the roster) is a warning.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from csops.cli.app import app

from ..conftest import REPO, report_sheets

DATA = Path(__file__).parent / "data" / "month"
runner = CliRunner()


def run(*args: str) -> object:
    return runner.invoke(app, ["score", "--month", "2026-10", "--data", str(DATA), *args])


def test_table_lists_every_staff_member_with_levels() -> None:
    result = run("--lang", "en")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Monthly scores" in out
    lines = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") > 3}
    assert "6.5" in lines["1001"] and "ok" in lines["1001"]
    assert "1 / -0.5" in lines["1001"] and "1 / -2" in lines["1001"]
    assert "verbal warning" in lines["1002"] and "1 / -5" in lines["1002"]
    assert "9.5" in lines["1003"] and "1 / -0.5" in lines["1003"]
    assert "incidents.csv: column 工号: 1 incident rows name a 工号 that is not on the roster" in (
        out.replace("\n", "")
    )


def test_table_in_chinese_by_default() -> None:
    result = run()
    assert result.exit_code == 0
    assert "月度考核分" in result.stdout and "口头警告" in result.stdout and "迟到" in result.stdout


def test_json_contract() -> None:
    result = run("--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["month"] == "2026-10"
    scores = {s["staff_id"]: (s["score"], s["level"]) for s in doc["staff"]}
    assert scores == {"1001": (6.5, "ok"), "1002": (5.0, "warning"), "1003": (9.5, "ok")}
    late = doc["staff"][0]["deductions"][0]
    assert (late["rule"], late["count"], late["points"]) == ("late", 1, -0.5)
    assert late["evidence"][0]["file"] == "attendance.csv"
    assert late["evidence"][0]["row"] == 5
    assert late["evidence"][0]["date"] == "2026-10-09"
    assert late["evidence"][0]["detail"].startswith("上班打卡 08:01，班次 白班 08:00-17:00")


def test_explain_one_staff_member() -> None:
    result = run("--staff", "1002", "--explain", "--lang", "en")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Score evidence" in out
    assert "1001" not in out.split("Score evidence")[1].split("attendance.csv: 1 attendance")[0]
    flat = " ".join(out.split())
    assert "no punch on 晚班 17:00-23:00 and no approved leave: 旷工" in flat
    assert "│ 1002 │ 阿杰 │ Unauthorized absence │ 2026-10-14 │ attendance.csv │ 10 │ -5 │" in flat


def test_csv_has_count_and_points_columns() -> None:
    result = run("--format", "csv", "--lang", "en")
    assert result.exit_code == 0
    header = result.stdout.splitlines()[0].split(",")
    # Who, the score and the level first (issue 22), then each rule's count and points.
    assert header[:7] == ["Staff ID", "Name", "Score", "Level", "Role", "Late count", "Late points"]
    assert "Score" in header and "Level" in header and "Awards (yuan)" in header
    first = dict(zip(header, result.stdout.splitlines()[1].split(","), strict=True))
    assert first["Late count"] == "1" and first["Absence points"] == "-2"
    assert first["Score"] == "6.5" and first["Level"] == "ok"


def test_csv_explain_gives_the_evidence() -> None:
    result = run("--format", "csv", "--explain", "--lang", "en", "--staff", "1003")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Staff ID,Name,Rule,Date,File,Row,Points,What was seen"
    assert lines[1].startswith("1003,老周,Offline on Qianniu,2026-10-21,incidents.csv,5,0,")
    assert lines[2].startswith("1003,老周,Unfinished work,2026-10-09,incidents.csv,3,-0.5,")


def test_xlsx_has_scores_and_evidence_sheets(tmp_path: Path) -> None:
    target = tmp_path / "scores.xlsx"
    result = run("--format", "xlsx", "--out", str(target), "--lang", "en")
    assert result.exit_code == 0, result.output
    sheets = report_sheets(target, dtype={"Staff ID": str})
    assert list(sheets) == ["Monthly scores", "Score evidence"]
    scores = sheets["Monthly scores"]
    assert scores["Score"].tolist() == [6.5, 5.0, 9.5]
    assert scores["Level"].tolist() == ["ok", "verbal warning", "ok"]
    evidence = sheets["Score evidence"]
    assert len(evidence) == 8
    assert evidence["Points"].sum() == pytest.approx(-9.0)


def test_table_to_file(tmp_path: Path) -> None:
    target = tmp_path / "scores.txt"
    result = run("--out", str(target), "--explain", "--lang", "en")
    assert result.exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert "Monthly scores" in text and "Score evidence" in text


def test_strict_turns_unknown_staff_into_an_error() -> None:
    result = run("--strict")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: incidents.csv: column 工号: 1 incident rows name a 工号 that is not on the roster "
        "(9999) (rows 6: '9999')"
    )


def test_unknown_staff_option() -> None:
    result = run("--staff", "4242")
    assert result.exit_code == 2
    assert "--staff 4242: no such 工号 on staff in 2026-10; staff: 1001, 1002, 1003" in (
        result.stderr
    )


def test_bad_month() -> None:
    result = runner.invoke(app, ["score", "--month", "2026-13", "--data", str(DATA)])
    assert result.exit_code == 2
    assert "expected a month as YYYY-MM" in result.stderr


def copy_data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    return folder


def test_unreadable_punch_time(tmp_path: Path) -> None:
    folder = copy_data(tmp_path)
    path = folder / "attendance.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",08:01,", ",8点01,"), encoding="utf-8"
    )
    result = runner.invoke(app, ["score", "--month", "2026-10", "--data", str(folder)])
    assert result.exit_code == 1
    assert "attendance.csv: column 上班1打卡时间: 1 rows could not be read as a clock time" in (
        result.stderr
    )
    assert "'8点01'" in result.stderr


def test_month_without_attendance(tmp_path: Path) -> None:
    result = runner.invoke(app, ["score", "--month", "2026-11", "--data", str(DATA)])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: attendance.csv: no attendance rows for 2026-11 (dates found: 2026-10-08 ~ "
        "2026-10-14)"
    )


def test_bad_rule_file(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(REPO / "rules", folder)
    path = folder / "scoring.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("points: -0.5", "points: -0,5"), encoding="utf-8"
    )
    result = run("--rules", str(folder))
    assert result.exit_code == 2
    assert "rules/scoring.yaml: rules #1 (late).points" in result.stderr


def test_seed001_rules_report_yuan() -> None:
    result = run("--rules", str(REPO / "rules" / "examples" / "seed001"), "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    first = doc["staff"][0]
    # 1001: 45 min late (beyond 10 min: ¥20) and 1 min late (free) on 白班 08:00-17:00.
    assert first["penalty_yuan"] == "20.00"
    late = first["deductions"][0]
    assert (late["rule"], late["count"], late["free"], late["yuan"]) == (
        "late_or_early",
        1,
        1,
        "20.00",
    )


def test_sample_month_exercises_every_rule(tmp_path: Path) -> None:
    """Smoke test on the generated sample month (its fixed base scenarios)."""
    samplegen = pytest.importorskip("tools.samplegen")
    folder = tmp_path / "sample"
    samplegen.main(["--month", "2026-10", "--out", str(folder), "--orders", "200",
                    "--messages", "500"])  # fmt: skip
    result = runner.invoke(
        app, ["score", "--month", "2026-10", "--data", str(folder), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    charged = {d["rule"] for s in doc["staff"] for d in s["deductions"] if d["points"]}
    assert charged == {r["id"] for r in doc["rules"]}
