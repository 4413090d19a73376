"""A tiny month of exports for closing tests, with a score chosen per staff member.

Two staff on the roster: 1001 小美 (售前) and 1002 阿杰 (售后), both 白班 08:00-17:00.
Each has twelve attendance days (the 1st to the 12th): the first `lates` days clock in at
08:10 (a late, −0.5 each under the default rules), the next `absent` days have no punch
and no leave (旷工, −5 each), the rest are on time. So the score is
10 − 0.5 × lates − 5 × absent: (0, 1) → 5.0 exactly, (9, 0) → 5.5.

Also: 1001 has an approved 事假 on the 13th (a leave day, free) and a 嘉奖 of 200 yuan;
orders: 1001 is credited 1,000.00 (memo 1001), 1002 500.00 − 100.00 refunded (memo
阿杰), one order is unpaid; the default tier rate is 0.5 %, so commission 5.00 and 2.00,
totals 205.00 and 2.00. Chats: one buyer of 小美 asks at 14:00:05 and is answered at
14:00:20 (15 s) and pays at 14:05.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path

WEEKDAYS = "星期一 星期二 星期三 星期四 星期五 星期六 星期日".split()
STAFF = {"1001": ("小美", "售前客服"), "1002": ("阿杰", "售后客服")}


def _day(month: str, number: int) -> date:
    return date(int(month[:4]), int(month[5:7]), number)


def write_month(
    folder: Path,
    month: str = "2026-10",
    lates: Mapping[str, int] | None = None,
    absent: Mapping[str, int] | None = None,
) -> Path:
    """Write roster, attendance, leave, incidents, orders and chats for `month`."""
    lates = {"1001": 0, "1002": 0} | dict(lates or {})
    absent = {"1001": 0, "1002": 0} | dict(absent or {})
    folder.mkdir(parents=True, exist_ok=True)
    first = _day(month, 1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    (folder / "roster.csv").write_text(
        "工号,姓名,岗位,旺旺子账号,入职日期,离职日期\n"
        "1001,小美,售前,星辰家居旗舰店:小美,2025-03-01,\n"
        "1002,阿杰,售后,星辰家居旗舰店:阿杰,2025-06-01,\n",
        encoding="utf-8",
    )
    lines = [
        f"每日统计 统计日期：{first.isoformat()} 至 {last.isoformat()}",
        f"报表生成时间：{(last + timedelta(days=1)).isoformat()} 08:00",
        "姓名,考勤组,部门,工号,职位,UserId,日期,班次,上班1打卡时间,上班1打卡结果,"
        "下班1打卡时间,下班1打卡结果",
    ]
    for staff_id, (name, position) in STAFF.items():
        for number in range(1, 14 if staff_id == "1001" else 13):
            day = _day(month, number)
            stamp = f"{day:%y-%m-%d} {WEEKDAYS[day.weekday()]}"
            head = (
                f"{name},客服组,客服部,{staff_id},{position},u{staff_id},{stamp},白班 08:00-17:00"
            )
            if number == 13:
                punches = ",请假,,请假"
            elif number <= lates[staff_id]:
                punches = "08:10,迟到,17:05,正常"
            elif number <= lates[staff_id] + absent[staff_id]:
                punches = ",旷工,,旷工"
            else:
                punches = "07:55,正常,17:05,正常"
            lines.append(f"{head},{punches}")
    (folder / "attendance.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    leave_day = _day(month, 13).isoformat()
    (folder / "leave.csv").write_text(
        "审批编号,审批状态,审批结果,发起人工号,发起人姓名,请假类型,开始时间,结束时间,时长\n"
        f"1,已完成,同意,1001,小美,事假,{leave_day} 08:00,{leave_day} 17:00,1天\n",
        encoding="utf-8",
    )
    (folder / "incidents.csv").write_text(
        "日期,工号,姓名,类型,扣分,金额,备注\n"
        f"{_day(month, 5).isoformat()},1001,小美,嘉奖,,200,好评\n",
        encoding="utf-8",
    )
    paid = _day(month, 3).isoformat()
    (folder / "orders.csv").write_text(
        "订单编号,买家会员名,买家实际支付金额,订单状态,订单付款时间,订单备注,退款金额\n"
        f'="4012345678901234567",tb小鱼88,"1,000.00",交易成功,{paid} 14:05:00,1001,0.00\n'
        f'="4012345678901234568",买家乙,500.00,交易成功,{paid} 15:00:00,阿杰,100.00\n'
        '="4012345678901234569",买家丙,80.00,等待买家付款,,,\n',
        encoding="utf-8-sig",
    )
    (folder / "chats.csv").write_text(
        "客服账号,买家,时间,发送方,内容\n"
        f"星辰家居旗舰店:小美,tb小鱼88,{paid} 14:00:05,买家,在吗？这个有货吗\n"
        f"星辰家居旗舰店:小美,tb小鱼88,{paid} 14:00:20,客服,亲，在的，有货哦\n",
        encoding="utf-8-sig",
    )
    return folder
