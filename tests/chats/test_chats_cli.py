"""`csops chats` through Typer's runner on small CSV exports written by the test."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from csops.cli.app import app

from ..conftest import REPO, table_rows

runner = CliRunner()

ROSTER = "工号,姓名,旺旺子账号\n1001,小美,星辰家居旗舰店:小美\n1002,阿杰,星辰家居旗舰店:阿杰\n"
CHATS = """客服账号,买家,时间,发送方,内容
星辰家居旗舰店:小美,tb小鱼88,2026-10-03 10:00:00,买家,在吗
星辰家居旗舰店:小美,tb小鱼88,2026-10-03 10:00:20,买家,有货吗
星辰家居旗舰店:小美,tb小鱼88,2026-10-03 10:00:30,客服,在的亲
星辰家居旗舰店:小美,王小二,2026-10-07 02:00:00,买家,还在吗
星辰家居旗舰店:小美,王小二,2026-10-07 08:05:00,客服,早上好
星辰家居旗舰店:阿杰,tb小鱼88,2026-10-03 11:00:00,买家,发货了吗
星辰家居旗舰店:阿杰,tb小鱼88,2026-10-03 11:00:10,客服,今天发
临时号,路人甲,2026-10-05 15:00:00,买家,你好
"""
ORDERS = """订单编号,买家会员名,买家实际支付金额,订单付款时间
4012345678901234567,tb小鱼88,128.50,2026-10-03 10:30:00
4012345678901234568,王小二,99.00,2026-09-20 12:00:00
"""


def data_folder(tmp_path: Path, orders: bool = True) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "客服名单.csv").write_text(ROSTER, encoding="utf-8")
    (folder / "聊天记录.csv").write_text(CHATS, encoding="utf-8")
    if orders:
        (folder / "订单.csv").write_text(ORDERS, encoding="utf-8")
    return folder


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["chats", "--month", "2026-10", *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_document(tmp_path: Path) -> None:
    code, out, err = run("--data", str(data_folder(tmp_path)), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["month"] == "2026-10"
    assert [s["staff_id"] for s in doc["staff"]] == ["1001", "1002", None]
    assert doc["staff"][0] == {
        "staff_id": "1001",
        "name": "小美",
        "conversations": 2,
        "buyer_messages": 3,
        "staff_messages": 2,
        "first_response_s": 165.0,  # (30 + 300) / 2
        "avg_response_s": 165.0,
        "replies_within_30s": 1,
        "unanswered_10min": 0,
        "reply_rate": 1.0,
        "answer_ratio": 0.6667,
        "inquiries": 1,  # 王小二 paid on 9-20, within 21 days, and not again
        "paid_buyers": 1,
        "conversion_rate": 1.0,
        "next_day_conversion_rate": 1.0,
        "paid_amount": "128.50",
        "avg_order_value": "128.50",
        "satisfaction_rate": None,
    }
    jie = doc["staff"][1]
    # 阿杰 chatted at 11:00, after the 10:30 payment: not an inquiry.
    assert (jie["inquiries"], jie["paid_buyers"], jie["conversion_rate"]) == (0, 0, None)
    assert (jie["paid_amount"], jie["avg_order_value"]) == ("0.00", None)
    unknown = doc["staff"][2]
    assert (unknown["name"], unknown["unanswered_10min"]) == ("临时号", 1)
    assert doc["total"]["conversations"] == 4
    assert doc["total"]["inquiries"] == 2  # tb小鱼88 once, 路人甲
    assert doc["total"]["paid_amount"] == "128.50"
    assert set(doc) == {"month", "staff", "total", "notes", "rules_in_force"}
    assert "chat account 临时号 is on no roster row" in doc["notes"][0]
    # Said on stderr too, in the report's language (the JSON keeps the English text).
    assert "千牛账号 临时号 不在客服名单上" in err


def test_table_in_chinese_with_shop_total(tmp_path: Path) -> None:
    code, out, _ = run("--data", str(data_folder(tmp_path)), "--lang", "zh")
    assert code == 0
    for text in ("聊天考核指标", "首响(秒)", "询单转化", "全店合计", "小美", "临时号", "0.67"):
        assert text in out
    assert "千牛账号 临时号 不在客服名单上" in out


def test_staff_filter(tmp_path: Path) -> None:
    code, out, _ = run("--data", str(data_folder(tmp_path)), "--staff", "1002", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert [s["staff_id"] for s in doc["staff"]] == ["1002"]
    assert doc["total"]["conversations"] == 4  # the shop total stays the shop's


def test_explain_lists_the_worst_waits_with_their_rows(tmp_path: Path) -> None:
    folder = data_folder(tmp_path)
    code, out, _ = run("--data", str(folder), "--explain", "--staff", "1001", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["staff"][0]["staff_id"] == "1001"
    assert doc["waits"] == [
        {
            "account": "星辰家居旗舰店:小美",
            "buyer": "王小二",
            "wait_start": "2026-10-07 02:00:00",
            "clock_start": "2026-10-07 08:00:00",
            "reply_at": "2026-10-07 08:05:00",
            "response_s": 300.0,
            "wait_messages": 1,
            "start_file": "聊天记录.csv",
            "start_row": 5,
            "reply_file": "聊天记录.csv",
            "reply_row": 6,
        },
        {
            "account": "星辰家居旗舰店:小美",
            "buyer": "tb小鱼88",
            "wait_start": "2026-10-03 10:00:00",
            "clock_start": "2026-10-03 10:00:00",
            "reply_at": "2026-10-03 10:00:30",
            "response_s": 30.0,
            "wait_messages": 2,
            "start_file": "聊天记录.csv",
            "start_row": 2,
            "reply_file": "聊天记录.csv",
            "reply_row": 4,
        },
    ]
    code, out, _ = run("--data", str(folder), "--explain", "--staff", "1001", "--top", "1")
    assert code == 0
    assert "王小二" in out and "tb小鱼88" not in out


def test_explain_a_never_answered_wait_of_an_unknown_account(tmp_path: Path) -> None:
    code, out, _ = run(
        "--data", str(data_folder(tmp_path)), "--explain", "--staff", "临时号", "--format", "json"
    )
    assert code == 0
    [wait] = json.loads(out)["waits"]
    assert (wait["reply_at"], wait["response_s"], wait["reply_row"]) == (None, None, None)
    assert wait["start_row"] == 9


def test_explain_masks_buyers_when_the_settings_say_so(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    settings = rules / "settings.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("mask_buyers: false", "mask_buyers: true"),
        encoding="utf-8",
    )
    folder = data_folder(tmp_path)
    code, out, _ = run(
        "--data", str(folder), "--rules", str(rules), "--explain", "--staff", "1001",
        "--format", "json",
    )  # fmt: skip
    assert code == 0
    assert [w["buyer"] for w in json.loads(out)["waits"]] == ["王**", "t**"]


def test_explain_needs_a_staff_member(tmp_path: Path) -> None:
    code, _, err = run("--data", str(data_folder(tmp_path)), "--explain")
    assert code == 2
    assert err.strip() == "Error: --explain needs --staff ID: whose waits to list"


def test_unknown_staff_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("--data", str(data_folder(tmp_path)), "--staff", "9999")
    assert code == 2
    assert err.startswith("Error: --staff 9999: no such staff member in the chat KPIs of 2026-10")


def test_without_orders_the_sales_figures_are_null(tmp_path: Path) -> None:
    code, out, err = run("--data", str(data_folder(tmp_path, orders=False)), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["staff"][0]["inquiries"] is None
    assert doc["staff"][0]["paid_amount"] is None
    assert doc["staff"][0]["first_response_s"] == 165.0
    assert "没有订单导出" in err


def test_without_a_chat_log_exits_1(tmp_path: Path) -> None:
    folder = data_folder(tmp_path)
    (folder / "聊天记录.csv").unlink()
    code, _, err = run("--data", str(folder))
    assert code == 1
    assert "no 聊天记录 (chats) export found" in err


def test_csv_and_xlsx(tmp_path: Path) -> None:
    folder = data_folder(tmp_path)
    code, out, _ = run("--data", str(folder), "--format", "csv", "--lang", "en")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Staff ID,Name,Conversations,Buyer msgs,Staff msgs,1st resp (s)")
    assert lines[1].startswith("1001,小美,2,3,2,165.0,165.0,1,0,100.0%")
    assert lines[-1].startswith(",Shop total,4,")
    target = tmp_path / "chats.xlsx"
    code, _, _ = run("--data", str(folder), "--format", "xlsx", "--out", str(target))
    assert code == 0
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    rows = table_rows(sheet)
    assert rows[0][0] == "工号" and rows[0][2] == "会话数"
    assert rows[4][1] == "全店合计"


def test_sample_month_smoke(tmp_path: Path) -> None:
    """The generated sample month gives plausible KPIs (ranges, not exact figures)."""
    from tools import samplegen

    data = tmp_path / "sample"
    samplegen.generate(data, "2026-10", seed=11, orders=800, messages=8000)
    code, out, err = run("--data", str(data), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    total = doc["total"]
    assert len(doc["staff"]) >= 6
    assert 0.9 <= total["reply_rate"] <= 1.0
    assert 0.5 <= total["answer_ratio"] <= 1.5
    assert 10 <= total["first_response_s"] <= 600
    assert 10 <= total["avg_response_s"] <= 600
    assert total["replies_within_30s"] > total["unanswered_10min"] > 0
    assert 0.2 <= total["conversion_rate"] <= total["next_day_conversion_rate"] <= 0.9
    assert float(total["avg_order_value"]) > 0
    code, out, _ = run("--data", str(data), "--explain", "--staff", "1002", "--format", "json")
    assert code == 0
    waits = json.loads(out)["waits"]
    assert len(waits) == 20 and all(w["start_file"].startswith("聊天记录") for w in waits)
