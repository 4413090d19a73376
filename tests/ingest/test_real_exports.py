"""Real shops' folders: several layouts of one kind side by side, names instead of 工号,
half days, punches, transcripts, and what a command makes of them. The exports are the
layout fixtures (tests/fixtures/layouts, sources in docs/inputs.md)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
from typer.testing import CliRunner

from csops.cli.app import app
from csops.domain.attendance import derive_attendance
from csops.domain.period import Month
from csops.domain.roster import Roster
from csops.domain.scoring import apply_rules
from csops.errors import InputError
from csops.ingest.discover import Inputs
from csops.report.evidence import phrases
from csops.rules import RuleSet, load_rules
from csops.rules.scoring import ScoringRules
from csops.rules.vocab import ValueWords

from ..conftest import FIXTURES, REPO

LAYOUTS = FIXTURES / "layouts"
runner = CliRunner()
ROSTER = (
    "工号,姓名,岗位,旺旺子账号,班次\n"
    "1002,林小美,售前,星辰家居旗舰店:小美,白班\n"
    "1003,陈雅婷,售前,星辰家居旗舰店:小雅,白班\n"
    "1004,王俊杰,售前,星辰家居旗舰店:阿杰,晚班\n"
    "1005,赵琳,售后,星辰家居旗舰店:小琳,白班\n"
    "1007,吴峰,售后,星辰家居旗舰店:阿峰,晚班\n"
)


def folder(tmp_path: Path, *names: str, roster: str = ROSTER) -> Path:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    (data / "客服名单.csv").write_text(roster, encoding="utf-8")
    for name in names:
        source = LAYOUTS / name if (LAYOUTS / name).exists() else FIXTURES / name
        shutil.copy(source, data / name)
    return data


def staff_row(doc: dict, staff_id: str) -> dict:
    return next(s for s in doc["staff"] if s["staff_id"] == staff_id)


# ---------------------------------------------------------------- orders


def test_jd_beside_taobao_pays_what_the_buyer_paid_and_nothing_on_cancelled(
    tmp_path: Path,
) -> None:
    data = folder(tmp_path, "orders_jd_30.csv", "orders_taobao_classic_45.csv")
    args = ["commission", "--month", "2026-10", "--data", str(data), "--rules", str(REPO / "rules")]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    # Paid 29.00 from the JD balance and 200.00 beyond it: 229.00 counts, not 200.00.
    assert staff_row(doc, "1004")["sales"] == "229.00"
    # Paid 39.00, then 已取消, in a JD export without refunds: fully refunded; 128.50 of
    # Taobao beside it.
    assert staff_row(doc, "1003")["sales"] == "167.50"
    assert staff_row(doc, "1003")["refunds"] == "39.00"
    assert staff_row(doc, "1003")["net_sales"] == "128.50"
    # The Taobao export's own 退款金额 (0.00 on a 交易关闭 order) wins over its status.
    assert staff_row(doc, "1002")["net_sales"] == "408.00"  # 349.00 (JD) + 59.00
    table = runner.invoke(app, [*args, "--lang", "en"])
    assert table.exit_code == 0, table.output
    notes = " ".join(table.stdout.split())
    assert "no refund column" in notes and "orders_jd_30.csv" in notes
    assert "orders_taobao_classic_45.csv" not in notes.split("no refund column")[1][:120]
    assert "1 paid orders closed or cancelled afterwards" in notes


def test_an_export_without_a_payment_time_says_so_and_may_use_creation(
    rules: RuleSet, tmp_path: Path
) -> None:
    data = folder(tmp_path, "orders_qianniu_21.xlsx")
    inputs = Inputs.scan(rules, data).load(["orders"])
    assert "paid_at" not in inputs.frame("orders")
    [note] = [n for r in inputs.files for n in r.notes if "payment time" in n]
    assert "paid_time_fallback: created_at" in note
    own = tmp_path / "rules"
    shutil.copytree(REPO / "rules", own)
    settings = own / "settings.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("paid_time_fallback: none", "paid_time_fallback: created_at"))
    inputs = Inputs.scan(load_rules(own), data).load(["orders"])
    frame = inputs.frame("orders")
    assert frame["paid_at"].tolist() == [pd.Timestamp("2026-10-05 20:10:00")]
    assert any("taken as paid when it was created" in n for r in inputs.files for n in r.notes)


def test_a_header_that_fits_two_kinds_names_both(rules: RuleSet, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "sheet.csv").write_text("日期,工号,类型,得分\n2026-10-03,1002,抽查,90\n", "utf-8")
    with pytest.raises(InputError) as caught:
        Inputs.scan(rules, data).load(["incidents", "qa"])
    message = caught.value.message
    assert "fits both incidents and qa" in message
    assert "--incidents FILE or --qa FILE" in message


# ---------------------------------------------------------------- chats


def test_two_chat_layouts_in_one_folder_are_read_together(tmp_path: Path) -> None:
    data = folder(tmp_path, "chats_qianniu.csv", "chats_sender_receiver.csv")
    result = runner.invoke(
        app, ["chats", "--month", "2026-10", "--data", str(data), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert staff_row(doc, "1002")["conversations"] >= 1


def test_a_bad_direction_word_names_the_column_its_file_has(tmp_path: Path) -> None:
    data = folder(tmp_path, "chats_sender_receiver.csv")
    text = (FIXTURES / "chats_qianniu.csv").read_text(encoding="utf-8-sig")
    (data / "千牛.csv").write_text(text.replace(",客服,", ",客服人员,", 1), encoding="utf-8-sig")
    result = runner.invoke(app, ["chats", "--month", "2026-10", "--data", str(data)])
    assert result.exit_code == 1
    assert "千牛.csv: column 发送方: 1 messages have a direction" in result.stderr
    assert "消息内容" not in result.stderr.split("direction")[0]


def test_one_conversation_per_row_without_times_is_one_clear_line(
    rules: RuleSet, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    wb = xlsxwriter.Workbook(str(data / "会话.xlsx"))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["客户ID", "客服", "聊天记录"])
    ws.write_row(1, 0, ["t******7", "店铺:小美", "t******7:在吗\n店铺:小美:在的亲"])
    wb.close()
    with pytest.raises(InputError) as caught:
        Inputs.scan(rules, data).load(["chats"])
    assert caught.value.message.startswith("会话.xlsx: column 聊天记录: a chat export with one")
    assert "without a time" in caught.value.message


# ---------------------------------------------------------------- attendance and leave


def _attendance(rules: RuleSet, data: Path, month: Month):  # type: ignore[no-untyped-def]
    inputs = Inputs.scan(rules, data).load(["roster", "attendance", "leave"])
    roster = Roster.from_frame(inputs.frame("roster"))
    return derive_attendance(
        inputs.frame("attendance"),
        inputs.frame("leave"),
        roster.staff,
        month,
        rules.get(ScoringRules).attendance,
        rules.get(ValueWords),
    ), inputs


def test_a_dingtalk_report_beside_the_roster(rules: RuleSet, tmp_path: Path) -> None:
    """每日统计, 原始记录 and 月度汇总 beside the roster: the roster stays one row per
    person, the summary is named and not used, and punches of a day the daily
    statistics list are not counted twice."""
    data = folder(
        tmp_path,
        "attendance_dingtalk_two_row_header.xlsx",
        "attendance_dingtalk_raw.xlsx",
        "attendance_dingtalk_monthly.xlsx",
    )
    derived, inputs = _attendance(rules, data, Month(2026, 11))
    kinds = sorted(str(r.kind) for r in inputs.files)
    assert kinds == ["attendance", "attendance_summary", "punches", "roster"]
    days = derived.days.set_index(["staff_id", "date"])
    assert days.loc[("1002", pd.Timestamp("2026-11-02")), "late_minutes"] == 5
    # 王俊杰 (晚班 17:00–23:00): in at 17:04, out past midnight; next day only 23:05.
    evening = days.loc[("1004", pd.Timestamp("2026-11-02"))]
    assert evening["late_minutes"] == 4 and not evening["missed_punch"]
    alone = days.loc[("1004", pd.Timestamp("2026-11-03"))]
    assert alone["missed_clock_in"] and pd.isna(alone["first_punch"])
    assert alone["last_punch"] == pd.Timestamp("2026-11-03 23:05")


def test_punches_and_leave_by_name_resolve_through_the_roster(
    rules: RuleSet, tmp_path: Path
) -> None:
    data = folder(
        tmp_path,
        "attendance_wecom_daily.xlsx",
        "attendance_time_clock_punches.csv",
        "leave_dingtalk_by_name.xlsx",
    )
    derived, _ = _attendance(rules, data, Month(2026, 11))
    days = derived.days.set_index(["staff_id", "date"])
    assert days.loc[("1005", pd.Timestamp("2026-11-02")), "late_minutes"] == 1  # by 姓名 赵琳
    # A time clock without 班次: 吴峰's 晚班 from the roster; his 00:10 punch closes the 2nd.
    night = days.loc[("1007", pd.Timestamp("2026-11-02"))]
    assert night["shift_label"] == "晚班 17:00-23:00" and not night["missed_punch"]
    assert any("taken from the roster" in w for w in derived.warnings)
    # 林小美's leave, named only by 创建人: a morning (上午) and four hours.
    leave = derived.leave_days
    assert leave["staff_id"].tolist() == ["1002", "1002"]
    assert leave["days"].tolist() == [0.5, 0.5]


def test_a_name_on_two_roster_rows_is_an_error_naming_both(rules: RuleSet, tmp_path: Path) -> None:
    twice = ROSTER + "1009,林小美,售后,星辰家居旗舰店:美美,白班\n"
    data = folder(
        tmp_path, "leave_dingtalk_by_name.xlsx", "attendance_wecom_daily.xlsx", roster=twice
    )
    with pytest.raises(InputError) as caught:
        _attendance(rules, data, Month(2026, 11))
    assert "林小美 is on two roster rows (1002 and 1009)" in caught.value.message
    assert "column 创建人" in caught.value.message


def test_half_days_use_the_allowance_by_their_part(rules: RuleSet) -> None:
    """Four leave days a month are free; a half day takes half a day of them, and the day
    that straddles the allowance is charged for its part beyond."""
    scoring = rules.get(ScoringRules)
    days = [1, 1, 1, 0.5, 1, 1]
    events = pd.DataFrame(
        {
            "staff_id": "1002",
            "event": "leave",
            "date": pd.date_range("2026-11-02", periods=len(days), freq="D"),
            "time": pd.date_range("2026-11-02", periods=len(days), freq="D"),
            "minutes": float("nan"),
            "sheet_points": float("nan"),
            "quantity": days,
            "_file": "请假.xlsx",
            "_row": range(2, 2 + len(days)),
            "seen": "leave",
            "_staff": 0,
        }
    )
    evidence = apply_rules(events, scoring, phrases("en"))
    mine = evidence[evidence["rule"] == "leave_excess"]
    assert mine["points"].tolist() == [0, 0, 0, 0, -1.0, -2.0]
    assert mine["charged_days"].tolist() == [0, 0, 0, 0, 0.5, 1.0]
    assert "#4.5" in mine["detail"].iloc[4]


# ---------------------------------------------------------------- reviewed cases


def _daily(days: int, shift: str = "白班", punches: tuple[str, str] = ("07:58", "17:02")) -> str:
    lines = ["工号,姓名,日期,班次,上班1打卡时间,下班1打卡时间"]
    for day in range(1, days + 1):
        lines.append(f"1002,林小美,2026-11-{day:02d},{shift},{punches[0]},{punches[1]}")
    return "\n".join(lines) + "\n"


def test_half_days_are_charged_as_half_days_in_the_score(tmp_path: Path) -> None:
    """Six afternoons off (下午, 0.5天) are three leave days: within the four free."""
    data = folder(tmp_path)
    (data / "考勤.csv").write_text(_daily(30), encoding="utf-8")
    leave = ["审批编号,发起人工号,发起人姓名,请假类型,开始时间,结束时间,时长,审批结果"]
    for day in range(2, 8):
        leave.append(
            f"2026110{day},1002,林小美,事假,2026-11-0{day} 下午,2026-11-0{day} 下午,0.5天,同意"
        )
    (data / "请假.csv").write_text("\n".join(leave) + "\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["score", "--month", "2026-11", "--data", str(data), "--format", "json",
         "--ledger", str(tmp_path / "l.sqlite")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    me = staff_row(json.loads(result.stdout), "1002")
    assert me["counts"]["leave_days"] == 3
    assert me["score"] == 10 and me["counts"]["absences"] == 0


def test_a_douyin_order_with_one_item_closed_refunds_that_item(
    rules: RuleSet, tmp_path: Path
) -> None:
    data = folder(tmp_path)
    text = (LAYOUTS / "orders_douyin_74.csv").read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    lines[1] = lines[1].replace("已发货", "已关闭")  # the 299.00 item is cancelled
    (data / "抖店.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    orders = Inputs.scan(rules, data).load(["orders"]).frame("orders")
    assert orders["paid_amount_fen"].tolist() == [38800]
    assert orders["refund_amount_fen"].tolist() == [29900]
    assert orders["status"].tolist() == ["已发货"]


def test_hours_of_leave_are_a_part_of_that_days_shift(rules: RuleSet, tmp_path: Path) -> None:
    """6 hours off a 6-hour 晚班 are a whole day; 4 hours of a 9-hour 白班 are 4/9."""
    data = folder(tmp_path)
    (data / "考勤.csv").write_text(
        "工号,姓名,日期,班次,上班1打卡时间,下班1打卡时间\n"
        "1004,王俊杰,2026-11-10,晚班,,\n"
        "1002,林小美,2026-11-11,白班,13:00,17:00\n",
        encoding="utf-8",
    )
    (data / "请假.csv").write_text(
        "发起人工号,请假类型,开始时间,结束时间,时长,审批结果\n"
        "1004,事假,2026-11-10 17:00,2026-11-10 23:00,6小时,同意\n"
        "1002,事假,2026-11-11 08:00,2026-11-11 12:00,4小时,同意\n"
        "1003,年假,2026-11-12 08:00,2026-11-13 12:00,1.5天,同意\n",
        encoding="utf-8",
    )
    derived, _ = _attendance(rules, data, Month(2026, 11))
    days = derived.leave_days.set_index(["staff_id", "date"])["days"]
    assert days[("1004", pd.Timestamp("2026-11-10"))] == 1
    assert days[("1002", pd.Timestamp("2026-11-11"))] == pytest.approx(4 / 9)
    assert days[("1003", pd.Timestamp("2026-11-12"))] == 1
    assert days[("1003", pd.Timestamp("2026-11-13"))] == 0.5


def test_an_unreadable_duration_is_a_warning(rules: RuleSet, tmp_path: Path) -> None:
    data = folder(tmp_path)
    (data / "考勤.csv").write_text(_daily(3), encoding="utf-8")
    (data / "请假.csv").write_text(
        "发起人工号,请假类型,开始时间,结束时间,时长,审批结果\n"
        "1002,事假,2026-11-02 08:00,2026-11-03 12:00,1天4小时,同意\n",
        encoding="utf-8",
    )
    derived, _ = _attendance(rules, data, Month(2026, 11))
    assert derived.leave_days["days"].tolist() == [1.0, 1.0]
    assert any("时长 csops cannot read ('1天4小时'" in w for w in derived.warnings)


def test_a_double_tap_is_one_punch(rules: RuleSet, tmp_path: Path) -> None:
    data = folder(tmp_path)
    (data / "打卡.csv").write_text(
        "姓名,考勤号码,日期时间\n林小美,1002,2026/11/2 7:58:01\n林小美,1002,2026/11/2 7:58:40\n",
        encoding="utf-8",
    )
    derived, _ = _attendance(rules, data, Month(2026, 11))
    [day] = derived.days.to_dict("records")
    assert day["missed_clock_out"] and not day["early_leave"]
    assert any("no 旷工 is counted" in w for w in derived.warnings)


def test_a_daily_export_by_name_beside_punches_by_id(rules: RuleSet, tmp_path: Path) -> None:
    data = folder(tmp_path, "attendance_wecom_daily.xlsx")
    (data / "打卡.csv").write_text(
        "姓名,考勤号码,日期时间\n赵琳,1005,2026/11/2 8:01:00\n赵琳,1005,2026/11/2 17:02:00\n",
        encoding="utf-8",
    )
    derived, _ = _attendance(rules, data, Month(2026, 11))
    assert len(derived.days) == 1
    assert any("punch days are also in the daily statistics" in w for w in derived.warnings)


def test_a_namesake_who_left_before_the_month_is_no_ambiguity(
    rules: RuleSet, tmp_path: Path
) -> None:
    roster = (
        "工号,姓名,岗位,班次,离职日期\n1002,林小美,售前,白班,\n0990,林小美,售前,白班,2025-03-31\n"
    )
    data = folder(tmp_path, "leave_dingtalk_by_name.xlsx", roster=roster)
    (data / "考勤.csv").write_text(_daily(30), encoding="utf-8")
    derived, _ = _attendance(rules, data, Month(2026, 11))
    assert set(derived.leave_days["staff_id"]) == {"1002"}


def test_transcript_lines_that_only_look_like_headers() -> None:
    from csops.ingest.reshape import _split

    staff = "[2026-10-03 14:05:40] 星辰家居旗舰店:小美: 您好亲"
    assert _split(staff, None)[0][:2] == ("星辰家居旗舰店:小美", "2026-10-03 14:05:40")
    text = "tb 2026-10-03 14:00:00\n在吗\n店铺:小美 2026-10-03 14:01:00\n预计 2026-10-05 18:00"
    found = _split(text, None, {"tb", "店铺:小美"})
    assert [m[0] for m in found] == ["tb", "店铺:小美"]
    assert found[1][2] == "预计 2026-10-05 18:00"
    night = _split("2026-10-03\ntb(23:58:30)\n在吗\n店铺:小美(00:02:10)\n在", None, {"tb"})
    assert [m[1] for m in night] == ["2026-10-03 23:58:30", "2026-10-04 00:02:10"]


def test_html_with_merged_header_cells(rules: RuleSet, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    page = (
        "<html><table><tr><td rowspan=2>时间</td><td rowspan=2>姓名</td>"
        "<td colspan=2>上班1</td><td colspan=2>下班1</td></tr>"
        "<tr><td>打卡时间</td><td>打卡状态</td><td>打卡时间</td><td>打卡状态</td></tr>"
        "<tr><td>2026-11-02</td><td>赵琳</td><td>08:01</td><td>正常</td><td>17:02</td>"
        "<td>正常</td></tr></table></html>"
    )
    (data / "考勤.xls").write_text(page, encoding="utf-8")
    inputs = Inputs.scan(rules, data).load(["attendance"])
    frame = inputs.frame("attendance")
    assert frame["clock_out"].tolist() == [pd.Timestamp("2026-11-02 17:02")]
    assert inputs.files[0].source is not None and inputs.files[0].source.header_rows == 2


def test_an_erp_order_of_two_platform_orders_is_read_once(rules: RuleSet, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "明细.csv").write_text(
        "订单编号,子单原始单号,订单状态,付款时间,订单支付金额,客服备注,货品名称\n"
        "JY001,4012345678901230091,已发货,2026-10-24 15:00:30,90.00,1007,浴巾\n"
        "JY001,4012345678901230092,已发货,2026-10-24 15:00:30,90.00,1007,毛巾\n",
        encoding="utf-8",
    )
    inputs = Inputs.scan(rules, data).load(["orders"])
    orders = inputs.frame("orders")
    assert orders["order_id"].tolist() == ["4012345678901230091,4012345678901230092"]
    assert orders["paid_amount_fen"].tolist() == [9000]
    assert any("ERP orders hold several platform orders" in n for n in inputs.files[0].notes)
