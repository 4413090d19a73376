"""Private data typed into free text never reaches an output (issue 21, class 3).

People type a buyer's phone number, address, ID-card number, receiver name or 支付宝
account into an order memo, a leave reason, the 备注 of the incident and spot-check
sheets and a chat message. Those columns are read (the memo says who sold; the notes
are evidence), so they are masked as they are read. This plants such values in each of
them, runs every command in every format plus the month-end run and a close, and scans
stdout, stderr, every file written (xlsx cell by cell), the log and the ledgers' bytes.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from csops.cli.app import app

from .sample_run import SAMPLE, Output, find, run_everything

MEMO = "1002 收货人:徐强强 电话13812345678 浙江省 杭州市 西湖区 文化路615号3栋275室"
INCIDENT_NOTE = "买家投诉 身份证110101199003071234 邮箱 buyer_88@163.com"
QA_NOTE = "退款到支付宝 13900001111，座机0571-44917393"
LEAVE_REASON = "住院 联系13712345678 收件人:王大锤"
CHAT_TEXT = "我的电话 13612345678 地址 上海市 浦东新区 世纪大道100号"

SECRETS = {
    "13812345678",
    "徐强强",
    "文化路615号",
    "110101199003071234",
    "buyer_88@163.com",
    "13900001111",
    "44917393",
    "13712345678",
    "王大锤",
    "13612345678",
    "世纪大道100号",
}


def _plant_memo(orders: Path) -> int:
    """The memo of every order whose memo is just `1002` gets MEMO (still naming 1002)."""
    lines = orders.read_bytes().decode("gb18030").split("\r\n")
    header = next(csv.reader([lines[0]]))
    at = header.index("订单备注")
    planted = 0
    for i, line in enumerate(lines[1:], start=1):
        cells = line.split(",")
        if len(cells) == len(header) and cells[at] == "1002":
            cells[at] = MEMO
            lines[i] = ",".join(cells)
            planted += 1
    orders.write_bytes("\r\n".join(lines).encode("gb18030"))
    return planted


def _set_first(book: Path, column: str, text: str) -> None:
    frame = pd.read_excel(book, engine="calamine")
    frame[column] = frame[column].astype("object")
    frame.loc[0, column] = text
    frame.to_excel(book, index=False, engine="xlsxwriter")


def _plant_chat(chat: Path) -> None:
    rows = list(csv.reader(io.StringIO(chat.read_text(encoding="utf-8-sig"))))
    at = rows[0].index("内容")
    for row in rows[1:]:
        if row[3] == "买家":
            row[at] = CHAT_TEXT
            break
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    chat.write_text(out.getvalue(), encoding="utf-8-sig")


def plant(data: Path) -> None:
    assert _plant_memo(data / "ExportOrderList202610.csv") > 5
    _set_first(data / "奖惩登记.xlsx", "备注", INCIDENT_NOTE)
    _set_first(data / "质检抽查.xlsx", "备注", QA_NOTE)
    _set_first(data / "审批_请假_2026-10.xlsx", "请假事由", LEAVE_REASON)
    _plant_chat(data / "聊天记录_2026-10.csv")


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory: pytest.TempPathFactory) -> list[Output]:
    outputs, _ = run_everything(
        tmp_path_factory.mktemp("planted"), "mask_buyers: false\n", on_copied=plant
    )
    return outputs


def test_no_planted_value_in_any_output(planted_run: list[Output]) -> None:
    assert find(planted_run, SECRETS) == []
    # The control: the scan finds each value where it is.
    planted = [Output("control", 0, [MEMO, INCIDENT_NOTE, QA_NOTE, LEAVE_REASON, CHAT_TEXT])]
    assert {needle for _, needle in find(planted, SECRETS)} == SECRETS


def test_the_masked_text_is_shown_and_said(planted_run: list[Output]) -> None:
    by_command = {o.command: "\n".join(o.texts) for o in planted_run}
    explained = by_command["commission explain"]
    assert "电话138****5678" in explained and "浙江省****" in explained
    assert "1002 收货人:徐* 电话138****5678 浙江省****" in by_command["monthly"]
    assert "110101********1234" in by_command["score explain"]
    assert "b***@163.com" in by_command["score explain"]
    assert "退款到支付宝 ***，座机0571-****7393" in by_command["monthly"]  # the spot checks
    # Said once, in the notes of the report that shows it.
    memo_note = "订单备注 列中已隐藏 269 个手机号、269 个收货人姓名、269 个地址"
    assert memo_note in " ".join(explained.split())
    assert "column 请假事由: masked 1 mobile numbers, 1 receiver names" in by_command["score json"]
    assert by_command["monthly"].count("column 订单备注: masked") >= 1
    # A reading note is a sentence, not a label key (it used to show as note.commission_…).
    assert not [c for c, text in by_command.items() if "note.commission_" in text]


def test_masking_changes_no_figure(tmp_path: Path) -> None:
    """The memo still credits 1002: masked numbers are no 工号, so the money is the same."""

    def commission(data: Path) -> dict:
        result = CliRunner().invoke(
            app, ["commission", "--month", "2026-10", "--data", str(data), "--format", "json"]
        )
        assert result.exit_code == 0, result.output
        return {s["staff_id"]: s for s in json.loads(result.stdout)["staff"]}

    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    plant(data)
    assert commission(data) == commission(SAMPLE)
