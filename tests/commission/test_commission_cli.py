"""`csops commission` through Typer's runner, on a small month of named export files."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from csops.cli.app import app
from csops.jobs import month as jobs_month

from ..conftest import REPO, figures_of_document, score_of, table_rows

runner = CliRunner()

ORDERS_HEADER = "订单编号,买家会员名,买家实际支付金额,订单状态,订单付款时间 ,订单备注,退款金额,旗帜"
ORDERS = [
    # rows 2..: id, buyer, paid, status, paid at, memo, refund, flag
    '="4012345678901234567",tb小鱼88,"50,000.00",交易成功,2026-10-03 14:05:00,'
    "客服1001 赠品袜子,0.00,1",
    '="4012345678901234568",星星不眨眼,100.00,等待买家付款,,,,0',
    '="4012345678901234569",tb_user_01,"1,280.00",交易成功,2026-10-31 23:59:59,'
    "1002/已核对,100.00,1",
    '="4012345678901234570",买家甲,300.00,交易成功,2026-11-01 00:00:00,1001,0.00,1',
    '="4012345678901234571",买家乙,99.99,交易成功,2026-10-10 10:00:00,1001 1002,0.00,1',
    '="4012345678901234572",买家丙,10.00,交易成功,2026-10-11 10:00:00,1099 加急,0.00,1',
    '="4012345678901234573",买家丁,20.00,交易关闭,,,,0',
]


def write_month(folder: Path, orders: list[str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [ORDERS_HEADER, *(orders or ORDERS)]
    (folder / "orders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    (folder / "roster.csv").write_text(
        "工号,姓名,旺旺子账号\n1001,张伟,星辰家居旗舰店:阿伟\n1002,阿杰,星辰家居旗舰店:阿杰\n",
        encoding="utf-8",
    )
    (folder / "incidents.csv").write_text(
        "日期,工号,姓名,类型,金额,备注\n2026-10-07,1001,张伟,特别嘉奖,200,挽回大额退款\n"
        "2026-10-08,1002,阿杰,态度投诉,,\n",
        encoding="utf-8",
    )
    return folder


def rules_with(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(REPO / "rules", folder)
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


def run(*args: str) -> object:
    return runner.invoke(app, ["commission", "--month", "2026-10", *args])


EXPECTED = {
    "month": "2026-10",
    "staff": [
        {
            "staff_id": "1001",
            "name": "张伟",
            "orders": 1,
            "sales": "50000.00",
            "refunds": "0.00",
            "net_sales": "50000.00",
            "rate": "0.008",
            "commission": "400.00",
            "awards": "200.00",
            "total": "600.00",
        },
        {
            "staff_id": "1002",
            "name": "阿杰",
            "orders": 1,
            "sales": "1280.00",
            "refunds": "100.00",
            "net_sales": "1180.00",
            "rate": "0.005",
            "commission": "5.90",
            "awards": "0.00",
            "total": "5.90",
        },
    ],
    "unattributed": {"orders": 2, "net_sales": "109.99"},
    "conflicts": [{"order_id": "4012345678901234571", "candidates": ["1001", "1002"]}],
    "unknown_ids": [{"order_id": "4012345678901234572", "token": "1099"}],
}


def test_json_contract(tmp_path: Path) -> None:
    result = run("--data", str(write_month(tmp_path / "data")), "--format", "json")
    assert result.exit_code == 0, result.output
    assert figures_of_document(result.stdout) == EXPECTED


def test_table_has_unattributed_line_and_notes(tmp_path: Path) -> None:
    result = run("--data", str(write_month(tmp_path / "data")))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "未归属订单" in out and "600.00" in out
    assert "不计入: 2 单未付款(其中 1 单付款前关闭), 1 单不在本月" in out
    assert "未归属: 2 单, 净销售额 109.99" in out
    assert "备注写了多位客服 (1 单, 未计提成): 4012345678901234571 (1001, 1002)" in out
    assert "备注中的未知工号 (1): 4012345678901234572 (1099)" in out


def test_csv_in_english(tmp_path: Path) -> None:
    result = run("--data", str(write_month(tmp_path / "data")), "--format", "csv", "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Staff ID,Name,Orders,Sales,Refunds,Net sales,Tier,Rate,Commission,Awards,Total"
    )
    assert lines[1] == (
        '1001,张伟,1,50000.00,0.00,50000.00,"2 (50,000.00–99,999.99)",0.8%,400.00,200.00,600.00'
    )
    assert lines[-1] == ",Unattributed orders,2,,,109.99,,,,,"


def test_explain_lists_credited_orders_with_file_and_row(tmp_path: Path) -> None:
    data = write_month(tmp_path / "data")
    result = run("--data", str(data), "--staff", "1001", "--explain", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [s["staff_id"] for s in doc["staff"]] == ["1001"]
    assert doc["orders"] == [
        {
            "order_id": "4012345678901234567",
            "paid_at": "2026-10-03 14:05:00",
            "paid": "50000.00",
            "refund": "0.00",
            "net": "50000.00",
            "how": "memo",
            "memo": "客服1001 赠品袜子",
            "chat": None,
            "file": "orders.csv",
            "row": 2,
        }
    ]
    assert doc["awards"] == [
        {
            "date": "2026-10-07",
            "amount": "200.00",
            "note": "挽回大额退款",
            "file": "incidents.csv",
            "row": 2,
        }
    ]
    assert doc["conflicts"] == EXPECTED["conflicts"]

    table = run("--data", str(data), "--staff", "1001", "--explain", "--lang", "en")
    assert table.exit_code == 0, table.output
    assert "4012345678901234567" in table.stdout and "orders.csv" in table.stdout
    assert (
        "1001 张伟: 1 orders, net sales 50000.00, tier 2 (50,000.00–99,999.99), rate 0.8%, "
        "commission 400.00 + awards 200.00 = 600.00"
    ) in table.stdout
    assert "award 2026-10-07 200.00 (incidents.csv:2) 挽回大额退款" in table.stdout


def test_staff_filter(tmp_path: Path) -> None:
    result = run(
        "--data", str(write_month(tmp_path / "data")), "--staff", "1002", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["staff"] == [EXPECTED["staff"][1]]
    assert doc["unattributed"] == EXPECTED["unattributed"]


def test_notes_in_english_without_incident_sheet(tmp_path: Path) -> None:
    data = write_month(tmp_path / "data")
    (data / "incidents.csv").unlink()
    result = run("--data", str(data), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "No incident sheet: awards taken as 0" in result.stdout
    assert "Not counted: 2 unpaid orders (1 closed before payment), 1 outside the month" in (
        result.stdout
    )


def test_explain_needs_staff_and_staff_must_exist(tmp_path: Path) -> None:
    data = str(write_month(tmp_path / "data"))
    result = run("--data", data, "--explain")
    assert result.exit_code == 2
    assert (
        result.stderr.strip() == "Error: --explain needs --staff ID (whose credited orders to list)"
    )
    result = run("--data", data, "--staff", "1999")
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(
        "Error: --staff 1999: no such 工号 on the roster for 2026-10"
    )


def test_refund_larger_than_payment_exits_1_naming_file_row_order(tmp_path: Path) -> None:
    bad = [
        *ORDERS[:2],
        '="4012345678901234599",买家,100.00,交易成功,2026-10-05 10:00:00,1001,150.00,1',
    ]
    result = run("--data", str(write_month(tmp_path / "data", bad)))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: orders.csv: column 退款金额: 1 orders have a refund larger than the payment "
        "(rows 4: 'order 4012345678901234599: refunded 150.00 of 100.00') — expected a refund "
        "no larger than the paid amount; correct the export row"
    )
    assert "Traceback" not in result.output


def test_xlsx_has_order_level_sheet(tmp_path: Path) -> None:
    out = tmp_path / "commission.xlsx"
    result = run(
        "--data", str(write_month(tmp_path / "data")), "--format", "xlsx", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["提成", "订单归属", "备注冲突", "未知工号", "嘉奖"]
    rows = table_rows(book["订单归属"])
    assert rows[0][:8] == [
        "订单编号",
        "付款时间",
        "实付金额",
        "退款金额",
        "净额",
        "归属客服",
        "归属方式",
        "备注",
    ]
    by_id = {r[0]: r for r in rows[1:]}
    assert set(by_id) == {f"401234567890123456{d}" for d in "79"} | {
        "4012345678901234571",
        "4012345678901234572",
    }
    assert by_id["4012345678901234569"][4:8] == [1180, "1002 阿杰", "备注工号", "1002/已核对"]
    assert by_id["4012345678901234571"][5:7] == [None, "备注冲突"]
    summary = table_rows(book["提成"])
    assert summary[1][:3] == ["1001", "张伟", 1] and summary[1][-1] == 600


def test_long_order_sheet_goes_to_csv_beside_the_workbook(tmp_path: Path) -> None:
    rules = rules_with(tmp_path, settings="detail_row_limit: 2\n")
    out = tmp_path / "out" / "c.xlsx"
    result = run(
        "--data", str(write_month(tmp_path / "data")), "--rules", str(rules),
        "--format", "xlsx", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "订单归属" not in openpyxl.load_workbook(out).sheetnames
    detail = (tmp_path / "out" / "c.orders.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(detail) == 1 + 4
    assert detail[0].startswith("订单编号,付款时间,实付金额")


def test_last_chat_mode_from_rules(tmp_path: Path) -> None:
    data = write_month(tmp_path / "data")
    (data / "chats.csv").write_text(
        "客服账号,买家,时间,发送方,内容\n"
        "星辰家居旗舰店:阿杰,tb小鱼88,2026-10-03 13:00:00,客服,亲在的\n"
        "星辰家居旗舰店:阿伟,tb小鱼88,2026-10-03 14:00:20,客服,有货哦\n"
        "星辰家居旗舰店:阿杰,买家丙,2026-10-11 09:30:00,客服,好的\n",
        encoding="utf-8",
    )
    rules = rules_with(
        tmp_path,
        commission="attribution: {mode: last_chat, chat_window_hours: 2}\n"
        "tiers:\n  - {from: 0, rate: 0.01}\n",
    )
    result = run("--data", str(data), "--rules", str(rules), "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [
        (s["staff_id"], s["orders"], s["net_sales"], s["commission"]) for s in doc["staff"]
    ] == [
        ("1001", 1, "50000.00", "500.00"),
        ("1002", 1, "10.00", "0.10"),
    ]
    assert doc["conflicts"] == [] and doc["unknown_ids"] == []
    explain = run(
        "--data",
        str(data),
        "--rules",
        str(rules),
        "--staff",
        "1002",
        "--explain",
        "--format",
        "json",
    )
    chat = json.loads(explain.stdout)["orders"][0]["chat"]
    assert chat == {"file": "chats.csv", "row": 4, "time": "2026-10-11 09:30:00"}


def test_level_multiplier_uses_the_monthly_score(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    class Score:
        def levels(self) -> dict[str, str]:
            return {"1001": "warning", "1002": "ok"}

    def score(data: object, rules: object, month: object, *args: object) -> Score:
        calls.append(str(month))
        return Score()

    monkeypatch.setattr(jobs_month, "_score", score)
    # The score needs the attendance export, as `csops score` does (read, then faked).
    attendance = "工号,姓名,日期,上班1打卡时间,下班1打卡时间\n1001,张伟,2026-10-08,09:00,18:00\n"
    write_month(tmp_path / "data")
    (tmp_path / "data" / "attendance.csv").write_text(attendance, encoding="utf-8")
    text = (REPO / "rules" / "commission.yaml").read_text(encoding="utf-8")
    rules = rules_with(
        tmp_path,
        commission=text.replace("level_multipliers: {}", "level_multipliers: {warning: 0.5}"),
    )
    result = run(
        "--data", str(write_month(tmp_path / "data")), "--rules", str(rules), "--format", "json"
    )
    assert result.exit_code == 0, result.output
    assert calls == ["2026-10"]
    staff = {
        s["staff_id"]: (s["commission"], s["total"]) for s in json.loads(result.stdout)["staff"]
    }
    assert staff == {"1001": ("200.00", "400.00"), "1002": ("5.90", "5.90")}
    table = run(
        "--data", str(write_month(tmp_path / "data")), "--rules", str(rules), "--lang", "en"
    )
    row = next(line for line in table.stdout.splitlines() if "张伟" in line)
    assert [c.strip() for c in row.split("│")[8:13]] == [
        "0.8%",
        "warning",
        "0.5",
        "200.00",
        "200.00",
    ]


def test_bad_tier_table_exits_2(tmp_path: Path) -> None:
    rules = rules_with(
        tmp_path,
        commission="tiers:\n  - {from: 0, below: 50000, rate: 0.005}\n"
        "  - {from: 60000, rate: 0.008}\n",
    )
    result = run("--data", str(write_month(tmp_path / "data")), "--rules", str(rules))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: rules/commission.yaml: gap between tiers #1 and tiers #2: net sales from 50000 "
        "to below 60000 have no tier; set tiers #1.below to 60000"
    )


def test_smoke_generated_month_with_real_monthly_score(tmp_path: Path) -> None:
    """The generator's month through the real `csops.domain.scoring`: whoever the score puts at
    `punishment` earns no commission, `warning` half (values not hard-coded: random data)."""
    from tools import samplegen

    from csops.domain.period import Month
    from csops.ingest.discover import Inputs
    from csops.rules import load_rules

    data = tmp_path / "month"
    samplegen.generate(data, "2026-10", seed=11, orders=600, messages=6000)
    text = (REPO / "rules" / "commission.yaml").read_text(encoding="utf-8")
    rules = rules_with(
        tmp_path,
        commission=text.replace(
            "level_multipliers: {}", "level_multipliers: {warning: 0.5, punishment: 0}"
        ),
    )
    scaled_rules = load_rules(rules)
    levels = score_of(Inputs.scan(scaled_rules, data), scaled_rules, Month(2026, 10))
    plain = run("--data", str(data), "--format", "json")
    scaled = run("--data", str(data), "--rules", str(rules), "--format", "json")
    assert plain.exit_code == 0, plain.output
    assert scaled.exit_code == 0, scaled.output
    before = {s["staff_id"]: s for s in json.loads(plain.stdout)["staff"]}
    after = {s["staff_id"]: s for s in json.loads(scaled.stdout)["staff"]}
    assert before.keys() == after.keys()
    for staff_id, level in levels.levels().items():
        full = Decimal(before[staff_id]["commission"])
        got = Decimal(after[staff_id]["commission"])
        if level == "punishment":
            assert got == 0
        elif level == "warning":
            assert abs(got - full / 2) <= Decimal("0.01")
        else:
            assert got == full
        assert after[staff_id]["net_sales"] == before[staff_id]["net_sales"]


def test_the_ledger_is_read_only_when_the_levels_are_needed(tmp_path: Path) -> None:
    """Without level_multipliers the commission needs no score and reads no ledger: a
    damaged ledger file does not stop it."""
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database at all" * 100)
    data = str(write_month(tmp_path / "data"))
    result = run("--data", data, "--ledger", str(bad), "--format", "json")
    assert result.exit_code == 0, result.output
    assert bad.read_bytes() == b"not a database at all" * 100
