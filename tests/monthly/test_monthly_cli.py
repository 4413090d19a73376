"""`csops monthly` through Typer's runner, on the small month in tests/monthly/data/2026-10.

Expected (hand-computed): scores 1001 小美 6.5 ok, 1002 阿杰 5 warning, 1003 老周 9.5 ok
(the month of tests/scoring); commission at 0.5 %: 1001 net 1,200.00 → 6.00 + award
200.00 = 206.00, 1002 net 400.00 (500 − 100 refunded) → 2.00, 1003 net 80.00 → 0.40; order
…005 (no memo) is unattributed, …006 unpaid. Chats: 小美 answers after 20 s and 40 s (first
response 20, average 30), 阿杰 after 300 s, 老周 never (1 wait over 10 min). At the end of
the month (2026-11-01 00:00) two paid orders are unshipped: …003 paid 10-29 12:00 (60 h,
overdue) and …004 paid 10-30 22:00 and shipped only 11-01 09:00 (26 h, warning).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from rich.console import Console
from typer.testing import CliRunner

from csops.cli.app import app
from csops.report.output import Report, Sheet, emit

from ..conftest import REPO

DATA = Path(__file__).parent / "data" / "2026-10"
runner = CliRunner()

SHEETS_ZH = [
    "月度汇总",
    "图表",
    "考核分",
    "扣分明细",
    "考勤明细",
    "提成",
    "订单归属",
    "备注冲突",
    "未知工号",
    "嘉奖",
    "聊天指标",
    "等待明细",
    "绩效考核",
    "绩效考核明细",
    "质检抽查明细",
    "待发货",
    "待发货按客服",
    "数据检查",
]


def monthly(out: Path, *args: str, data: Path = DATA) -> Any:
    return runner.invoke(
        app, ["monthly", "--month", "2026-10", "--data", str(data), "--out", str(out), *args]
    )


def command_json(*args: str) -> Any:
    result = runner.invoke(app, [*args, "--data", str(DATA), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    doc.pop("rules_in_force")  # the month-end JSON says it once, at its top
    return doc


def rows_of(ws: Any) -> list[list[Any]]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def table(ws: Any) -> tuple[list[Any], dict[str, list[Any]]]:
    """The header row (the first row with a frozen pane under it) and the rows by 1st cell."""
    header_at = int(re.sub(r"[A-Z]", "", ws.freeze_panes)) - 1
    rows = rows_of(ws)
    return rows[header_at - 1], {str(r[0]): r for r in rows[header_at:]}


@pytest.fixture(scope="module")
def month_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("monthly")
    result = monthly(out)
    assert result.exit_code == 0, result.output
    return out


def test_one_summary_line_and_the_files(month_out: Path) -> None:
    result = monthly(month_out)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "csops monthly 2026-10: 3 人, 提成合计 208.40 元, 月末待发货 2 单 → "
    )
    assert sorted(p.name for p in month_out.iterdir()) == [
        ".csops-monthly.lock",
        "csops-2026-10.json",
        "csops-2026-10.xlsx",
    ]


def test_workbook_sheets_and_cells_against_the_json(month_out: Path) -> None:
    doc = json.loads((month_out / "csops-2026-10.json").read_text(encoding="utf-8"))
    book = openpyxl.load_workbook(month_out / "csops-2026-10.xlsx")
    assert book.sheetnames == SHEETS_ZH

    header, rows = table(book["月度汇总"])
    assert header[:6] == ["工号", "姓名", "岗位", "得分", "等级", "考核排名"]
    total = rows.pop("None")  # the 合计 row at the bottom: money and counts summed
    assert total[1] == "合计"
    cell_total = dict(zip(header, total, strict=True))
    assert (
        f"{cell_total['提成合计(元)']:.2f}"
        == f"{sum(float(s['total']) for s in doc['commission']['staff']):.2f}"
    )
    ranks = {sid: dict(zip(header, r, strict=True))["考核排名"] for sid, r in rows.items()}
    scores = {s["staff_id"]: s["score"] for s in doc["score"]["staff"]}
    assert ranks == {
        sid: 1 + sum(other > mine for other in scores.values()) for sid, mine in scores.items()
    }
    assert "提成合计(元)" in header and "平响(秒)" in header and "月末待发货" in header
    by_id = {s["staff_id"]: s for s in doc["score"]["staff"]}
    commission = {s["staff_id"]: s for s in doc["commission"]["staff"]}
    chats = {s["staff_id"]: s for s in doc["chats"]["staff"]}
    for staff_id, row in rows.items():
        cell = dict(zip(header, row, strict=True))
        assert cell["得分"] == by_id[staff_id]["score"]
        assert f"{cell['提成合计(元)']:.2f}" == commission[staff_id]["total"]
        assert cell["平响(秒)"] == chats[staff_id]["avg_response_s"]
    assert rows["1001"][:5] == ["1001", "小美", "售前", 6.5, "正常"]
    assert rows["1002"][4] == "口头警告"
    assert dict(zip(header, rows["1001"], strict=True))["提成合计(元)"] == 206
    assert dict(zip(header, rows["1001"], strict=True))["月末待发货"] == 1
    assert dict(zip(header, rows["1002"], strict=True))["月末待发货"] == 0
    # money with two decimals, rates as %, level colours
    summary = book["月度汇总"]
    money = summary.cell(row=12, column=header.index("提成合计(元)") + 1)
    assert money.number_format == "#,##0.00"
    assert summary.cell(row=12, column=header.index("回复率") + 1).number_format == "0.0%"
    assert summary.cell(row=13, column=1).fill.fgColor.rgb == "FFFFF2CC"  # 1002 warning

    header, rows = table(book["提成"])
    assert rows["1002"][header.index("净销售额")] == 400
    header, rows = table(book["订单归属"])
    assert set(rows) == {f"401234567890000000{d}" for d in "12345"}
    assert rows["4012345678900000002"][header.index("净额")] == 400

    header, rows = table(book["待发货"])
    assert list(rows) == ["4012345678900000003", "4012345678900000004"]
    # A buyer nick that looks like a formula stays text.
    buyer = rows["4012345678900000003"][header.index("买家")]
    assert buyer == '=HYPERLINK("http://example.com","点我")'
    assert doc["overdue"]["orders"][0]["buyer"] == buyer

    header, rows = table(book["考勤明细"])
    assert header[:5] == ["工号", "姓名", "日期", "班次", "出勤"]
    attendance = rows_of(book["考勤明细"])
    absent = [r for r in attendance if r[0] == "1002" and r[4] == "旷工"]
    assert len(absent) == 1 and absent[0][11] == "是"

    header, rows = table(book["等待明细"])
    waits = [r for r in rows_of(book["等待明细"]) if str(r[0]).startswith("100")]
    # By default only the waits that broke a rule: here the one never answered.
    assert [r[header.index("等待时长(秒)")] for r in waits] == [None]
    header, rows = table(book["数据检查"])
    assert set(rows) == {
        "attendance.csv",
        "chats.csv",
        "incidents.csv",
        "leave.csv",
        "orders.csv",
        "roster.csv",
    }


def test_frozen_headers_and_filters(month_out: Path) -> None:
    book = openpyxl.load_workbook(month_out / "csops-2026-10.xlsx")
    # Summary: title, 6 headline notes, the data warning (orders credited to no one) and
    # the rules in force, a blank row, the header on row 11.
    assert book["月度汇总"].freeze_panes == "C12"
    assert book["月度汇总"].auto_filter.ref == "A11:Q14"  # the staff rows, not the 合计 row
    for name in SHEETS_ZH:
        if name != "图表":
            ws = book[name]
            assert ws.freeze_panes is not None and ws.auto_filter.ref, name


def test_charts_on_the_charts_sheet(month_out: Path) -> None:
    with zipfile.ZipFile(month_out / "csops-2026-10.xlsx") as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        xml = [z.read(n).decode() for n in charts]
        drawing_rels = z.read("xl/worksheets/_rels/sheet2.xml.rels").decode()
    assert len(charts) == 4
    assert "drawing" in drawing_rels  # sheet 2 (图表) holds them
    titles = [re.findall(r"<a:t>([^<]+)</a:t>", x)[0] for x in xml]
    assert titles == ["考核得分（按等级着色）", "提成合计（元）", "响应时长（秒）", "绩效总分"]
    # Each chart's data is written, sorted, in hidden columns of the Charts sheet itself
    # (AO on): the Summary sheet keeps its order, the bars come highest first.
    assert "图表!$AO$3:$AO$5" in xml[0] and "图表!$AP$3:$AP$5" in xml[0]
    assert "图表!$AR$3:$AR$5" in xml[1]
    assert xml[2].count("<c:ser>") == 2
    # Each chart carries its values (what a preview without a spreadsheet engine shows).
    doc = json.loads((month_out / "csops-2026-10.json").read_text(encoding="utf-8"))
    staff = len(doc["score"]["staff"])
    assert all(f'<c:ptCount val="{staff}"/>' in x for x in xml[:2])
    scores = re.findall(r"<c:v>([^<]+)</c:v>", xml[0].split("<c:val>")[1])
    assert [float(v) for v in scores] == sorted(
        (float(s["score"]) for s in doc["score"]["staff"]), reverse=True
    )
    # The level colours have their legend under the score chart.
    book = openpyxl.load_workbook(month_out / "csops-2026-10.xlsx")
    legend = [c.value for row in book["图表"].iter_rows(max_col=10) for c in row if c.value]
    assert {"正常", "口头警告", "惩罚"} <= set(legend)


def test_json_sections_are_the_commands_documents(month_out: Path) -> None:
    doc = json.loads((month_out / "csops-2026-10.json").read_text(encoding="utf-8"))
    assert list(doc) == [
        "month",
        "as_of",
        "score",
        "commission",
        "chats",
        "kpi",
        "overdue",
        "inputs",
        "files",
        "warnings",
        "rules_in_force",
    ]
    assert doc["as_of"] == "2026-11-01 00:00"
    assert doc["score"] == command_json("score", "--month", "2026-10")
    assert doc["commission"] == command_json("commission", "--month", "2026-10")
    assert doc["chats"] == command_json("chats", "--month", "2026-10")
    assert doc["overdue"] == command_json("overdue-shipments", "--as-of", "2026-11-01 00:00")
    assert doc["files"] == {"workbook": "csops-2026-10.xlsx", "csv": {}}
    files = {f["file"]: f for f in doc["inputs"]["files"]}
    assert files["orders.csv"]["kind"] == "orders" and files["orders.csv"]["rows"] == 6


def test_english_workbook(tmp_path: Path) -> None:
    result = monthly(tmp_path, "--lang", "en", "--quiet")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    book = openpyxl.load_workbook(tmp_path / "csops-2026-10.xlsx")
    assert book.sheetnames[:5] == [
        "Monthly summary",
        "Charts",
        "Scores",
        "Evidence",
        "Attendance by day",
    ]
    header, rows = table(book["Monthly summary"])
    assert rows["1002"][4] == "verbal warning"


def rules_with(tmp_path: Path, settings: str) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(REPO / "rules", folder)
    (folder / "settings.yaml").write_text(settings, encoding="utf-8")
    return folder


def test_every_wait_with_detail_all(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = monthly(out, "--detail", "all")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out / "csops-2026-10.xlsx")
    header, _ = table(book["等待明细"])
    waits = [r for r in rows_of(book["等待明细"]) if str(r[0]).startswith("100")]
    assert [r[header.index("等待时长(秒)")] for r in waits] == [20, 40, 300, None]


def test_big_detail_goes_to_csv_beside_the_workbook(tmp_path: Path) -> None:
    out = tmp_path / "out"
    limit = str(rules_with(tmp_path, "detail_row_limit: 3\n"))
    result = monthly(out, "--rules", limit, "--detail", "all")
    assert result.exit_code == 0, result.output
    assert ", out/" not in result.stdout
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        ".csops-monthly.lock",
        "csops-2026-10.attendance.csv",
        "csops-2026-10.evidence.csv",
        "csops-2026-10.json",
        "csops-2026-10.kpi_detail.csv",
        "csops-2026-10.orders.csv",
        "csops-2026-10.waits.csv",
        "csops-2026-10.xlsx",
    ]
    doc = json.loads((out / "csops-2026-10.json").read_text(encoding="utf-8"))
    assert doc["files"]["csv"]["orders"] == ["csops-2026-10.orders.csv"]
    book = openpyxl.load_workbook(out / "csops-2026-10.xlsx")
    orders = rows_of(book["订单归属"])
    assert orders[1][0].startswith("本表 5 行，超过 3 行的上限")
    assert "csops-2026-10.orders.csv" in orders[1][0]
    assert orders[-1][0] == "订单编号"  # the header, no rows
    # The CSV is what `--format csv` of the same sheet would write (UTF-8 with BOM).
    raw = (out / "csops-2026-10.orders.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("订单编号,付款时间,实付金额,退款金额,净额,归属客服")
    assert len(lines) == 1 + 5
    waits = (out / "csops-2026-10.waits.csv").read_text(encoding="utf-8-sig").splitlines()
    assert waits[1].startswith("1001 小美,星辰家居旗舰店:小美,tb小鱼88,2026-10-03 13:00:00,")

    # A later run under the default limit puts the rows back and removes the CSV files.
    result = monthly(out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        ".csops-monthly.lock",
        "csops-2026-10.json",
        "csops-2026-10.xlsx",
    ]


def test_overdue_formula_text_in_csv_is_inert(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = monthly(out, "--rules", str(rules_with(tmp_path, "detail_row_limit: 1\n")))
    assert result.exit_code == 0, result.output
    text = (out / "csops-2026-10.overdue.csv").read_text(encoding="utf-8-sig")
    assert '\'=HYPERLINK(""http://example.com"",""点我"")' in text


def test_failures_exit_codes_and_log(tmp_path: Path) -> None:
    log = tmp_path / "cron.log"
    result = monthly(tmp_path / "out", "--log", str(log), data=tmp_path / "missing")
    assert result.exit_code == 2
    assert "Error: --data" in result.stderr and "no such folder" in result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "roster.csv").write_text("工号,姓名\n1001,小美\n", encoding="utf-8")
    result = monthly(tmp_path / "out", "--log", str(log), data=empty)
    assert result.exit_code == 1
    assert "no 考勤打卡 (attendance) export found" in result.stderr
    result = monthly(tmp_path / "out", "--log", str(log), "--quiet")
    assert result.exit_code == 0 and result.stdout == ""
    entries = log.read_text(encoding="utf-8").splitlines()
    assert len(entries) == 3
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d failed \(exit 2\): --data ", entries[0])
    assert " failed (exit 1): no 考勤打卡 (attendance) export found" in entries[1]
    assert " ok: csops monthly 2026-10: 3 人" in entries[2]
    assert not (tmp_path / "out" / "csops-2026-10.xlsx").with_suffix(".part").exists()


def test_bad_month_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["monthly", "--month", "2026-13", "--data", str(DATA), "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "--month '2026-13': expected a month as YYYY-MM" in result.stderr


def test_month_last_is_the_month_before_today(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime

    import csops.domain.period

    def november(timezone: str = "") -> datetime.date:
        return datetime.date(2026, 11, 1)

    monkeypatch.setattr(csops.domain.period, "current_date", november)
    result = runner.invoke(
        app, ["monthly", "--month", "last", "--data", str(DATA), "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "csops-2026-10.xlsx").exists()


def test_detail_csv_is_the_same_as_write_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole-column CSV writer gives the bytes of `--format csv` for the same sheet."""
    from decimal import Decimal

    import numpy as np
    import pandas as pd

    import csops.report.detail
    from csops.report.detail import write_detail_csv
    from csops.report.output import Column

    monkeypatch.setattr(csops.report.detail, "CHUNK_ROWS", 4)  # several chunks
    text = ["a,b", "=1+1", None, '引号"', "-3", "\tx", "行\n换", "\r回车", "ok"]
    frame = pd.DataFrame(
        {
            "t": pd.array(text, dtype="str"),
            "o": pd.Series(["x", None, 3, Decimal("1.5"), "=y", True, 2.5, "", "z"], dtype=object),
            "m": pd.Series(
                [Decimal("1.005"), None, Decimal("-2"), 3, 4.5, 0, 1, 2, 3], dtype=object
            ),
            "i": pd.array([1, None, -3, 4, 5, 6, 7, 8, 9], dtype="Int64"),
            "f": [0.5, np.nan, 1 / 3, 2.0, -1.25, 100.0, 7.05, 8.0, 1e-7],
            "d": pd.to_datetime(
                ["2026-10-01 08:00:01.7", None, "1969-12-31 23:59:59.5"] + ["2026-10-31"] * 6,
                format="mixed",
            ),
            "c": pd.Categorical(["x", None, "=c", "x", "y,z", "y", "x", "x", "x"]),
            "k": pd.Categorical([1.5, 2.0, None, 1.5, 1.5, 2.0, 2.0, 1.5, 1.5]),
            "b": [True, False] * 4 + [True],
            "n": np.arange(-4, 5, dtype="int64"),
            "e": ["", "a", "", "", "", "", "", "", ""],
        }
    )
    sheets = [
        Sheet("s", frame, [Column(k, t) for k, t in types])
        for types in (
            [("t", "text"), ("o", "text"), ("m", "money"), ("i", "int"), ("f", "seconds")],
            [("f", "rate"), ("f", "number"), ("f", "money"), ("d", "datetime"), ("d", "date")],
            [("c", "text"), ("b", "text"), ("n", "int"), ("n", "money"), ("missing", "text")],
            [("f", "text"), ("i", "money"), ("d", "text"), ("o", "number"), ("k", "number")],
            [("e", "text")],
            [("t", "text")],
        )
    ]
    sheets.append(Sheet("empty", frame.head(0), sheets[0].columns))
    for i, sheet in enumerate(sheets):
        fast, slow = tmp_path / f"fast{i}.csv", tmp_path / f"slow{i}.csv"
        write_detail_csv(sheet, "zh", fast)
        emit(Report({}, [sheet]), "csv", slow, "zh", Console(file=io.StringIO()))
        assert fast.read_bytes() == slow.read_bytes(), i


def test_an_export_outside_the_folder(tmp_path: Path, month_out: Path) -> None:
    """As with the other commands, --chats FILE (and --orders, --roster, …) adds an export
    the data folder does not hold."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("chats.csv"))
    result = monthly(tmp_path / "out", "--chats", str(DATA / "chats.csv"), data=data)
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "out" / "csops-2026-10.json").read_text(encoding="utf-8"))
    expected = json.loads((month_out / "csops-2026-10.json").read_text(encoding="utf-8"))
    assert doc["chats"] == expected["chats"]
    assert str(DATA / "chats.csv") in [f["file"] for f in doc["inputs"]["files"]]
