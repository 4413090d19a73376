"""One 千牛 account, one person at a time (issue 21, class 9).

An account on two roster rows used to identify nobody: its conversations went to no one
and the orders its memo nickname named were lost from commission. Two rows whose 入职–离职
overlap are now an error naming both; an account handed over (the second row starts after
the first left) goes to whoever held it at each message and each payment."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from csops.cli.app import app
from csops.domain.roster import Roster

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "2026-10"
ACCOUNT = "星辰家居旗舰店:小雪"  # 1006 孙雪's, who left on 2026-10-20


def _month(tmp_path: Path, hired: str) -> Path:
    """The sample month with a new 1009 on the roster, holding 1006's account from `hired`."""
    new_row = {"工号": "1009", "姓名": "钱多多", "岗位": "售前", "旺旺子账号": ACCOUNT,
               "入职日期": hired, "班次": "白班"}  # fmt: skip
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    roster = pd.read_excel(data / "客服名单.xlsx", engine="calamine", dtype={"工号": str})
    roster = pd.concat([roster, pd.DataFrame([new_row])], ignore_index=True)
    for column in ("入职日期", "离职日期"):
        roster[column] = pd.to_datetime(roster[column]).dt.strftime("%Y-%m-%d")
    roster.to_excel(data / "客服名单.xlsx", index=False, engine="xlsxwriter")
    return data


def _handed_over(tmp_path: Path) -> Path:
    """1006's account, taken over by a new 1009 on the 21st, who chats and sells with it."""
    data = _month(tmp_path, "2026-10-21")
    chat = data / "聊天记录_2026-10.csv"
    lines = [
        f"{ACCOUNT},新买家0001,2026-10-25 10:00:00,买家,在吗",
        f"{ACCOUNT},新买家0001,2026-10-25 10:00:20,客服,在的亲",
        f"{ACCOUNT},新买家0002,2026-10-26 11:00:00,买家,有货吗",
        f"{ACCOUNT},新买家0002,2026-10-26 11:00:40,客服,有的亲",
    ]
    with chat.open("a", encoding="utf-8", newline="") as out:
        out.write("\n".join(lines) + "\n")
    orders = data / "ExportOrderList202610.csv"
    header = orders.read_bytes().decode("gb18030").splitlines()[0].split(",")
    row = dict.fromkeys(header, "")
    row.update(
        {
            "订单编号": '="4017416467599990001"',
            "买家会员名": "新买家0001",
            "买家应付货款": "500.00",
            "总金额": "500.00",
            "买家实际支付金额": "500.00",
            "订单状态": "交易成功",
            "订单创建时间": "2026-10-25 10:01:00",
            "订单付款时间 ": "2026-10-25 10:02:00",
            "订单备注": "小雪",
            "退款金额": "0.00",
        }
    )
    with orders.open("ab") as out:
        out.write((",".join(row[h] for h in header) + "\r\n").encode("gb18030"))
    return data


def _json(args: list[str]) -> dict:
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_handed_over_account_chats_for_whoever_held_it_then(tmp_path: Path) -> None:
    data = _handed_over(tmp_path)
    before = _json(["chats", "--month", "2026-10", "--data", str(SAMPLE)])
    after = _json(["chats", "--month", "2026-10", "--data", str(data)])
    staff = {s["staff_id"]: s for s in after["staff"] if s.get("staff_id")}
    old = {s["staff_id"]: s for s in before["staff"] if s.get("staff_id")}
    # The two new conversations are 1009's; 1006 keeps what was theirs before the 21st
    # (a sample conversation that ran past midnight into the 21st is 1009's now).
    assert staff["1009"]["conversations"] >= 2
    assert staff["1006"]["conversations"] > 0
    total = staff["1006"]["conversations"] + staff["1009"]["conversations"]
    assert total == old["1006"]["conversations"] + 2
    assert not any(ACCOUNT in note for note in after["notes"])


def test_a_memo_nickname_of_a_handed_over_account_pays_who_held_it(tmp_path: Path) -> None:
    data = _handed_over(tmp_path)
    doc = _json(["commission", "--month", "2026-10", "--data", str(data)])
    staff = {s["staff_id"]: s for s in doc["staff"]}
    assert staff["1009"]["orders"] == 1
    assert staff["1009"]["net_sales"] == "500.00"
    # 1006's own memo orders (paid while 孙雪 held the account) stay 1006's.
    sample = _json(["commission", "--month", "2026-10", "--data", str(SAMPLE)])
    assert staff["1006"] == {s["staff_id"]: s for s in sample["staff"]}["1006"]


def test_two_rows_holding_one_account_at_once_are_an_error_naming_both(
    tmp_path: Path,
) -> None:
    data = _month(tmp_path, "2026-10-10")
    result = CliRunner().invoke(app, ["chats", "--month", "2026-10", "--data", str(data)])
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert ACCOUNT in text and "1006" in text and "1009" in text
    assert "旺旺子账号" in text
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("first_left", "second_hired", "handed_over"),
    [
        ("2026-10-20", "2026-10-21", True),
        ("2026-10-20", "2026-10-20", False),
        (None, "2026-10-21", False),
    ],
)
def test_periods_that_share_a_day_are_no_handover(
    first_left: str | None, second_hired: str, handed_over: bool
) -> None:
    frame = pd.DataFrame(
        {
            "staff_id": ["1006", "1009"],
            "name": ["孙雪", "钱多多"],
            "accounts": [ACCOUNT, ACCOUNT],
            "hired_on": pd.to_datetime(["2023-07-24", second_hired]),
            "left_on": pd.to_datetime([first_left, None]),
            "_file": "客服名单.xlsx",
            "_row": [2, 3],
        }
    )
    if not handed_over:
        with pytest.raises(Exception, match="1006 and 1009"):
            Roster.from_frame(frame)
        return
    roster = Roster.from_frame(frame)
    times = pd.Series(pd.to_datetime(["2026-10-20 23:59:59", "2026-10-21 00:00:00"]))
    held = roster.holders_at(pd.Series([ACCOUNT, ACCOUNT]), times)
    assert roster.staff_for_accounts(held).tolist() == ["1006", "1009"]
    assert roster.holder_at("小雪", pd.Timestamp("2026-10-21 08:00")) == "1009"


def test_messages_while_nobody_held_the_account_are_said_as_such(tmp_path: Path) -> None:
    """1006 left on the 20th, 1009 comes on the 25th: the sample's messages of the 21st
    are nobody's. That is a gap in the roster's dates, not an account missing from it."""
    data = _month(tmp_path, "2026-10-25")
    result = CliRunner().invoke(
        app,
        ["monthly", "--month", "2026-10", "--data", str(data), "--out", str(tmp_path / "out"),
         "--ledger", str(tmp_path / "l.sqlite"), "--quiet"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert f"千牛账号 {ACCOUNT} 有消息发生在名单上没有人持有它的时间" in said
    assert "不在客服名单上" not in said


def test_the_overdue_list_names_who_held_the_nickname_at_payment() -> None:
    from csops.domain.shipments import assign_staff

    frame = pd.DataFrame(
        {
            "staff_id": ["1006", "1009"],
            "name": ["孙雪", "钱多多"],
            "accounts": [ACCOUNT, ACCOUNT],
            "hired_on": pd.to_datetime(["2023-07-24", "2026-10-21"]),
            "left_on": pd.to_datetime(["2026-10-20", None]),
            "_file": "客服名单.xlsx",
            "_row": [2, 3],
        }
    )
    index = pd.RangeIndex(2)
    paid = pd.Series(pd.to_datetime(["2026-10-15 10:00", "2026-10-25 10:00"]), index=index)
    staff = assign_staff(
        pd.Series(["小雪", "小雪"], index=index), index, Roster.from_frame(frame), paid
    )
    assert staff["staff_id"].tolist() == ["1006", "1009"]
