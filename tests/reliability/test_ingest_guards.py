"""Focused tests of the guards issue 10 added to the readers (each also has a corpus case):
future dates against the run's clock, duplicated headers, punches out of order, damaged
GBK bytes, ragged rows with their true row numbers, nothing private quoted, an unknown
--encoding, and a month in which nobody lost a point."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from csops.cli.app import app
from csops.errors import InputError, UsageError
from csops.ingest.clean_values import clean_money, clean_text
from csops.ingest.discover import Inputs
from csops.ingest.redact import redact
from csops.rules import RuleSet

runner = CliRunner()


def write(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


ORDERS = ["订单编号", "买家实际支付金额", "订单付款时间", "收货地址"]


def test_future_is_measured_against_the_runs_clock(rules: RuleSet, tmp_path: Path) -> None:
    write(
        tmp_path / "o.csv", [ORDERS, ["4012345678901234501", "10.00", "2026-10-20 10:00:00", "x"]]
    )
    write(
        tmp_path / "leave.csv",
        [
            ["工号", "请假类型", "开始时间", "结束时间"],
            ["1001", "事假", "2026-12-01", "2026-12-02"],
        ],
    )
    before = pd.Timestamp("2026-10-15 09:00")
    with pytest.raises(InputError) as caught:
        Inputs.scan(rules, tmp_path, now=before).load(["orders", "leave"])
    assert caught.value.message == (
        "o.csv: column 订单付款时间: 1 rows are dated in the future (after 2026-10-16 09:00, a "
        "day past the time of this run) (rows 2: '2026-10-20 10:00:00') — expected a time that "
        "has already happened; check the year"
    )  # a planned leave in December is no problem
    later = Inputs.scan(rules, tmp_path, now=pd.Timestamp("2026-11-01")).load(["orders", "leave"])
    assert later.frame("orders")["paid_at"].tolist() == [pd.Timestamp("2026-10-20 10:00")]


def test_a_duplicated_header_is_a_problem_only_where_csops_reads_it(
    rules: RuleSet, tmp_path: Path
) -> None:
    # Two 收货地址 (not read) and two different aliases of paid_amount (the first listed
    # alias wins): fine.
    header = ["订单编号", "实付金额", "买家实际支付金额", "收货地址", "收货地址"]
    write(tmp_path / "a.csv", [header, ["4012345678901234501", "1.00", "2.00", "x", "y"]])
    frame = Inputs.scan(rules, tmp_path).load(["orders"]).frame("orders")
    assert frame["paid_amount_fen"].tolist() == [200]
    write(
        tmp_path / "a.csv",
        [[*header, "订单编号"], ["4012345678901234501", "1", "2", "x", "y", "9"]],
    )
    with pytest.raises(InputError, match=r"订单编号 \(order_id\) in columns A, F;"):
        Inputs.scan(rules, tmp_path).load(["orders"])


def test_punches_out_of_order(rules: RuleSet, tmp_path: Path) -> None:
    head = ["工号", "日期", "班次", "上班1打卡时间", "下班1打卡时间"]
    rows = [
        ["1001", "2026-10-08", "晚班 17:00-23:00", "16:55", "次日 00:20"],  # past midnight
        ["1001", "2026-10-09", "白班 08:00-17:00", "08:00", "08:00"],  # same minute: odd, kept
        ["1001", "2026-10-10", "白班 08:00-17:00", "17:01", "07:59"],
    ]
    write(tmp_path / "a.csv", [head, *rows])
    inputs = Inputs.scan(rules, tmp_path).load(["attendance"], strict=False)
    [problem] = inputs.files[0].problems
    assert str(problem) == (
        "a.csv: column 下班1打卡时间: 1 rows have the clock-out before the clock-in "
        "(上班1打卡时间) (rows 4: '17:01 → 07:59') — expected a clock-out after the clock-in; "
        "a punch after midnight is written 次日 01:10"
    )


def test_damaged_gbk_bytes_are_reported_where_they_are_read(rules: RuleSet, tmp_path: Path) -> None:
    head = ["订单编号", "买家会员名", "买家实际支付金额", "订单付款时间", "收货地址"]
    rows = [
        [f"40123456789012345{i:02d}", f"买家{i}", "10.00", "2026-10-01 10:00", f"文三路{i}号"]
        for i in range(10)
    ]
    good = write(tmp_path / "o.csv", [head, *rows], "gb18030").read_bytes()
    # Damage in the address, a column csops never reads: the file loads as GB18030.
    damaged = good.replace("文三路3号".encode("gb18030"), b"\xff\xff3")
    (tmp_path / "o.csv").write_bytes(damaged)
    inputs = Inputs.scan(rules, tmp_path).load(["orders"])
    assert inputs.files[0].source is not None
    assert inputs.files[0].source.encoding == "gb18030"
    assert len(inputs.frame("orders")) == 10
    # Damage in a column csops reads (the buyer): named with its row.
    broken = "买家7".encode("gb18030")
    (tmp_path / "o.csv").write_bytes(damaged.replace(broken, broken[:2] + b"\x81\x20"))
    with pytest.raises(InputError) as caught:
        Inputs.scan(rules, tmp_path).load(["orders"])
    assert caught.value.message.startswith(
        "o.csv: column 买家会员名: 1 cells hold bytes that are not valid GB18030 text (rows 9: "
    )


def test_rows_after_a_ragged_row_keep_their_numbers(rules: RuleSet, tmp_path: Path) -> None:
    lines = [
        "订单编号,买家实际支付金额,订单付款时间,订单备注",
        "4012345678901234501,1.00,2026-10-01 10:00:00,1001",
        "4012345678901234502,2.00",
        '4012345678901234503,3.00,2026-10-01 10:00:00,"两行\n备注"',
        "4012345678901234504,4.00,2026-10-01 10:00:00,1002",
    ]
    (tmp_path / "o.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))
    inputs = Inputs.scan(rules, tmp_path).load(["orders"], strict=False)
    frame = inputs.frame("orders")
    assert frame["order_id"].str[-1].tolist() == ["1", "3", "4"]
    assert frame["_row"].tolist() == [2, 4, 5]
    [problem] = inputs.files[0].problems
    assert (problem.rows, problem.samples) == ([3], ["2 cells"])


# A ragged row pyarrow cannot hand to a row handler as UTF-8 text (GB18030 text, a damaged
# byte) made it print "Exception ignored … Traceback" on stderr. A fresh interpreter reads
# such files: stderr stays empty, and the rows are still named.
QUIET_CHILD = """
import sys
from pathlib import Path
from csops.errors import InputError
from csops.ingest.discover import Inputs
from csops.rules import load_rules
rules = load_rules(Path(sys.argv[1]))
for folder in sys.argv[2:]:
    try:
        inputs = Inputs.scan(rules, Path(folder)).load(["orders"], strict=False)
        print(*[str(problem) for problem in inputs.files[0].problems], sep="\\n")
    except InputError as exc:
        print(exc.message)
"""


def test_a_ragged_row_that_is_not_utf8_prints_nothing_on_stderr(tmp_path: Path) -> None:
    head = "订单编号,买家实际支付金额,订单付款时间,买家会员名"
    rows = [f"40123456789012345{i:02d},{i}.00,2026-10-01 10:00:00,买家{i}" for i in range(30)]
    rows[2] = "4012345678901234502,2.00,买家2"  # cut short, its text GB18030
    data = ("\r\n".join([head, *rows]) + "\r\n").encode("gb18030")
    files = {
        "gb18030": data,
        "gb18030_damaged": data.replace(",买家4\r".encode("gb18030"), b",\xff\xff\r"),
        "utf8_damaged": data.decode("gb18030").encode().replace(",买家2\r".encode(), b",\xff\r"),
        # The cut row all ASCII, a damaged buyer elsewhere: both named.
        "gb18030_ascii_row": data.replace(",买家2\r".encode("gb18030"), b"\r").replace(
            ",买家4\r".encode("gb18030"), b",\xff\xff\r"
        ),
    }
    for name, content in files.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "o.csv").write_bytes(content)
    folders = [str(tmp_path / name) for name in files]
    rules = Path(__file__).parent.parent.parent / "rules"
    done = subprocess.run(
        [sys.executable, "-c", QUIET_CHILD, str(rules), *folders],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Exception ignored" not in done.stderr
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [
        "o.csv: 1 rows do not have the header's 4 cells (a truncated or hand-edited file?) "
        "(rows 4: '3 cells') — expected 4 cells in every row, as in the header",
        "o.csv: some rows do not have the header's 4 cells and the file holds bytes that are "
        "not valid GB18030 text; export it again",
        "o.csv: some rows do not have the header's 4 cells and the file holds bytes that are "
        "not valid UTF-8 text; export it again",
        "o.csv: 1 rows do not have the header's 4 cells (a truncated or hand-edited file?) "
        "(rows 4: '2 cells') — expected 4 cells in every row, as in the header",
        "o.csv: column 买家会员名: 1 cells hold bytes that are not valid GB18030 text (rows 6: "
        "'\\\\xff\\\\xff') — expected text in one encoding (re-export the file)",
    ]


def test_messages_quote_no_contact_details() -> None:
    assert redact("zhang.san@163.com") == "…@…"
    assert (redact("138****2222"), redact("tel 0571-88001111")) == ("…", "tel …")
    assert redact("收货人姓名") == "收货人姓名"
    assert redact("上班1打卡时间") == "上班1打卡时间"


def test_csops_formula_guard_is_taken_off_text_on_reading() -> None:
    values, bad = clean_text(pd.Series(["'=SUM(A1)", "'-5", " '@x ", "'abc", "''=x", ""]))
    assert values.tolist()[:5] == ["=SUM(A1)", "-5", "@x", "'abc", "''=x"]
    assert values.isna().tolist() == [False] * 5 + [True]
    assert not bad.any()


def test_unknown_encoding_is_a_usage_error(rules: RuleSet, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--encoding 'gbk2': unknown encoding"):
        Inputs.scan(rules, tmp_path, encoding="gbk2")


def test_missing_column_of_a_part_is_reported_once(tmp_path: Path) -> None:
    write(tmp_path / "roster.csv", [["工号", "姓名"], ["1001", "张敏"]])
    write(tmp_path / "a.csv", [ORDERS, ["4012345678901234501", "1.00", "2026-10-01", "x"]])
    write(tmp_path / "b.csv", [["订单编号", "订单付款时间"], ["4012345678901234502", "2026-10-02"]])
    result = runner.invoke(app, ["commission", "--month", "2026-10", "--data", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.count("b.csv: looks like orders") == 1


def test_a_month_without_any_deduction_reports(tmp_path: Path) -> None:
    """`score --format json` used to crash (.dt on an empty evidence column)."""
    data = tmp_path / "data"
    data.mkdir()
    write(data / "roster.csv", [["工号", "姓名"], ["1001", "张敏"]])
    write(
        data / "attendance.csv",
        [["工号", "日期", "班次", "上班1打卡时间", "下班1打卡时间"],
         ["1001", "2026-10-08", "白班 08:00-17:00", "07:58", "17:02"]],
    )  # fmt: skip
    args = ["score", "--month", "2026-10", "--data", str(data), "--format", "json",
            "--ledger", str(tmp_path / "ledger.sqlite")]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    [staff] = json.loads(result.stdout)["staff"]
    assert (staff["staff_id"], staff["score"], staff["deductions"]) == ("1001", 10.0, [])


def test_inspect_quotes_no_damaged_chat_text(tmp_path: Path) -> None:
    """Chat text is read by inspect only; a damaged message is named by row, not quoted
    (buyers type phone numbers and addresses there)."""
    head = ["客服账号", "买家", "时间", "发送方", "内容"]
    rows = [
        ["店:小敏", "tb小鱼88", f"2026-10-03 13:5{i}:00", "买家", f"第{i}条 在吗"] for i in range(8)
    ]
    data = write(tmp_path / "chats.csv", [head, *rows]).read_bytes()
    secret = "我的电话13812345678 地址文三路1号".encode()
    (tmp_path / "chats.csv").write_bytes(data.replace("第3条 在吗".encode(), secret + b"\xff"))
    result = runner.invoke(app, ["inspect", "--data", str(tmp_path), "--format", "json"])
    assert result.exit_code == 1
    [problem] = json.loads(result.stdout)["files"][0]["problems"]
    assert problem == (
        "chats.csv: column 内容: 1 cells hold bytes that are not valid UTF-8 text (rows 5) — "
        "expected text in one encoding (re-export the file)"
    )
    assert "1381234" not in result.output and "文三路" not in result.output


def test_a_damaged_cell_past_the_sample_does_not_turn_utf8_into_mojibake(
    rules: RuleSet, tmp_path: Path
) -> None:
    rows = [
        [f"4012345678{i:09d}", f"王小二{i}", "10.00", "2026-10-01 10:00:00", "杭州" * 20]
        for i in range(3000)
    ]
    head = ["订单编号", "买家会员名", "买家实际支付金额", "订单付款时间", "收货地址"]
    data = write(tmp_path / "o.csv", [head, *rows]).read_bytes()
    assert len(data) > 300_000  # past the 256 KB the encoding is guessed from
    broken = "王小二2990".encode()
    (tmp_path / "o.csv").write_bytes(data.replace(broken, broken[:3] + b"\xe5\x08" + broken[6:]))
    inputs = Inputs.scan(rules, tmp_path).load(["orders"], strict=False)
    buyers = inputs.frame("orders")["buyer"]
    assert buyers.iloc[0] == "王小二0" and buyers.iloc[2999] == "王小二2999"
    [problem] = inputs.files[0].problems
    assert (problem.column, problem.rows, problem.count) == ("买家会员名", [2992], 1)
    assert "not valid UTF-8 text" in problem.message


def test_an_absurd_amount_is_unreadable_not_a_warning() -> None:
    """A 400-digit amount was inf, cast to a garbage int64 with a RuntimeWarning."""
    values, bad = clean_money(pd.Series(["1" + "0" * 400, "9" * 20, "90071992547409.92", "12.50"]))
    assert values.tolist()[3] == 1250 and values.isna().tolist() == [True, True, True, False]
    assert bad.tolist() == [True, True, True, False]
