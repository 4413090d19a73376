"""Write the bad-input corpus (run: python tests/bad_inputs/make_bad_inputs.py).

`base/` is a small, coherent, fictional month (2026-10) of good exports: roster, Taobao
orders (GB18030, with the receiver columns a real export has), DingTalk attendance, leave
approvals, a 千牛 chat log and the incident sheet. `files/<case>/` holds what one case
changes: data files that replace (same name) or join the base files, and rule files
(`files/<case>/rules/`) that replace one default rule file. `cases.yaml` says, for every
case, which files it uses, the command that is run and the message and exit code it must
give (`test_bad_inputs.py` runs them all).

The password-protected workbook is a real Office-encrypted xlsx (Agile encryption,
password `csops`). Making it needs msoffcrypto-tool, which csops does not depend on: the
file is kept when this script runs without it (set MSOFFCRYPTO_PYTHON to a Python that
has it, e.g. a throwaway venv, to make it again).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).parent
BASE = HERE / "base"
FILES = HERE / "files"

ORDERS = "ExportOrderList.csv"
ROSTER = "客服名单.csv"
ATTENDANCE = "每日统计.csv"
LEAVE = "请假审批.csv"
CHATS = "聊天记录.csv"
INCIDENTS = "奖惩登记.csv"

# A subset of the Taobao classic export, private columns included (they must never be read).
ORDER_HEADERS = [
    "订单编号",
    "买家会员名",
    "买家支付宝账号",
    "买家实际支付金额",
    "订单状态",
    "收货人姓名",
    "收货地址 ",
    "联系电话 ",
    "联系手机",
    "订单创建时间",
    "订单付款时间 ",
    "宝贝标题 ",
    "订单备注",
    "退款金额",
    "发货时间",
]


def order(
    n: int,
    paid: str = "100.00",
    paid_at: str = "2026-10-05 10:00:00",
    memo: str = "1001",
    refund: str = "0.00",
    buyer: str | None = None,
    order_id: str | None = None,
) -> list[str]:
    return [
        order_id if order_id is not None else f'="40123456789012345{n:02d}"',
        buyer if buyer is not None else f"买家{n:02d}",
        f"buyer{n:02d}@example.com",
        paid,
        "交易成功",
        f"收货人{n:02d}",
        f"浙江省杭州市西湖区文三路{n}号",
        f"0571-8800{n:04d}",
        f"1380000{n:04d}",
        paid_at,
        paid_at,
        "纯棉四件套",
        memo,
        refund,
        "2026-10-06 09:00:00",
    ]


GOOD_ORDERS = [
    [
        '="4012345678901234501"',
        "tb小鱼88",
        "zhang***@163.com",
        "128.50",
        "交易成功",
        "张三丰",
        "浙江省杭州市西湖区文三路1号",
        "0571-88001111",
        "13800001111",
        "2026-10-03 14:01:00",
        "2026-10-03 14:05:00",
        "北欧风 纯棉四件套",
        "1001",
        "0.00",
        "2026-10-04 09:00:00",
    ],
    [
        '="4012345678901234502"',
        "王小二88",
        "138****2222",
        "59.00",
        "买家已付款，等待卖家发货",
        "李四海",
        "上海市浦东新区世纪大道2号",
        "",
        "13900002222",
        "2026-10-30 10:00:00",
        "2026-10-30 10:01:00",
        "可折叠收纳箱",
        "1002",
        "0.00",
        "",
    ],
    [
        '="4012345678901234503"',
        "amy_1",
        "amy@example.com",
        "300.00",
        "交易成功",
        "王五洲",
        "北京市朝阳区建国路3号",
        "010-66003333",
        "13700003333",
        "2026-10-10 09:00:00",
        "2026-10-10 09:02:00",
        "珊瑚绒毛毯",
        "1001 赠品袜子",
        "50.00",
        "2026-10-11 09:00:00",
    ],
]

ROSTER_ROWS = [
    ["工号", "姓名", "旺旺子账号", "岗位", "入职日期"],
    ["1001", "张敏", "星辰家居旗舰店:小敏", "售前", "2025-03-01"],
    ["1002", "李娜", "星辰家居旗舰店:小娜", "售后", "2025-06-01"],
]
ATTENDANCE_HEADERS = ["工号", "姓名", "日期", "班次", "上班1打卡时间", "下班1打卡时间"]
ATTENDANCE_ROWS = [
    ["1001", "张敏", "2026-10-08", "白班 08:00-17:00", "07:58", "17:02"],
    ["1002", "李娜", "2026-10-08", "白班 08:00-17:00", "08:12", "17:05"],
    ["1001", "张敏", "2026-10-09", "休息", "", ""],
    ["1002", "李娜", "2026-10-09", "晚班 17:00-23:00", "16:50", "次日 00:20"],
]
LEAVE_HEADERS = ["发起人工号", "发起人姓名", "请假类型", "开始时间", "结束时间", "审批结果"]
LEAVE_ROWS = [["1002", "李娜", "事假", "2026-10-15 08:00", "2026-10-15 17:00", "同意"]]
CHAT_HEADERS = ["客服账号", "买家", "时间", "发送方", "内容"]
CHAT_ROWS = [
    ["星辰家居旗舰店:小敏", "tb小鱼88", "2026-10-03 13:50:00", "买家", "在吗？有货吗"],
    ["星辰家居旗舰店:小敏", "tb小鱼88", "2026-10-03 13:50:30", "客服", "亲，在的"],
    ["星辰家居旗舰店:小娜", "王小二88", "2026-10-30 09:40:00", "买家", "今天能发货吗"],
    ["星辰家居旗舰店:小娜", "王小二88", "2026-10-30 09:41:10", "客服", "亲，明天发"],
]
INCIDENT_ROWS = [
    ["日期", "工号", "姓名", "类型", "扣分", "金额", "备注"],
    ["2026-10-12", "1002", "李娜", "态度投诉", "", "", "买家投诉语气生硬"],
]


# ---------------------------------------------------------------- writers


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def orders_bytes(rows: list[list[str]], headers: list[str] | None = None) -> bytes:
    return csv_bytes([headers or ORDER_HEADERS, *rows], "gb18030")


def xlsx_bytes(rows: list[list[str]], title_rows: list[str] = (), sheet: str = "Sheet1") -> bytes:  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "book.xlsx"
        workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
        workbook.set_properties({"created": datetime(2026, 10, 1)})  # the same bytes each run
        ws = workbook.add_worksheet(sheet)
        for i, title in enumerate(title_rows):
            ws.write_string(i, 0, title)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                ws.write_string(len(title_rows) + i, j, value)
        workbook.close()
        return path.read_bytes()


def encrypt_xlsx(plain: bytes, password: str = "csops") -> bytes | None:
    """Office (Agile) encryption of an xlsx with msoffcrypto-tool, here or in the Python
    named by MSOFFCRYPTO_PYTHON; None when neither has it."""
    script = (
        "import io, sys\n"
        "from msoffcrypto.format.ooxml import OOXMLFile\n"
        "src = io.BytesIO(sys.stdin.buffer.read()); out = io.BytesIO()\n"
        f"OOXMLFile(src).encrypt({password!r}, out)\n"
        "sys.stdout.buffer.write(out.getvalue())\n"
    )
    for python in (sys.executable, os.environ.get("MSOFFCRYPTO_PYTHON")):
        if not python:
            continue
        done = subprocess.run([python, "-c", script], input=plain, capture_output=True, check=False)
        if done.returncode == 0 and done.stdout:
            return done.stdout
    return None


class Corpus:
    def __init__(self) -> None:
        self.written: list[Path] = []

    def put(self, relative: str, content: bytes | str) -> None:
        path = HERE / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        self.written.append(path)

    def case(self, case: str, name: str, content: bytes | str) -> None:
        self.put(f"files/{case}/{name}", content)

    def rule(self, case: str, name: str, text: str) -> None:
        self.put(f"files/{case}/rules/{name}", text)


# ---------------------------------------------------------------- the corpus


def base(c: Corpus) -> None:
    c.put(f"base/{ORDERS}", orders_bytes(GOOD_ORDERS))
    c.put(f"base/{ROSTER}", csv_bytes(ROSTER_ROWS))
    c.put(f"base/{ATTENDANCE}", csv_bytes([ATTENDANCE_HEADERS, *ATTENDANCE_ROWS]))
    c.put(f"base/{LEAVE}", csv_bytes([LEAVE_HEADERS, *LEAVE_ROWS]))
    c.put(f"base/{CHATS}", csv_bytes([CHAT_HEADERS, *CHAT_ROWS]))
    c.put(f"base/{INCIDENTS}", csv_bytes(INCIDENT_ROWS))


def file_cases(c: Corpus) -> None:
    c.case("empty_file", ORDERS, b"")
    c.case("header_only", ORDERS, orders_bytes([]))
    c.case(
        "utf16",
        ORDERS,
        "\ufeff".encode("utf-16-le")
        + "\r\n".join(",".join(r) for r in [ORDER_HEADERS, *GOOD_ORDERS]).encode("utf-16-le"),
    )
    # GBK text where two buyer cells hold bytes no GBK/GB18030 text has (a damaged copy).
    good = orders_bytes([order(i) for i in range(1, 9)])
    damaged = good.replace("买家03".encode("gb18030"), b"\xff\xfe03").replace(
        "买家06".encode("gb18030"), "买".encode("gb18030") + b"\x81\x2006"
    )
    c.case("gbk_invalid_bytes", ORDERS, damaged)
    c.case("binary_named_csv", ORDERS, bytes(range(256)) * 16)
    roster_xlsx = xlsx_bytes(ROSTER_ROWS)
    c.case("truncated_xlsx", "客服名单.xlsx", roster_xlsx[: len(roster_xlsx) // 2])
    encrypted = encrypt_xlsx(roster_xlsx)
    target = HERE / "files" / "password_xlsx" / "客服名单.xlsx"
    if encrypted is not None:
        c.case("password_xlsx", "客服名单.xlsx", encrypted)
    elif target.exists():
        c.written.append(target)
        print(f"kept {target.relative_to(HERE)} (msoffcrypto-tool not available)")
    else:
        raise SystemExit("password_xlsx needs msoffcrypto-tool: set MSOFFCRYPTO_PYTHON")
    titles = ["客服名单", "星辰家居旗舰店 客服部", "更新日期：2026-10-01", ""]
    c.case("header_on_row5", "客服名单.xlsx", xlsx_bytes(ROSTER_ROWS, titles, "名单"))
    # A stock list dropped into the exports folder: no header csops knows.
    c.case(
        "no_known_header",
        "库存.csv",
        csv_bytes([["商品编码", "库存数量", "仓库"], ["SKU-001", "12", "杭州仓"]]),
    )
    # A headerless order export (the header row was deleted): its first row is a buyer's
    # data, and the message quoting its first cells must not show phone or 支付宝 account.
    c.case(
        "headerless_orders",
        ORDERS,
        orders_bytes(GOOD_ORDERS)[len(",".join(ORDER_HEADERS).encode("gb18030")) + 2 :],
    )
    ragged = orders_bytes(GOOD_ORDERS).decode("gb18030").splitlines()
    ragged[2] = ragged[2].rsplit(",", 6)[0]  # a line cut short (a truncated download)
    c.case("ragged_rows", ORDERS, ("\r\n".join(ragged) + "\r\n").encode("gb18030"))


def value_cases(c: Corpus) -> None:
    dup_headers = [*ORDER_HEADERS, "买家实际支付金额"]
    c.case(
        "duplicated_headers",
        ORDERS,
        orders_bytes([[*r, "0.00"] for r in GOOD_ORDERS], dup_headers),
    )
    # October exported in three parts; the second lacks the paid amount.
    parts = [[order(i) for i in range(1, 4)], [order(i) for i in range(4, 7)]]
    parts.append([order(i) for i in range(7, 10)])
    no_paid = [h for h in ORDER_HEADERS if h != "买家实际支付金额"]
    paid_at = ORDER_HEADERS.index("买家实际支付金额")
    c.case("part_missing_column", "ExportOrderList_1.csv", orders_bytes(parts[0]))
    c.case(
        "part_missing_column",
        "ExportOrderList_2.csv",
        orders_bytes([r[:paid_at] + r[paid_at + 1 :] for r in parts[1]], no_paid),
    )
    c.case("part_missing_column", "ExportOrderList_3.csv", orders_bytes(parts[2]))
    c.case(
        "scientific_ids",
        ORDERS,
        orders_bytes(
            [order(1), order(2, order_id="4.01235E+18"), order(3, order_id="4.01236E+18")]
        ),
    )
    c.case("negative_money", ORDERS, orders_bytes([order(1), order(2, paid="-5.00")]))
    c.case("non_numeric_money", ORDERS, orders_bytes([order(1), order(2, paid="一百元")]))
    c.case(
        "refund_exceeds_payment",
        ORDERS,
        orders_bytes([order(1), order(2, paid="100.00", refund="150.00"), order(3)]),
    )
    c.case(
        "future_date",
        ORDERS,
        orders_bytes([order(1), order(2, paid_at="2090-10-05 10:00:00")]),
    )
    c.case(
        "date_before_2000",
        ORDERS,
        orders_bytes([order(1), order(2, paid_at="1999-12-31 23:00:00")]),
    )
    c.case(
        "impossible_date",
        ORDERS,
        orders_bytes([order(1), order(2, paid_at="2026-02-30 10:00:00")]),
    )
    c.case(
        "same_order_twice",
        ORDERS,
        orders_bytes([order(1), order(2, paid="100.00"), order(3), order(2, paid="120.00")]),
    )
    c.case(
        "punch_out_before_in",
        ATTENDANCE,
        csv_bytes(
            [
                ATTENDANCE_HEADERS,
                *ATTENDANCE_ROWS,
                ["1001", "张敏", "2026-10-10", "白班 08:00-17:00", "17:05", "08:01"],
            ]
        ),
    )
    c.case(
        "punch_25_oclock",
        ATTENDANCE,
        csv_bytes(
            [
                ATTENDANCE_HEADERS,
                ["1001", "张敏", "2026-10-08", "白班 08:00-17:00", "25:10", "17:02"],
            ]
        ),
    )
    c.case(
        "leave_ends_before_start",
        LEAVE,
        csv_bytes(
            [
                LEAVE_HEADERS,
                *LEAVE_ROWS,
                ["1001", "张敏", "病假", "2026-10-20 17:00", "2026-10-20 08:00", "同意"],
            ]
        ),
    )
    c.case(
        "leave_unreadable_date",
        LEAVE,
        csv_bytes([LEAVE_HEADERS, ["1001", "张敏", "病假", "下周一", "2026-10-20 17:00", "同意"]]),
    )
    c.case(
        "chat_unknown_direction",
        CHATS,
        csv_bytes(
            [
                CHAT_HEADERS,
                *CHAT_ROWS,
                ["星辰家居旗舰店:小敏", "amy_1", "2026-10-10 08:50:00", "系统", "订单已发货"],
            ]
        ),
    )
    c.case(
        "chat_future_time",
        CHATS,
        csv_bytes(
            [
                CHAT_HEADERS,
                *CHAT_ROWS,
                ["星辰家居旗舰店:小敏", "amy_1", "2091-01-01 08:50", "买家", "?"],
            ]
        ),
    )
    c.case(
        "roster_duplicate_id",
        ROSTER,
        csv_bytes([*ROSTER_ROWS, ["1002", "李小娜", "星辰家居旗舰店:娜娜", "售前", "2026-01-01"]]),
    )
    c.case(
        "incident_unknown_kind",
        INCIDENTS,
        csv_bytes([*INCIDENT_ROWS, ["2026-10-13", "1001", "张敏", "迟到早退", "", "", ""]]),
    )
    c.case(
        "duplicated_headers_xlsx",
        "每日统计.xlsx",
        xlsx_bytes(
            [
                [*ATTENDANCE_HEADERS, "日期"],
                *[[*r, "2026-10-01"] for r in ATTENDANCE_ROWS],
            ],
            ["每日统计 统计日期：2026-10-01 至 2026-10-31", "报表生成时间：2026-11-01 08:00"],
            "每日统计",
        ),
    )


def rule_cases(c: Corpus) -> None:
    c.rule("rule_key_typo", "settings.yaml", "lang: zh\nmask_buyer: true\n")
    c.rule(
        "rule_wrong_type",
        "commission.yaml",
        "tiers:\n  - {from: 0, below: 50000, rate: 0.005}\n  - {from: 50000, rate: abc}\n",
    )
    c.rule(
        "rule_tier_gap",
        "commission.yaml",
        "tiers:\n  - {from: 0, below: 50000, rate: 0.005}\n"
        "  - {from: 60000, below: 100000, rate: 0.008}\n  - {from: 100000, rate: 0.01}\n",
    )
    c.rule(
        "rule_tier_overlap",
        "commission.yaml",
        "tiers:\n  - {from: 0, below: 50000, rate: 0.005}\n"
        "  - {from: 40000, below: 100000, rate: 0.008}\n  - {from: 100000, rate: 0.01}\n",
    )
    scoring = (REPO_RULES / "scoring.yaml").read_text(encoding="utf-8")
    swapped = scoring.replace(
        "  - {id: punishment, max_score: 2, label: {zh: 惩罚, en: punishment}}\n"
        "  - {id: warning, max_score: 5, label: {zh: 口头警告, en: verbal warning}}\n",
        "  - {id: warning, max_score: 5, label: {zh: 口头警告, en: verbal warning}}\n"
        "  - {id: punishment, max_score: 2, label: {zh: 惩罚, en: punishment}}\n",
    )
    assert swapped != scoring, "rules/scoring.yaml levels changed: update rule_levels_unordered"
    c.rule("rule_levels_unordered", "scoring.yaml", swapped)
    c.rule(
        "rule_python_object",
        "settings.yaml",
        "lang: zh\nledger: !!python/object/apply:os.system ['touch /tmp/csops-pwned']\n",
    )
    c.rule("rule_python_name", "shipping.yaml", "levels: !!python/name:os.system\n")
    c.rule("rule_yaml_syntax", "settings.yaml", "lang: zh\n\tmask_buyers: true\n")
    c.rule("rule_unknown_rounding", "settings.yaml", "rounding: bankers\n")


REPO_RULES = HERE.parent.parent / "rules"


def main() -> None:
    for folder in (BASE, FILES):
        keep = FILES / "password_xlsx" if folder == FILES else None
        if folder.exists():
            for child in folder.iterdir():
                if child != keep:
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
    corpus = Corpus()
    base(corpus)
    file_cases(corpus)
    value_cases(corpus)
    rule_cases(corpus)
    print(f"wrote {len(corpus.written)} files under {HERE.relative_to(Path.cwd())}")


if __name__ == "__main__":
    main()
