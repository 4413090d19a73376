"""`csops overdue-shipments` and `csops unpaid-orders` through Typer's runner, on a small
Taobao-style GB18030 export that carries buyer phone numbers and addresses."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner, Result

from csops.cli.app import app

from ..conftest import figures_of_document, table_rows

runner = CliRunner()
AS_OF = "2026-10-31 20:00"

# A subset of the classic Taobao ExportOrderList header, stray spaces included.
TAOBAO = [
    "订单编号", "买家会员名", "买家支付宝账号", "买家实际支付金额", "订单状态", "收货人姓名",
    "收货地址 ", "联系电话 ", "联系手机", "订单创建时间", "订单付款时间 ", "宝贝标题 ",
    "订单备注", "退款金额", "发货时间",
]  # fmt: skip
# Personal data that must never reach a report.
SECRETS = [
    "13800001111", "13900002222", "13700003333", "13600004444", "057188886666",
    "浙江省杭州市西湖区某路1号", "上海市浦东新区某路2号", "张三", "李四",
    "zhangsan@example.com", "lisi@example.com",
]  # fmt: skip
ROWS = [
    # id, buyer, alipay, paid, status, receiver, address, tel, mobile, created, paid_at,
    # title, memo, refund, shipped
    ["T1", "tb小鱼88", "zhangsan@example.com", "128.50", "买家已付款，等待卖家发货", "张三",
     "浙江省杭州市西湖区某路1号", "057188886666", "13800001111", "2026-10-27 19:58:00",
     "2026-10-27 20:00:00", "乳胶床垫 1.8m", "客服1003 赠品袜子", "0.00", ""],
    ["T2", "星星不眨眼", "lisi@example.com", "59.90", "买家已付款，等待卖家发货", "李四",
     "上海市浦东新区某路2号", "", "13900002222", "2026-10-29 17:50:00", "2026-10-29 18:00:00",
     "记忆棉枕头", "小美", "0.00", ""],
    ["T3", "阿珍", "", "89.00", "买家已付款，等待卖家发货", "李四", "上海市浦东新区某路2号",
     "", "13700003333", "2026-10-30 17:00:00", "2026-10-30 18:00:00", "竹纤维浴巾", "", "", ""],
    ["T4", "老李", "", "99.00", "卖家已发货，等待买家确认", "张三", "浙江省杭州市西湖区某路1号",
     "", "13600004444", "2026-10-27 10:00:00", "2026-10-27 10:05:00", "北欧风 纯棉四件套",
     "1003", "0.00", "2026-10-28 09:00:00"],
    ["T5", "tb_user_01", "", "0.00", "等待买家付款", "张三", "浙江省杭州市西湖区某路1号", "",
     "13800001111", "2026-10-31 10:00:00", "", "加厚珊瑚绒毯", "", "", ""],
    ["T6", "tb_user_02", "", "0.00", "交易关闭", "李四", "上海市浦东新区某路2号", "",
     "13900002222", "2026-10-31 09:00:00", "", "加厚珊瑚绒毯", "", "", ""],
]  # fmt: skip


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    rows = [[f'="{r[0]}"', *r[1:]] for r in ROWS]  # Taobao's ID guard
    write_csv(folder / "ExportOrderList.csv", TAOBAO, rows, "gb18030")
    write_csv(
        folder / "客服名单.csv",
        ["工号", "姓名", "旺旺子账号"],
        [["1003", "小美", "星辰家居旗舰店:小美"], ["1004", "阿杰", "星辰家居旗舰店:阿杰"]],
        "utf-8-sig",
    )
    return folder


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


# ---------------------------------------------------------------- overdue-shipments


def test_json_document(data: Path) -> None:
    result = run("overdue-shipments", "--data", str(data), "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    assert figures_of_document(result.stdout) == {
        "as_of": "2026-10-31 20:00",
        "counts": {"warning": 1, "overdue": 1, "late": 1},
        "orders": [
            {"order_id": "T1", "paid_at": "2026-10-27 20:00:00", "hours_unshipped": 96.0,
             "level": "late", "staff_id": "1003", "buyer": "tb小鱼88", "title": "乳胶床垫 1.8m"},
            {"order_id": "T2", "paid_at": "2026-10-29 18:00:00", "hours_unshipped": 50.0,
             "level": "overdue", "staff_id": "1003", "buyer": "星星不眨眼", "title": "记忆棉枕头"},
            {"order_id": "T3", "paid_at": "2026-10-30 18:00:00", "hours_unshipped": 26.0,
             "level": "warning", "staff_id": None, "buyer": "阿珍", "title": "竹纤维浴巾"},
        ],
    }  # fmt: skip


def test_table_with_time_left_and_staff_line(data: Path) -> None:
    result = run("overdue-shipments", "--data", str(data), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    out = result.stdout
    lines = [line for line in out.splitlines() if "│ T" in line]
    assert [line.split("│")[1].strip() for line in lines] == ["T1", "T2", "T3"]
    t1 = [cell.strip() for cell in lines[0].split("│")[1:-1]]
    assert t1 == ["T1", "2026-10-27 20:00:00", "96", "已超时 24:00", "延迟发货", "1003 小美",
                  "tb小鱼88", "乳胶床垫 1.8m"]  # fmt: skip
    t3 = [cell.strip() for cell in lines[2].split("│")[1:-1]]
    assert t3[3:6] == ["46:00", "预警", ""]
    assert "统计时点: 2026-10-31 20:00" in out
    assert "预警 1 · 超时 1 · 延迟发货 1 | 按客服: 1003 小美 2 · 备注无客服 1" in out


def test_english_labels(data: Path) -> None:
    result = run("overdue-shipments", "--data", str(data), "--as-of", AS_OF, "--lang", "en")
    out = result.stdout
    assert "Left to late line" in out and "past by 24:00" in out
    assert "warning 1 · overdue 1 · late 1 | By staff: 1003 小美 2 · no staff in memo 1" in out


def test_level_filter(data: Path) -> None:
    result = run(
        "overdue-shipments", "--data", str(data), "--as-of", AS_OF, "--level", "overdue",
        "--format", "json",
    )  # fmt: skip
    doc = json.loads(result.stdout)
    assert [o["order_id"] for o in doc["orders"]] == ["T1", "T2"]
    assert doc["counts"] == {"warning": 0, "overdue": 1, "late": 1}


@pytest.mark.parametrize(
    ("as_of", "fail_on", "code"),
    [
        (AS_OF, "late", 3),
        (AS_OF, "warning", 3),
        ("2026-10-29 20:00", "late", 0),  # only T1, at 48 h: overdue
        ("2026-10-29 20:00", "overdue", 3),
        ("2026-10-28 19:59", "warning", 0),  # T1 at 23:59: nothing listed
        ("2026-10-28 20:00", "warning", 3),  # T1 at exactly 24 h
    ],
)
def test_fail_on_exit_codes(data: Path, as_of: str, fail_on: str, code: int) -> None:
    result = run(
        "overdue-shipments", "--data", str(data), "--as-of", as_of, "--fail-on", fail_on,
        "--format", "json",
    )  # fmt: skip
    assert result.exit_code == code, result.output
    json.loads(result.stdout)  # the report came first
    if code == 3:
        assert f"at or past {fail_on} (exit 3)" in result.stderr


def test_fail_on_counts_only_listed_orders(data: Path) -> None:
    """--level late lists T1 only; --fail-on warning then still fails on it."""
    result = run(
        "overdue-shipments", "--data", str(data), "--as-of", AS_OF, "--level", "late",
        "--fail-on", "warning", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 3
    assert "1 orders at or past warning (exit 3)" in result.stderr


@pytest.mark.parametrize("bad", ["2026-10-31", "2026-13-01 10:00", "31/10/2026 20:00", "now"])
def test_bad_as_of_is_a_usage_error(data: Path, bad: str) -> None:
    result = run("overdue-shipments", "--data", str(data), "--as-of", bad)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f'Error: --as-of {bad!r}: expected a local time as "YYYY-MM-DD HH:MM", '
        'e.g. "2026-10-31 20:00"'
    )


def test_bad_level_is_a_usage_error(data: Path) -> None:
    result = run("overdue-shipments", "--data", str(data), "--fail-on", "urgent")
    assert result.exit_code == 2


def test_neither_ship_time_nor_status_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    header = ["订单编号", "买家会员名", "买家实际支付金额", "订单付款时间", "宝贝标题"]
    write_csv(folder / "orders.csv", header, [["A1", "x", "1.00", "2026-10-29 10:00", "t"]],
              "utf-8")  # fmt: skip
    result = run("overdue-shipments", "--data", str(folder), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert result.stderr.strip().replace("\n", " ") == (
        "Error: orders.csv: neither a ship time column (发货时间 / 出库时间 / 卖家发货时间) "
        "nor an order status column (订单状态 / 交易状态 / 订单状态名称) found, so "
        "overdue-shipments cannot tell which orders are still unshipped; headers found: "
        "订单编号, 买家会员名, 买家实际支付金额, 订单付款时间, 宝贝标题; export the orders with "
        "one of those columns, or add the file's own header to rules/columns.yaml under "
        "orders.shipped_at or orders.status"
    )
    assert "Traceback" not in result.output


def test_missing_payment_time_is_an_input_error(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    write_csv(folder / "orders.csv", ["订单编号", "实付金额", "订单状态"], [["A1", "1", "待发货"]],
              "utf-8")  # fmt: skip
    result = run("overdue-shipments", "--data", str(folder), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "column paid_at (订单付款时间 / 付款时间" in result.stderr
    assert "needed by overdue-shipments" in result.stderr


def test_no_roster_shows_memo_numbers(data: Path) -> None:
    (data / "客服名单.csv").unlink()
    result = run("overdue-shipments", "--data", str(data), "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert [o["staff_id"] for o in doc["orders"]] == ["1003", None, None]


def test_masked_buyers(data: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "settings.yaml").write_text("mask_buyers: true\n", encoding="utf-8")
    result = run(
        "overdue-shipments", "--data", str(data), "--as-of", AS_OF, "--rules", str(rules),
        "--format", "json",
    )  # fmt: skip
    doc = json.loads(result.stdout)
    assert [o["buyer"] for o in doc["orders"]] == ["t**", "星**", "阿**"]


def test_csv_and_xlsx(data: Path, tmp_path: Path) -> None:
    result = run("overdue-shipments", "--data", str(data), "--as-of", AS_OF, "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["订单编号", "付款时间", "未发货(小时)", "距延迟发货", "级别", "处理客服",
                       "买家", "宝贝标题"]  # fmt: skip
    assert rows[2] == ["T2", "2026-10-29 18:00:00", "50", "22:00", "超时", "1003 小美",
                       "星星不眨眼", "记忆棉枕头"]  # fmt: skip
    # notes go to stderr, not into the CSV
    assert "统计时点" in result.stderr and len(rows) == 4
    target = tmp_path / "out" / "shipments.xlsx"
    result = run(
        "overdue-shipments", "--data", str(data), "--as-of", AS_OF, "--format", "xlsx",
        "--out", str(target), "--lang", "en",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Unshipped orders", "Unshipped by staff"]
    by_staff = table_rows(book["Unshipped by staff"])
    assert by_staff == [
        ["Staff", "warning", "overdue", "late", "Total"],
        ["1003 小美", 0, 1, 1, 2],
        ["no staff in memo", 1, 0, 0, 1],
    ]


# ---------------------------------------------------------------- unpaid-orders


def test_unpaid_orders_json(data: Path) -> None:
    result = run("unpaid-orders", "--data", str(data), "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    assert figures_of_document(result.stdout) == {
        "as_of": "2026-10-31 20:00",
        "after_hours": 3.0,
        "count": 1,
        "orders": [
            {"order_id": "T5", "created_at": "2026-10-31 10:00:00", "hours_unpaid": 10.0,
             "staff_id": None, "buyer": "tb_user_01", "title": "加厚珊瑚绒毯"},
        ],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("after", "listed"), [("10h", ["T5"]), ("9h59m", ["T5"]), ("10h01m", []), ("600m", ["T5"])]
)
def test_unpaid_after(data: Path, after: str, listed: list[str]) -> None:
    result = run(
        "unpaid-orders", "--data", str(data), "--as-of", AS_OF, "--after", after, "--format",
        "json",
    )  # fmt: skip
    doc = json.loads(result.stdout)
    assert [o["order_id"] for o in doc["orders"]] == listed


def test_unpaid_bad_after(data: Path) -> None:
    result = run("unpaid-orders", "--data", str(data), "--after", "3")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: --after '3': expected a duration such as 3h, 90m or 2h30m"
    )


def test_unpaid_table(data: Path) -> None:
    result = run("unpaid-orders", "--data", str(data), "--as-of", AS_OF, "--after", "2h30m")
    assert result.exit_code == 0
    assert "统计时点: 2026-10-31 20:00 · 下单后未付款超过 2h30m: 1" in result.stdout


def test_unpaid_needs_payment_time_or_status(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    write_csv(folder / "orders.csv", ["订单编号", "实付金额", "订单创建时间"],
              [["A1", "1", "2026-10-31 10:00"]], "utf-8")  # fmt: skip
    result = run("unpaid-orders", "--data", str(folder), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert (
        "neither a payment time column (订单付款时间 / 付款时间 / 付款确认时间) nor an order "
        "status column" in result.stderr
    )
    assert "cannot tell which orders are still unpaid" in result.stderr


# ---------------------------------------------------------------- privacy


@pytest.mark.parametrize("command", ["overdue-shipments", "unpaid-orders"])
@pytest.mark.parametrize("fmt", ["table", "json", "csv", "xlsx"])
def test_phone_address_and_receiver_never_appear(
    data: Path, tmp_path: Path, command: str, fmt: str
) -> None:
    args = [command, "--data", str(data), "--as-of", AS_OF, "--format", fmt, "--after", "1h"]
    if command == "overdue-shipments":
        args.remove("--after")
        args.remove("1h")
    target = tmp_path / "report.xlsx"
    if fmt == "xlsx":
        args += ["--out", str(target)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    text = result.output + result.stderr
    if fmt == "xlsx":
        book = openpyxl.load_workbook(target)
        text += "\n".join(
            str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row
        )
    assert ("T1" if command == "overdue-shipments" else "T5") in text  # the report is there
    found = [s for s in SECRETS if s in text]
    assert found == []


# ---------------------------------------------------------------- the sample month

SAMPLE = Path(__file__).parent.parent.parent / "samples" / "2026-10"


@pytest.mark.skipif(not SAMPLE.is_dir(), reason="samples/2026-10 not generated")
def test_sample_month_matches_its_description() -> None:
    """docs/samples.md: unshipped at 2026-10-31 23:59:59 are 30 h, 50 h and 80 h old (plus 38
    younger than 24 h); 11 orders are still unpaid."""
    end = "2026-10-31 23:59:59"
    result = run("overdue-shipments", "--data", str(SAMPLE), "--as-of", end, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["as_of"] == end
    assert doc["counts"] == {"warning": 1, "overdue": 1, "late": 1}
    assert [o["hours_unshipped"] for o in doc["orders"]] == [80.0, 50.0, 30.0]
    result = run("unpaid-orders", "--data", str(SAMPLE), "--as-of", end, "--after", "0m",
                 "--format", "json")  # fmt: skip
    assert json.loads(result.stdout)["count"] == 11
