"""Small, hand-countable exports for the KPI tests (a data folder and a rules folder).

October 2026 (all chats at 10:00–14:00, inside service hours; the fast-reply limit is 30 s):

- 1001 老周 (主管): 1 wait answered in 20 s.
- 1002 小美 (售前): 4 waits answered in 10, 20, 40 and 100 s → 2 timely; first response
  42.5 s; ratings 很满意, 满意, 不满意; spot checks 得分 90 (是) and 70 (否).
- 1003 阿杰 (售前): 2 waits answered in 5 s → 2 timely; first response 5 s; no ratings;
  one spot check with marks 8/9/10 and no 得分 (→ 90), 是.
- 1005 小琳 (售后): 1 wait answered in 60 s → 0 timely; rated 很满意; no spot checks.

Orders: b1 (chatted with 小美) pays 100.00 the same day, memo 1002; c1 (阿杰) pays 300.00,
memo 1003; x (no chat) pays 200.00, memo 1002. So net sales 1002 300.00, 1003 300.00;
inquiries 1002 4 (1 paid), 1003 2 (1 paid), 1005 1 (0 paid).

November (quarter tests): 小美 10 waits, one in 10 s and nine in 100 s; one spot check
得分 60 否. December: nothing. The quarter tests move all of it three months back (2026Q3).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

ROSTER = (
    "工号,姓名,岗位,旺旺子账号\n"
    "1001,老周,主管,星辰家居旗舰店:老周\n"
    "1002,小美,售前,星辰家居旗舰店:小美\n"
    "1003,阿杰,售前,星辰家居旗舰店:阿杰\n"
    "1005,小琳,售后,星辰家居旗舰店:小琳\n"
)

CARDS = """
cards:
  presale:
    label: {zh: 售前, en: pre-sale}
    roles: [售前]
    metrics:
      - metric: reply_timeliness
        weight: 40
        direction: higher
        bands: [{min: 0.9, points: 100}, {min: 0.5, points: 60}]
        otherwise: 10
      - metric: first_response_s
        weight: 20
        direction: lower
        linear: {best: 10, worst: 110}
      - metric: satisfaction_rate
        weight: 20
        bands: [{min: 0.6, points: 100}]
        otherwise: 0
      - metric: qa_score
        weight: 20
        linear: {best: 100, worst: 60}
  aftersale:
    label: {zh: 售后, en: after-sale}
    roles: [售后]
    metrics:
      - metric: reply_timeliness
        weight: 50
        bands: [{min: 0.9, points: 100}]
        otherwise: 20
      - metric: qa_resolution_rate
        weight: 50
        bands: [{min: 0.9, points: 100}]
        otherwise: 0
        missing: 50
"""
BONUS = """
bonus:
  tiers: [{min_total: 80, amount: 500}, {min_total: 60, amount: 200}]
  withhold_levels: [punishment]
"""


def chat_rows(account: str, buyer: str, start: str, delay_s: int, rating: str = "") -> list[str]:
    """One wait: the buyer asks at `start`, the staff member answers `delay_s` later."""
    t = datetime.fromisoformat(start)
    reply = t + timedelta(seconds=delay_s)
    shop = f"星辰家居旗舰店:{account}"
    return [
        f"{shop},{buyer},{t:%Y-%m-%d %H:%M:%S},买家,在吗,",
        f"{shop},{buyer},{reply:%Y-%m-%d %H:%M:%S},客服,在的,{rating}",
    ]


def october_chats() -> list[str]:
    rows: list[str] = []
    for buyer, delay, rating in (("b1", 10, "很满意"), ("b2", 20, "满意"), ("b3", 40, "不满意")):
        rows += chat_rows("小美", buyer, "2026-10-05 10:00:00", delay, rating)
    rows += chat_rows("小美", "b4", "2026-10-05 10:00:00", 100)
    rows += chat_rows("阿杰", "c1", "2026-10-06 11:00:00", 5)
    rows += chat_rows("阿杰", "c2", "2026-10-06 11:00:00", 5)
    rows += chat_rows("小琳", "d1", "2026-10-07 14:00:00", 60, "很满意")
    rows += chat_rows("老周", "e1", "2026-10-08 10:00:00", 20)
    return rows


def november_chats() -> list[str]:
    rows = chat_rows("小美", "n0", "2026-11-03 10:00:00", 10)
    for i in range(1, 10):
        rows += chat_rows("小美", f"n{i}", "2026-11-03 10:00:00", 100)
    return rows


ORDERS = (
    "订单编号,买家会员名,买家实际支付金额,订单付款时间,订单备注\n"
    "4012345678901234561,b1,100.00,2026-10-05 10:30:00,1002\n"
    "4012345678901234562,c1,300.00,2026-10-06 12:00:00,1003\n"
    "4012345678901234563,x,200.00,2026-10-09 15:00:00,1002\n"
)
QA_HEADER = "日期,工号,客服姓名,买家昵称,质检得分,回复准确,服务态度,沟通技巧,是否解决,备注\n"
QA_OCTOBER = (
    "2026-10-10,1002,小美,b1,90,,,,是,推荐搭配合理\n"
    "2026-10-12,1002,小美,b3,70,,,,否,未核实库存\n"
    "2026-10-11,1003,阿杰,c1,,8,9,10,是,\n"
)
QA_NOVEMBER = "2026-11-04,1002,小美,n3,60,,,,否,答非所问\n"
ATTENDANCE = (
    "工号,日期,班次,上班1打卡时间,下班1打卡时间\n"
    "1001,2026-10-05,白班,07:55,17:05\n"
    "1002,2026-10-05,白班,07:55,17:05\n"
    "1003,2026-10-06,白班,07:55,17:05\n"
    "1005,2026-10-07,白班,07:55,17:05\n"
)
ATTENDANCE_LATER = "".join(
    f"{sid},2026-{m}-02,白班,07:55,17:05\n"
    for m in (11, 12)
    for sid in ("1001", "1002", "1003", "1005")
)
# 1003: 千牛离线 ×3 (−5) and 态度投诉 ×3 (−5): score 0, level punishment (≤ 2).
INCIDENTS = "日期,工号,类型,扣分,金额,备注\n" + "".join(
    f"2026-10-{d:02d},1003,{kind},,,\n"
    for kind, days in (("千牛离线", (6, 7, 8)), ("态度投诉", (9, 10, 11)))
    for d in days
)


# Quarter tests run on 2026Q3: the same data moved three months back, so that no row lies
# after today (the reader refuses dates in the future, and December 2026 may be).
QUARTER_SHIFT = {"2026-10-": "2026-07-", "2026-11-": "2026-08-", "2026-12-": "2026-09-"}


def write_data(
    folder: Path,
    *,
    quarter: bool = False,
    qa: bool = True,
    attendance: bool = False,
    ratings: bool = True,
) -> Path:
    """October's exports; with `quarter`, those of 2026Q3 (October's data as July's,
    November's as August's, attendance for all three months)."""

    def put(name: str, text: str) -> None:
        if quarter:
            for old, new in QUARTER_SHIFT.items():
                text = text.replace(old, new)
        (folder / name).write_text(text, encoding="utf-8")

    folder.mkdir(parents=True, exist_ok=True)
    put("客服名单.csv", ROSTER)
    chats = october_chats() + (november_chats() if quarter else [])
    header = "客服账号,买家,时间,发送方,内容,评价" if ratings else "客服账号,买家,时间,发送方,内容"
    if not ratings:
        chats = [r.rsplit(",", 1)[0] for r in chats]
    put("聊天记录.csv", header + "\n" + "\n".join(chats) + "\n")
    put("订单.csv", ORDERS)
    if qa:
        put("质检抽查.csv", QA_HEADER + QA_OCTOBER + (QA_NOVEMBER if quarter else ""))
    if attendance:
        put("打卡.csv", ATTENDANCE + (ATTENDANCE_LATER if quarter else ""))
        put("奖惩登记.csv", INCIDENTS)
    return folder


def write_rules(folder: Path, text: str = CARDS + BONUS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kpi.yaml").write_text(text, encoding="utf-8")
    return folder
