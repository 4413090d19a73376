"""The Excel exports: roster, DingTalk attendance and leave, incidents, spot checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import xlsxwriter

from tools.samplegen.chats import Chats
from tools.samplegen.plan import ABSENT, LEAVE, OFF, REST, WORK, Plan
from tools.samplegen.vocab import DAY, POSITIONS, SHIFTS

I64 = npt.NDArray[np.int64]
Arr = npt.NDArray[Any]


# ------------------------------------------------------------------ Excel files

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def _workbook(path: Path) -> xlsxwriter.Workbook:
    wb = xlsxwriter.Workbook(str(path))
    # A fixed creation time keeps the bytes identical from run to run.
    wb.set_properties({"created": datetime(2026, 1, 1), "author": "csops samplegen"})
    return wb


def write_roster(path: Path, plan: Plan) -> None:
    wb = _workbook(path)
    ws = wb.add_worksheet("客服名单")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    head = wb.add_format({"bold": True})
    for col, title in enumerate(
        ("工号", "姓名", "岗位", "旺旺子账号", "入职日期", "离职日期", "班次")
    ):
        ws.write_string(0, col, title, head)
    for r, p in enumerate(plan.staff, start=1):
        ws.write_number(r, 0, int(p.staff_id))
        ws.write_string(r, 1, p.name)
        ws.write_string(r, 2, p.role)
        ws.write_string(r, 3, p.account)
        ws.write_datetime(r, 4, datetime.combine(p.hired, datetime.min.time()), date_fmt)
        if p.left is not None:
            ws.write_datetime(r, 5, datetime.combine(p.left, datetime.min.time()), date_fmt)
        ws.write_string(r, 6, p.shift)
    ws.set_column(3, 3, 24)
    ws.set_column(4, 5, 12)
    wb.close()


def _hhmm(minutes: int) -> str:
    prefix = "次日 " if minutes >= 24 * 60 else ""
    minutes %= 24 * 60
    return f"{prefix}{minutes // 60:02d}:{minutes % 60:02d}"


def write_attendance(path: Path, plan: Plan) -> None:
    month = plan.month
    wb = _workbook(path)
    ws = wb.add_worksheet("每日统计")
    last = month.day(month.days - 1)
    headers = (
        "姓名", "考勤组", "部门", "工号", "职位", "UserId", "日期", "班次",
        "上班1打卡时间", "上班1打卡结果", "下班1打卡时间", "下班1打卡结果",
    )  # fmt: skip
    ws.merge_range(
        0,
        0,
        0,
        len(headers) - 1,
        f"每日统计 统计日期：{month.first.isoformat()} 至 {last.isoformat()}",
    )
    generated = last + timedelta(days=1)
    ws.write_string(1, 0, f"报表生成时间：{generated.isoformat()} 08:00")
    for col, title in enumerate(headers):
        ws.write_string(2, col, title)
    r = 3
    for s, p in enumerate(plan.staff):
        start, end = SHIFTS[p.shift]
        for d in range(month.days):
            code = int(plan.sched[s, d])
            if code == OFF:
                continue
            day = month.day(d)
            shift = "休息" if code == REST else f"{p.shift} {_hhmm(start)}-{_hhmm(end)}"
            cin = cout = rin = rout = ""
            if code == WORK:
                late = int(plan.late[s, d])
                cin = _hhmm(start + late if late else start - int(plan.early_in[s, d]))
                rin = "迟到" if late else "正常"
                cout = _hhmm(end + int(plan.out_after[s, d]))
                rout = "正常"
                if plan.miss_in[s, d]:
                    cin, rin = "", "缺卡"
                if plan.miss_out[s, d]:
                    cout, rout = "", "缺卡"
            elif code == LEAVE:
                rin = rout = "请假"
            elif code == ABSENT:
                rin = rout = "旷工"
            row = (
                p.name, "客服考勤组", "客服部", p.staff_id, POSITIONS[p.role], p.user_id,
                f"{day:%y-%m-%d} {WEEKDAYS[day.weekday()]}", shift, cin, rin, cout, rout,
            )  # fmt: skip
            for col, value in enumerate(row):
                ws.write_string(r, col, value)
            r += 1
    wb.close()


def write_leaves(path: Path, plan: Plan, rng: np.random.Generator) -> None:
    month = plan.month
    wb = _workbook(path)
    ws = wb.add_worksheet("请假")
    headers = (
        "审批编号", "标题", "审批状态", "审批结果", "发起时间", "完成时间", "发起人工号",
        "发起人姓名", "发起人部门", "请假类型", "开始时间", "结束时间", "时长", "请假事由",
    )  # fmt: skip
    for col, title in enumerate(headers):
        ws.write_string(0, col, title)
    leaves = sorted(plan.leaves, key=lambda lv: (lv.day, lv.staff))
    for r, lv in enumerate(leaves, start=1):
        p = plan.staff[lv.staff]
        start, end = SHIFTS[p.shift]
        begin = month.at(lv.day * DAY + start * 60)
        finish = month.at((lv.day + lv.ndays - 1) * DAY + end * 60)
        if lv.kind == "病假":
            submitted = begin - timedelta(minutes=int(rng.integers(30, 90)))
        else:
            submitted = begin - timedelta(
                days=int(rng.integers(1, 5)), hours=int(rng.integers(-6, 4))
            )
        if lv.status == "审批中":
            done = ""
        elif lv.status == "已撤销":
            done = f"{begin - timedelta(hours=int(rng.integers(2, 10))):%Y-%m-%d %H:%M:%S}"
        else:
            done = f"{submitted + timedelta(minutes=int(rng.integers(5, 300))):%Y-%m-%d %H:%M:%S}"
        row = (
            f"{submitted:%Y%m%d%H%M}{int(rng.integers(0, 10**7)):07d}",
            f"{p.name}提交的请假",
            lv.status,
            lv.result,
            f"{submitted:%Y-%m-%d %H:%M:%S}",
            done,
            p.staff_id,
            p.name,
            "客服部",
            lv.kind,
            f"{begin:%Y-%m-%d %H:%M}",
            f"{finish:%Y-%m-%d %H:%M}",
            f"{lv.ndays}天",
            lv.reason,
        )
        for col, value in enumerate(row):
            ws.write_string(r, col, value)
    wb.close()


def write_incidents(path: Path, plan: Plan) -> None:
    wb = _workbook(path)
    ws = wb.add_worksheet("奖惩登记")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for col, title in enumerate(("日期", "工号", "姓名", "类型", "扣分", "金额", "备注")):
        ws.write_string(0, col, title)
    rows = sorted(plan.incidents, key=lambda i: (i.day, i.staff, i.kind))
    for r, inc in enumerate(rows, start=1):
        p = plan.staff[inc.staff]
        ws.write_datetime(
            r, 0, datetime.combine(plan.month.day(inc.day), datetime.min.time()), date_fmt
        )
        ws.write_number(r, 1, int(p.staff_id))
        ws.write_string(r, 2, p.name)
        ws.write_string(r, 3, inc.kind)
        if inc.points is not None:
            ws.write_number(r, 4, inc.points)
        if inc.amount is not None:
            ws.write_number(r, 5, inc.amount)
        ws.write_string(r, 6, inc.note)
    ws.set_column(0, 0, 12)
    ws.set_column(6, 6, 36)
    wb.close()


# The supervisor's spot checks 质检抽查: per base staff member (index 1..7) the typical
# marks (准确, 态度, 沟通, out of 10) and the share of checks whose problem was solved.
# They echo the incidents: 1007's attitude complaints, 1004's costly pricing mistake,
# 1005's award for after-sale satisfaction, 1008 still new.
QA_PROFILES: dict[int, tuple[float, float, float, float]] = {
    1: (9.0, 8.8, 9.2, 0.92),
    2: (8.4, 7.8, 8.3, 0.85),
    3: (7.3, 8.0, 7.8, 0.75),
    4: (9.3, 9.4, 9.1, 0.96),
    5: (8.5, 8.7, 8.4, 0.86),
    6: (8.0, 6.7, 7.2, 0.70),
    7: (7.6, 8.8, 8.0, 0.80),
}
QA_HEADERS = (
    "日期", "工号", "客服姓名", "买家昵称", "质检得分", "回复准确", "服务态度", "沟通技巧",
    "是否解决", "备注",
)  # fmt: skip
QA_NOTES: dict[str, tuple[str, ...]] = {
    "good": (
        "回复及时专业，主动推荐搭配",
        "话术规范，耐心解答尺寸问题",
        "快速核实库存并给出准确发货时间",
        "主动告知优惠券用法，促成下单",
        "退换货流程解释清楚，买家满意",
        "补发流程跟进到位，买家好评",
    ),
    "ok": (
        "回复基本规范，产品知识可加强",
        "处理流程正确，回复稍慢",
        "按流程处理，话术可更亲切",
    ),
    "accuracy": (
        "发货时间答复有误，未核实库存",
        "尺寸参数答错，买家收货后退货",
        "优惠规则解释不准确",
        "未查物流就答复已签收",
    ),
    "attitude": (
        "语气生硬，未使用礼貌用语",
        "买家追问时回复不耐烦",
        "未安抚买家情绪，直接拒绝退款诉求",
    ),
    "communication": (
        "答非所问，买家重复提问三次",
        "只发快捷短语，未针对买家问题回复",
        "未主动确认买家需求，沟通效率低",
    ),
    "unresolved": (
        "问题未解决，已转主管跟进",
        "未给出解决方案，买家仍在等待",
    ),
}


@dataclass
class SpotCheck:
    day: int
    staff: int
    buyer: int
    marks: tuple[int, int, int]  # 准确, 态度, 沟通 (0–10)
    score: int | None  # 0–100; None: the supervisor left 得分 empty
    resolved: bool
    note: str


def build_spot_checks(plan: Plan, chats: Chats, rng: np.random.Generator) -> list[SpotCheck]:
    """A few spot checks per staff member (not the 主管, who makes them), each on one of the
    person's real conversations of the month: marks 6–10, a 60–100 score, 是否解决, a note."""
    month = plan.month
    has_messages = np.bincount(chats.conv, minlength=len(chats.staff)) > 0
    in_month = (chats.start >= 0) & (chats.start <= month.end) & has_messages
    checks: list[SpotCheck] = []
    for s, person in enumerate(plan.staff):
        if person.role == "主管":
            continue
        convs = np.flatnonzero(in_month & (chats.staff == s))
        if not len(convs):
            continue
        if s in QA_PROFILES:
            *means, solve = QA_PROFILES[s]
        else:
            base = float(rng.uniform(7.0, 9.3))
            means = [base + float(rng.uniform(-0.6, 0.6)) for _ in range(3)]
            solve = float(rng.uniform(0.65, 0.95))
        count = min(len(convs), 3 + len(plan.work_days(s)) // 6)
        picked = np.sort(rng.choice(convs, size=count, replace=False))
        for conv in picked:
            accuracy, attitude, communication = (
                int(np.clip(round(float(rng.normal(m, 0.8))), 6, 10)) for m in means
            )
            marks = (accuracy, attitude, communication)
            score = int(round(10 * (0.4 * marks[0] + 0.3 * marks[1] + 0.3 * marks[2])))
            resolved = bool(rng.random() < solve)
            low = int(np.argmin(marks))
            if not resolved:
                kind = "unresolved"
            elif min(marks) >= 9:
                kind = "good"
            elif marks[low] <= 7:
                kind = ("accuracy", "attitude", "communication")[low]
            else:
                kind = "ok"
            notes = QA_NOTES[kind]
            note = notes[int(rng.integers(len(notes)))]
            day = int(chats.start[conv] // DAY)
            checks.append(SpotCheck(day, s, int(chats.buyer[conv]), marks, score, resolved, note))
    # Two rows where the supervisor gave the marks but left 得分 empty.
    for s in (2, 5):
        mine = [c for c in checks if c.staff == s]
        if mine:
            mine[-1].score = None
    checks.sort(key=lambda c: (c.day, c.staff, c.buyer))
    return checks


def write_spot_checks(path: Path, plan: Plan, checks: list[SpotCheck], nicks: Any) -> None:
    wb = _workbook(path)
    ws = wb.add_worksheet("质检抽查")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    head = wb.add_format({"bold": True})
    for col, title in enumerate(QA_HEADERS):
        ws.write_string(0, col, title, head)
    for r, check in enumerate(checks, start=1):
        p = plan.staff[check.staff]
        ws.write_datetime(
            r, 0, datetime.combine(plan.month.day(check.day), datetime.min.time()), date_fmt
        )
        ws.write_number(r, 1, int(p.staff_id))
        ws.write_string(r, 2, p.name)
        ws.write_string(r, 3, str(nicks[check.buyer].as_py()))
        if check.score is not None:
            ws.write_number(r, 4, check.score)
        for col, mark in enumerate(check.marks, start=5):
            ws.write_number(r, col, mark)
        ws.write_string(r, 8, "是" if check.resolved else "否")
        ws.write_string(r, 9, check.note)
    ws.set_column(0, 0, 12)
    ws.set_column(3, 3, 18)
    ws.set_column(9, 9, 36)
    wb.close()


# ------------------------------------------------------------------ entry points
