"""The month, its clock, the staff and the calendar of who works, is late or on leave."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from tools.samplegen.vocab import (
    BASE_STAFF,
    DAY,
    GIVEN,
    HOUR,
    JOIN_DAY,
    LEAVE_DAY,
    MIN_STAFF,
    NICK_CHARS,
    SHIFT_HOURS,
    SHOP_NAME,
    SURNAMES,
)

I64 = npt.NDArray[np.int64]
Arr = npt.NDArray[Any]


# ------------------------------------------------------------------ the month


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        try:
            year_text, month_text = text.strip().split("-")
            year, month = int(year_text), int(month_text)
        except ValueError:
            raise ValueError(f"--month {text!r}: expected YYYY-MM, e.g. 2026-10") from None
        if not (2000 <= year <= 2098 and 1 <= month <= 12):
            raise ValueError(f"--month {text!r}: expected YYYY-MM between 2000-01 and 2098-12")
        return cls(year, month)

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def end(self) -> int:
        """The month's last second (23:59:59 of the last day), in seconds from its start."""
        return self.days * DAY - 1

    @property
    def tag(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def day(self, index: int) -> date:
        return self.first + timedelta(days=index)

    def at(self, secs: int) -> datetime:
        return datetime.combine(self.first, datetime.min.time()) + timedelta(seconds=int(secs))


class Clock:
    """Seconds from the month's start → `2026-10-03 14:05:07` text, vectorised."""

    PAD = 4  # days of margin before and after the month

    def __init__(self, month: Month) -> None:
        first = month.first - timedelta(days=self.PAD)
        self.dates = pa.array(
            [(first + timedelta(days=i)).isoformat() for i in range(month.days + 2 * self.PAD)]
        )
        self.tods = pa.array(
            [f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}" for s in range(DAY)]
        )

    def format(self, secs: I64) -> Any:
        days = pa.array(secs // DAY + self.PAD)
        tods = pa.array(secs % DAY)
        return pc.binary_join_element_wise(pc.take(self.dates, days), pc.take(self.tods, tods), " ")


# ------------------------------------------------------------------ staff and calendar

OFF, REST, WORK, LEAVE, ABSENT = range(5)


@dataclass
class Staff:
    index: int
    staff_id: str
    name: str
    nick: str
    role: str
    shift: str
    hired: date
    left: date | None
    user_id: str

    @property
    def account(self) -> str:
        return f"{SHOP_NAME}:{self.nick}"


@dataclass
class Leave:
    staff: int
    kind: str  # 事假 / 病假 / 调休 / 年假
    day: int  # first day, 0-based from the month's start (may lie in the next month)
    ndays: int
    status: str  # 已完成 / 已撤销 / 审批中
    result: str  # 同意 / 拒绝 / ""
    reason: str


@dataclass
class Incident:
    day: int
    staff: int
    kind: str
    note: str
    points: float | None = None
    amount: int | None = None  # yuan


@dataclass
class Plan:
    """Who works when, and everything that went wrong, before any file is written."""

    month: Month
    staff: list[Staff]
    sched: npt.NDArray[np.int8]  # staff × day: OFF / REST / WORK / LEAVE / ABSENT
    late: npt.NDArray[np.int16]  # minutes late at clock-in (WORK days)
    miss_in: npt.NDArray[np.bool_]
    miss_out: npt.NDArray[np.bool_]
    early_in: npt.NDArray[np.int16]  # minutes before the shift start at clock-in
    out_after: npt.NDArray[np.int16]  # minutes after the shift end at clock-out
    leaves: list[Leave] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)

    def work_days(self, s: int) -> list[int]:
        return [int(d) for d in np.nonzero(self.sched[s] == WORK)[0]]


def _nicknames(count: int) -> list[str]:
    """Distinct two-character nicks (小安, 阿安, 大安, …): none is a part of another."""
    used = {nick for _, nick, _, _ in BASE_STAFF}
    out: list[str] = []
    round_ = 0
    while len(out) < count:
        for prefix in ("小", "阿", "大", "老", "晓"):
            for char in NICK_CHARS:
                # Past 400 staff a number is appended (小安2): then one nick contains another.
                nick = f"{prefix}{char}{round_ + 1 if round_ else ''}"
                if nick not in used:
                    used.add(nick)
                    out.append(nick)
                    if len(out) == count:
                        return out
        round_ += 1
    return out


def build_staff(month: Month, count: int, rng: np.random.Generator) -> list[Staff]:
    staff: list[Staff] = []
    extra_nicks = _nicknames(count - MIN_STAFF)
    user_ids = rng.integers(10**15, 10**16, size=count)
    for i in range(count):
        if i < MIN_STAFF:
            name, nick, role, shift = BASE_STAFF[i]
            hired = month.first - timedelta(days=int(380 + 157 * i))
            left: date | None = None
            if i == 5:
                left = month.day(LEAVE_DAY - 1)
            if i == 7:
                hired = month.day(JOIN_DAY - 1)
        else:
            name = SURNAMES[int(rng.integers(len(SURNAMES)))] + GIVEN[int(rng.integers(len(GIVEN)))]
            nick = extra_nicks[i - MIN_STAFF]
            role = "主管" if i % 25 == 0 else ("售前" if rng.random() < 0.65 else "售后")
            shift = "白班" if rng.random() < 0.6 else "晚班"
            hired = month.first - timedelta(days=int(rng.integers(30, 1500)))
            left = None
            u = rng.random()
            if u < 0.03:
                hired = month.day(int(rng.integers(3, 26)))
            elif u < 0.06:
                left = month.day(int(rng.integers(4, 26)))
        staff.append(
            Staff(i, str(1001 + i), name, nick, role, shift, hired, left, f"0{user_ids[i]}")
        )
    return staff


class _Picker:
    """Chooses scenario days: a WORK day near a wanted day, never two scenarios on one day."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.used = np.zeros(plan.sched.shape, dtype=bool)

    def day(self, s: int, near: int, span: int = 1) -> int:
        """0-based first day of `span` consecutive WORK days closest to day `near` (1-based)."""
        days = self.plan.month.days
        want = min(max(near - 1, 0), days - 1)
        order = sorted(range(days), key=lambda d: (abs(d - want), d))
        for d in order:
            block = range(d, d + span)
            if block.stop > days:
                continue
            if all(self.plan.sched[s, x] == WORK and not self.used[s, x] for x in block):
                for x in block:
                    self.used[s, x] = True
                return d
        raise ValueError(f"staff {self.plan.staff[s].staff_id} has no free working day")


def build_plan(month: Month, staff: list[Staff], rng: np.random.Generator) -> Plan:
    n, days = len(staff), month.days
    sched = np.full((n, days), WORK, dtype=np.int8)
    for s, person in enumerate(staff):
        base = (s * 3) % 7
        for k in range(4):  # four rest days a month, all within days 1..28
            sched[s, base + 7 * k] = REST
        for d in range(days):
            current = month.day(d)
            if current < person.hired or (person.left is not None and current > person.left):
                sched[s, d] = OFF
    plan = Plan(
        month=month,
        staff=staff,
        sched=sched,
        late=np.zeros((n, days), dtype=np.int16),
        miss_in=np.zeros((n, days), dtype=bool),
        miss_out=np.zeros((n, days), dtype=bool),
        early_in=rng.integers(1, 16, size=(n, days)).astype(np.int16),
        out_after=rng.integers(0, 26, size=(n, days)).astype(np.int16),
    )
    evening = np.array([p.shift == "晚班" for p in staff])
    # Evening staff stay while a buyer is still chatting: some clock out after midnight.
    stay = rng.integers(0, 76, size=(n, days)).astype(np.int16)
    plan.out_after[evening] = stay[evening]
    pick = _Picker(plan)
    _base_scenarios(plan, pick)
    _random_scenarios(plan, pick, rng)
    return plan


def _approve(plan: Plan, leave: Leave) -> None:
    plan.leaves.append(leave)
    if leave.status == "已完成" and leave.day < plan.month.days:
        code = LEAVE if leave.result == "同意" else ABSENT
        plan.sched[leave.staff, leave.day : leave.day + leave.ndays] = code


def _base_scenarios(plan: Plan, pick: _Picker) -> None:
    """The fixed cases every default month holds (staff 1001..1008, see docs/samples.md)."""
    add = plan.incidents.append
    # Lates within 30 minutes: 1002 twice, 1007 by one minute, the new colleague once.
    plan.late[1, pick.day(1, 6)] = 5
    plan.late[1, pick.day(1, 15)] = 12
    plan.late[6, pick.day(6, 3)] = 1
    plan.late[7, pick.day(7, 20)] = 18
    # 1003: late by exactly 30 minutes (still a late), a forgotten clock-out, one 事假 day.
    plan.late[2, pick.day(2, 9)] = 30
    plan.miss_out[2, pick.day(2, 21)] = True
    _approve(plan, Leave(2, "事假", pick.day(2, 16), 1, "已完成", "同意", "家里有事"))
    # 1004: late by 47 minutes (counts as an absence); a refused 事假 and stayed away: 旷工.
    plan.late[3, pick.day(3, 8)] = 47
    _approve(plan, Leave(3, "事假", pick.day(3, 22), 1, "已完成", "拒绝", "朋友结婚"))
    # 1005: six leave days in five approvals (more than the four free ones).
    _approve(plan, Leave(4, "病假", pick.day(4, 6, span=2), 2, "已完成", "同意", "发烧，医院就诊"))
    _approve(plan, Leave(4, "调休", pick.day(4, 13), 1, "已完成", "同意", "加班调休"))
    _approve(plan, Leave(4, "调休", pick.day(4, 19), 1, "已完成", "同意", "加班调休"))
    _approve(plan, Leave(4, "事假", pick.day(4, 24), 1, "已完成", "同意", "办理证件"))
    _approve(plan, Leave(4, "事假", pick.day(4, 27), 1, "已完成", "同意", "孩子家长会"))
    # 1002: a 调休 approved and then revoked: she worked that day.
    plan.leaves.append(Leave(1, "调休", pick.day(1, 27), 1, "已撤销", "同意", "加班调休"))
    # 1006: a forgotten clock-in before leaving the company.
    plan.miss_in[5, pick.day(5, 10)] = True
    # 1007: one 年假 day.
    _approve(plan, Leave(6, "年假", pick.day(6, 11), 1, "已完成", "同意", "年假"))
    # 1008: a request for the next month still waiting for approval.
    plan.leaves.append(Leave(7, "事假", plan.month.days + 2, 1, "审批中", "", "回老家"))

    def days(s: int, *near: int) -> list[int]:
        """The WORK days of staff `s` closest to each wanted day (1-based)."""
        work = np.array(plan.work_days(s))
        return [int(work[np.argmin(np.abs(work - (n - 1)))]) for n in near]

    for d in days(3, 5, 12, 19):
        add(Incident(d, 3, "千牛离线", "值班时千牛离线约40分钟，未报备"))
    for d in days(1, 4, 11, 25):
        add(Incident(d, 1, "响应投诉", "买家投诉咨询后长时间未回复"))
    for d in days(5, 7, 16):
        add(Incident(d, 5, "响应投诉", "买家投诉回复慢"))
    for d in days(2, 14):
        add(Incident(d, 2, "态度投诉", "买家反映回复语气生硬"))
    for d in days(6, 2, 8, 14, 21, 28):
        add(Incident(d, 6, "态度投诉", "买家投诉服务态度差"))
    for d in days(4, 17):
        add(Incident(d, 4, "未完成工作", "售后工单当日未处理完", points=0.5))
    for d in days(7, 23):
        add(Incident(d, 7, "未完成工作", "催付名单未跟进", points=1.0))
    for d in days(1, 18):
        add(Incident(d, 1, "嘉奖", "挽回大额退款订单，获买家好评", amount=200))
    for d in days(4, 26):
        add(Incident(d, 4, "嘉奖", "当月售后满意度第一", amount=100))
    for d in days(3, 25):
        add(Incident(d, 3, "重大失误", "改价失误，低价售出大额订单，损失约800元"))


def _random_scenarios(plan: Plan, pick: _Picker, rng: np.random.Generator) -> None:
    """Scattered cases for the staff beyond the first eight (only with --staff > 8)."""
    kinds = ("事假", "病假", "调休", "年假")
    incident_kinds = ("千牛离线", "响应投诉", "态度投诉", "未完成工作", "嘉奖", "重大失误")
    incident_p = np.array([0.25, 0.3, 0.25, 0.12, 0.06, 0.02])
    days = plan.month.days
    for s in range(MIN_STAFF, len(plan.staff)):
        if not plan.work_days(s):
            continue

        def free(near: int, s: int = s) -> int | None:
            try:
                return pick.day(s, near)
            except ValueError:
                return None

        for _ in range(int(rng.poisson(0.7))):
            d = free(int(rng.integers(1, days + 1)))
            if d is not None:
                plan.late[s, d] = int(
                    rng.integers(31, 91) if rng.random() < 0.1 else rng.integers(1, 31)
                )
        for _ in range(int(rng.poisson(0.8))):
            d = free(int(rng.integers(1, days + 1)))
            if d is not None:
                kind = kinds[int(rng.integers(len(kinds)))]
                _approve(plan, Leave(s, kind, d, 1, "已完成", "同意", "个人原因"))
        if rng.random() < 0.04:
            d = free(int(rng.integers(1, days + 1)))
            if d is not None:
                _approve(plan, Leave(s, "事假", d, 1, "已完成", "拒绝", "个人原因"))
        if rng.random() < 0.02:
            d = free(int(rng.integers(1, days + 1)))
            if d is not None:
                plan.sched[s, d] = ABSENT  # stayed away without asking
        if rng.random() < 0.03:
            d = free(int(rng.integers(1, days + 1)))
            if d is not None:
                plan.leaves.append(Leave(s, "调休", d, 1, "已撤销", "同意", "个人原因"))
        if rng.random() < 0.15:
            d = free(int(rng.integers(1, days + 1)))
            if d is not None:
                (plan.miss_in if rng.random() < 0.4 else plan.miss_out)[s, d] = True
        for _ in range(int(rng.poisson(0.6))):
            work = plan.work_days(s)
            d = work[int(rng.integers(len(work)))]
            kind = incident_kinds[int(rng.choice(len(incident_kinds), p=incident_p))]
            points = float(rng.choice([0.5, 1.0])) if kind == "未完成工作" else None
            amount = int(rng.choice([100, 200, 500])) if kind == "嘉奖" else None
            add_note = {"千牛离线": "千牛离线未报备", "嘉奖": "表现突出"}.get(kind, "买家反馈")
            plan.incidents.append(Incident(d, s, kind, add_note, points=points, amount=amount))


def duty_weights(plan: Plan, role_weight: dict[str, float]) -> npt.NDArray[np.float64]:
    """(day*24 + hour) × staff: who may answer a chat that starts in that hour."""
    n, days = len(plan.staff), plan.month.days
    roles = np.array([role_weight[p.role] for p in plan.staff])
    duty = np.zeros((days, 24, n), dtype=bool)
    for s, person in enumerate(plan.staff):
        hours = list(SHIFT_HOURS[person.shift])
        for d in np.nonzero(plan.sched[s] == WORK)[0]:
            duty[d, hours, s] = True
    weights = duty.reshape(days * 24, n) * roles[None, :]
    working = np.repeat((plan.sched == WORK).T, 24, axis=0) * roles[None, :]
    employed = np.repeat((plan.sched != OFF).T, 24, axis=0) * roles[None, :]
    for fallback in (working, employed, np.broadcast_to(roles, weights.shape)):
        empty = weights.sum(axis=1) == 0
        if not empty.any():
            break
        weights[empty] = fallback[empty]
    return np.asarray(weights, dtype=np.float64)


def pick_staff(
    secs: I64, weights: npt.NDArray[np.float64], days: int, rng: np.random.Generator
) -> npt.NDArray[np.int64]:
    """A staff member on duty when each chat starts (night chats go to the morning shift)."""
    n = weights.shape[1]
    cum = np.cumsum(weights, axis=1)
    cum /= cum[:, -1:]
    cum[cum > 1 - 1e-9] = 1.0
    grid = (np.arange(weights.shape[0], dtype=np.float64)[:, None] + cum).ravel()
    day = np.clip(secs // DAY, 0, days - 1)
    hour = (secs % DAY) // HOUR
    hour = np.where(hour < 8, 8, np.where(hour >= 23, 22, hour))
    slot = (day * 24 + hour).astype(np.float64)
    pos = np.searchsorted(grid, slot + rng.random(len(secs)), side="right")
    return np.asarray(pos - slot.astype(np.int64) * n, dtype=np.int64)
