"""A deterministic, realistic and entirely fictional shop month of exports.

    python -m tools.samplegen --month 2026-10 --out samples/2026-10 [--seed 7]
        [--orders 3000] [--messages 30000] [--staff 8]

writes the seven exports a customer-service manager of a Taobao shop has at the end of a
month, in the formats of the real exports (see docs/samples.md for what the month holds):

- 客服名单.xlsx                 roster, kept by hand
- ExportOrderList{YYYYMM}.csv   Taobao classic order export (GB18030, `="…"` guarded IDs)
- 聊天记录_{YYYY-MM}.csv         千牛 chat log (UTF-8 with BOM)
- 每日统计_{YYYY-MM}.xlsx        DingTalk 每日统计 attendance (two title rows)
- 审批_请假_{YYYY-MM}.xlsx       DingTalk leave approvals
- 奖惩登记.xlsx                 the supervisor's incident sheet
- 质检抽查.xlsx                 the supervisor's QA spot checks of chats

Every name, nick, phone number and address is invented. The same arguments always give
the same bytes. Orders and chat messages are generated with numpy and written in chunks
through pyarrow, so a million orders and ten million messages take well under a minute.
"""

from __future__ import annotations

import argparse
import calendar
import codecs
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import xlsxwriter

I64 = npt.NDArray[np.int64]
Arr = npt.NDArray[Any]

SHOP_NAME = "星辰家居旗舰店"
SHOP_ID = "57300112"
DAY = 86_400
HOUR = 3_600

ORDER_CHUNK = 100_000
CHAT_CHUNK = 1_000_000

# ------------------------------------------------------------------ vocabularies

# name, nickname (the part after the colon of the 千牛 sub-account), role, shift
BASE_STAFF: tuple[tuple[str, str, str, str], ...] = (
    ("周建国", "老周", "主管", "白班"),  # 1001 supervisor, few chats
    ("林小美", "小美", "售前", "白班"),  # 1002
    ("陈雅婷", "小雅", "售前", "白班"),  # 1003
    ("王俊杰", "阿杰", "售前", "晚班"),  # 1004
    ("赵琳", "小琳", "售后", "白班"),  # 1005
    ("孙雪", "小雪", "售前", "晚班"),  # 1006 leaves mid-month
    ("吴峰", "阿峰", "售后", "晚班"),  # 1007
    ("郑萌", "小萌", "售前", "白班"),  # 1008 joins mid-month
)
MIN_STAFF = len(BASE_STAFF)
JOIN_DAY = 13  # day of month the new colleague starts (入职日期)
LEAVE_DAY = 20  # last working day of the colleague who leaves (离职日期)

SHIFTS: dict[str, tuple[int, int]] = {"白班": (8 * 60, 17 * 60), "晚班": (17 * 60, 23 * 60)}
SHIFT_HOURS: dict[str, range] = {"白班": range(8, 17), "晚班": range(17, 23)}
POSITIONS = {"售前": "售前客服", "售后": "售后客服", "主管": "客服主管"}

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许"
    "韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈"
)
GIVEN = (
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 "
    "刚 桂英 晓燕 子涵 欣怡 梓萱 浩然 宇轩 雨桐 思琪 俊杰 佳怡 文博 "
    "一诺 梦瑶 志强 建华 海燕 丹丹 婷婷 晨曦 嘉欣 雅琪 鹏飞 慧敏 佳琪 "
    "家豪 诗雨 紫萱 梓涵 文静 子轩 明轩 晓东 红梅 春燕 建军 玉兰"
).split()
NICK_CHARS = list(
    "安贝彩丹朵芳菲歌涵浩佳娇静可蕾莉玲露曼敏楠妮宁琪倩青蓉茹珊诗婷薇文霞香欣妍燕瑶怡盈优玉媛月云芸"
    "真珍竹晨辰川东飞刚光海豪凯磊亮龙鸣鹏琦瑞森涛伟翔鑫旭阳毅宇哲"
)
NICK_WORDS = (
    "快乐小熊 爱吃鱼的猫 阳光宝贝 小确幸 晴天娃娃 蓝色海洋 追风少年 甜甜圈 木子李 一只羊 "
    "岁月静好 橘子汽水 小糊涂 好运来 向日葵 微笑的鱼 柠檬不酸 南方姑娘 北极星 简单生活 "
    "懒猫 星星点灯 风铃 云朵 布丁 豆豆妈 乐乐爸 花开半夏 清风明月 小蜗牛"
).split()
LATIN_WORDS = "lily amy coco jack lucky tina kevin sunny momo candy leo vivi echo ray".split()

PRODUCTS: tuple[tuple[str, int], ...] = (  # 宝贝标题, price in fen
    ("北欧简约陶瓷马克杯带盖勺 办公室家用咖啡杯 350ml", 3900),
    ("加厚珊瑚绒毛毯 午睡空调毯 沙发盖毯 150x200cm", 8900),
    ("日式棉麻抱枕套 沙发靠垫 45x45cm 不含芯", 2990),
    ("全棉四件套 纯棉床单被套 1.8m床 简约条纹", 29900),
    ("硅藻泥吸水地垫 卫生间防滑脚垫 40x60cm", 4590),
    ("不锈钢厨房置物架 壁挂免打孔 调料收纳架", 6800),
    ("可折叠布艺收纳箱 衣柜整理箱 三件套", 5900),
    ("乳胶枕 泰国天然乳胶 成人护颈枕 一只装", 12900),
    ("遮光窗帘 卧室客厅 成品免打孔 2x2.5m", 15800),
    ("玻璃密封罐 五谷杂粮储物罐 厨房收纳 4只装", 4990),
    ("实木砧板 家用菜板 乌檀木 加厚款", 9900),
    ("简约落地衣帽架 卧室挂衣架 实木", 13900),
    ("懒人沙发 豆袋 单人卧室小沙发 可拆洗", 19900),
    ("多功能床头收纳挂袋 宿舍神器", 1990),
    ("夏季冰丝凉席三件套 可水洗 1.5m", 16800),
    ("家用真空保温壶 大容量 不锈钢热水瓶 2L", 7900),
    ("木质桌面收纳盒 办公桌整理 文具笔筒", 3590),
    ("防尘衣物罩 挂式 透明 10只装", 2490),
    ("浴室置物架 转角 免打孔 太空铝", 8800),
    ("棉麻桌布 北欧格子 茶几布 长方形", 3990),
    ("记忆棉坐垫 办公椅 久坐 美臀垫", 5900),
    ("LED小夜灯 感应 卧室床头 充电款", 2990),
    ("羽绒被 白鸭绒 冬被 加厚 200x230cm", 59900),
    ("厨房抹布 不沾油 洗碗布 10条装", 990),
    ("香薰蜡烛 无烟 卧室 礼盒装", 6900),
    ("折叠晾衣架 落地 阳台 室内", 11900),
    ("陶瓷餐具套装 碗盘 家用 28头", 32800),
    ("宜家风 简易书架 落地 多层 置物架", 15900),
)
CARRIERS: tuple[tuple[str, str], ...] = (  # 物流公司, tracking-number prefix
    ("中通快递", "78"),
    ("圆通速递", "YT"),
    ("韵达快递", "43"),
    ("申通快递", "77"),
    ("顺丰速运", "SF"),
)
REGIONS: tuple[tuple[str, str], ...] = (  # "省 市 区", postcode
    ("浙江省 杭州市 西湖区", "310012"),
    ("浙江省 宁波市 鄞州区", "315100"),
    ("江苏省 南京市 鼓楼区", "210009"),
    ("江苏省 苏州市 工业园区", "215021"),
    ("上海 上海市 浦东新区", "200120"),
    ("北京 北京市 朝阳区", "100020"),
    ("广东省 广州市 天河区", "510630"),
    ("广东省 深圳市 南山区", "518052"),
    ("四川省 成都市 武侯区", "610041"),
    ("湖北省 武汉市 洪山区", "430070"),
    ("山东省 青岛市 市南区", "266071"),
    ("福建省 厦门市 思明区", "361001"),
    ("湖南省 长沙市 岳麓区", "410006"),
    ("河南省 郑州市 金水区", "450008"),
    ("陕西省 西安市 雁塔区", "710061"),
)
ROADS = (
    "幸福路 和平街 建设路 人民路 解放大道 中山路 文化路 新华街 光明路 长江路 青年路 迎宾大道"
).split()
MOBILE_PREFIXES = ["138", "139", "158", "186", "177", "135", "150", "188"]
STATUSES = (
    "等待买家付款",
    "买家已付款，等待卖家发货",
    "卖家已发货，等待买家确认",
    "交易成功",
    "交易关闭",
)
WAIT_PAY, WAIT_SHIP, SHIPPED, SUCCESS, CLOSED = range(5)
CLOSE_REASONS = (
    "",
    "买家不想买了",
    "超时未付款，交易自动关闭",
    "买家信息填写错误，重新拍",
    "退款成功",
)
BUYER_MESSAGES = (
    "请尽快发货",
    "发顺丰可以吗,补差价",  # an ASCII comma: the cell must be quoted
    "送人的，不要放发票和价格单",
    '颜色要"米白"那款',  # a double quote: doubled inside a quoted cell
    "周末不在家，请工作日送达",
    "麻烦包装结实一点\n谢谢",  # a line break inside a cell
    "赠品记得放",
)
MEMO_SUFFIX_GIFT = ("赠品袜子", "送收纳袋", "加急", "已改地址", "赠品袜子,加急")
MEMO_SUFFIX_SLASH = ("已核对", "已改色", "优先发")

BUYER_OPEN = (
    "在吗",
    "你好",
    "亲，在吗？",
    "这个有现货吗",
    "请问什么时候能发货",
    "[商品链接]",
)
BUYER_ASK = (
    "多久能到浙江",
    "能便宜点吗",
    "可以开发票吗",
    "发什么快递",
    "尺寸是多少的",
    "有别的颜色吗",
    "可以机洗吗",
    "买两件有优惠吗",
    "我拍了，麻烦备注送袜子",
    "已经付款了，今天能发吗",
    "好的",
    "谢谢",
    "那我再看看",
    "质量怎么样，会不会起球",
    "退货运费谁出,有运费险吗",
)
STAFF_OPEN = (
    "亲，在的呢~",
    "您好，欢迎光临星辰家居，请问有什么可以帮您？",
    "亲，您好\n请问有什么可以帮您",  # a line break inside a cell
    "在的亲，您说~",
)
STAFF_ANSWER = (
    "有现货的亲，今天16点前付款当天发",
    "默认中通哦，可以补差价发顺丰",
    '亲，尺寸是 "40x60cm", 可以机洗哦',  # comma and quotes inside a cell
    "可以开电子发票的，下单后留言抬头就好",
    "目前活动价已经是最低了呢，满199减20哦",
    "有米白、浅灰和雾蓝三个颜色",
    "亲，已经帮您备注了哦",
    "一般2-3天就到了",
    "好的亲，有问题随时联系我们",
    "支持七天无理由退换的，有运费险",
    "不客气，祝您生活愉快~",
    "亲，稍等，我帮您查一下",
)


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


# ------------------------------------------------------------------ small helpers


def _csv_cell(text: str, extra: str = "") -> str:
    """A cell as CSV text: quoted when it holds a comma, a quote, a line break or `extra`."""
    if any(c in text for c in ',"\r\n' + extra):
        return '"' + text.replace('"', '""') + '"'
    return text


def _quote(arr: Any, extra: str = "") -> Any:
    """Vectorised `_csv_cell` for a pyarrow string array."""
    needs = pc.match_substring_regex(arr, '[,"\r\n' + extra + "]")
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(arr, '"', '""'), '"', "")
    return pc.if_else(needs, quoted, arr)


_CENTS = pa.array([f"{c:02d}" for c in range(100)])


def _money(fen: I64) -> Any:
    """Integer fen → `128.50`."""
    yuan = pc.cast(pa.array(fen // 100), pa.string())
    return pc.binary_join_element_wise(yuan, pc.take(_CENTS, pa.array(fen % 100)), ".")


def _digits(values: I64, width: int) -> Any:
    return pc.utf8_lpad(pc.cast(pa.array(values), pa.string()), width=width, padding="0")


def _take(vocab: Sequence[str] | Any, idx: Arr) -> Any:
    table = vocab if isinstance(vocab, pa.Array) else pa.array(list(vocab), pa.string())
    return pc.take(table, pa.array(np.asarray(idx, dtype=np.int64)))


def _empty(n: int) -> Any:
    """`n` empty cells."""
    return pc.take(pa.array([""]), pa.array(np.zeros(n, dtype=np.int64)))


def _lines_payload(columns: list[Any]) -> bytes:
    """Rows of CSV cells → the bytes of `cell,cell,…\\r\\n` lines (UTF-8)."""
    row = pc.binary_join_element_wise(*columns, ",")
    line = pc.binary_join_element_wise(row, "", "\r\n")
    if not isinstance(line, pa.Array):
        line = pa.array([line.as_py()], pa.string())
    bufs = line.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int32)[line.offset : line.offset + len(line) + 1]
    return bytes(memoryview(bufs[2])[int(offsets[0]) : int(offsets[-1])])


def _choice(rng: np.random.Generator, values: Sequence[int], p: Sequence[float], n: int) -> I64:
    probs = np.asarray(p, dtype=np.float64)
    return np.asarray(rng.choice(np.asarray(values), size=n, p=probs / probs.sum()), np.int64)


def _day_weights(month: Month, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    weekday = np.array([month.day(d).weekday() for d in range(month.days)])
    w = np.where(weekday >= 5, 1.25, 1.0) * rng.uniform(0.85, 1.15, size=month.days)
    return np.asarray(w / w.sum(), dtype=np.float64)


ORDER_HOURS = np.array(
    [2, 1, 0.6, 0.3, 0.2, 0.3, 0.8, 2, 4, 6, 7, 6.5, 5, 5.5, 6, 6, 5.5, 5, 5.5, 6.5, 7.5, 8, 7, 4.5]
)
CHAT_HOURS = np.array(
    [1.2, 0.6, 0.4, 0.2, 0.1, 0.2, 0.5, 1.5, 4, 6, 7, 6.5]
    + [5, 5.5, 6, 6, 5.5, 5, 5.5, 6.5, 7.5, 8, 7, 4]
)


def _times(month: Month, n: int, hours: npt.NDArray[np.float64], rng: np.random.Generator) -> I64:
    """`n` random moments of the month: busier at weekends and in the evening."""
    day = rng.choice(month.days, size=n, p=_day_weights(month, rng))
    hour = rng.choice(24, size=n, p=hours / hours.sum())
    return np.asarray(day * DAY + hour * HOUR + rng.integers(0, HOUR, size=n), dtype=np.int64)


# ------------------------------------------------------------------ buyers


def buyer_nicks(count: int, rng: np.random.Generator) -> Any:
    """`count` distinct fictional buyer nicks: tb3012345678, 快乐小熊1234, lily_2018."""
    num = (np.arange(count, dtype=np.int64) * 7919 + 1_234_567) % 10_000_000
    family = rng.choice(3, size=count, p=[0.35, 0.5, 0.15])
    tb = pc.binary_join_element_wise(
        "tb", pc.cast(pa.array(3_000_000_000 + num * 293), pa.string()), ""
    )
    words = pc.binary_join_element_wise(
        _take(NICK_WORDS, num % len(NICK_WORDS)),
        pc.cast(pa.array(num // len(NICK_WORDS)), pa.string()),
        "",
    )
    latin = pc.binary_join_element_wise(
        _take(LATIN_WORDS, num % len(LATIN_WORDS)),
        pc.cast(pa.array(num // len(LATIN_WORDS)), pa.string()),
        "_",
    )
    return pc.choose(pa.array(family.astype(np.int8)), tb, words, latin)


# ------------------------------------------------------------------ orders


@dataclass
class Orders:
    """The month's orders as numbers (seconds from the month's start, fen, indexes)."""

    n: int
    created: I64
    paid: I64  # -1 when unpaid
    shipped: I64  # -1 when not shipped
    status: I64
    goods: I64
    post: I64
    total: I64
    pay: I64
    refund: I64
    buyer: I64
    chat: npt.NDArray[np.bool_]  # the buyer chatted with `staff` before paying
    chat_start: I64
    staff: I64  # who made the sale (memo staff), -1 when nobody
    memo_type: I64
    cols: dict[str, Arr] = field(default_factory=dict)  # per-order random picks for text


MEMO_NONE, MEMO_ID, MEMO_GIFT, MEMO_SLASH, MEMO_NICK, MEMO_NICK_COLON = range(6)
MEMO_FULLWIDTH, MEMO_CONFLICT, MEMO_UNKNOWN, MEMO_TRACKING, MEMO_ID_LONG = range(6, 11)
MEMO_P = (0.15, 0.45, 0.12, 0.10, 0.08, 0.04, 0.03, 0.008, 0.007, 0.008, 0.007)
UNSHIPPED_AGES_H = (10, 30, 50, 80)


def build_orders(plan: Plan, n: int, rng: np.random.Generator) -> Orders:
    month, end = plan.month, plan.month.end
    created = _times(month, n, ORDER_HOURS, rng)
    lag = np.clip(rng.lognormal(np.log(90), 1.6, size=n), 5, 20 * HOUR).astype(np.int64)
    paid = created + lag
    unpaid = (rng.random(n) < 0.10) | (paid > end)
    # Edge orders, by position: paid at 00:00:00 on the 1st (created the month before), paid
    # at the last second of the month, and four unshipped at 10, 30, 50 and 80 hours.
    created[0], paid[0] = -168, 0
    created[1], paid[1] = end - 95, end
    for i, hours in enumerate(UNSHIPPED_AGES_H, start=2):
        paid[i] = end - hours * HOUR
        created[i] = paid[i] - 120
    forced = np.zeros(n, dtype=bool)
    forced[: 2 + len(UNSHIPPED_AGES_H)] = True
    unpaid &= ~forced
    paid = np.where(unpaid, -1, paid)

    # Shipping: mostly within a day, a few in 48–72 h, a handful later than 72 h.
    delay = np.clip(rng.lognormal(np.log(6 * HOUR), 0.8, size=n), 0.3 * HOUR, 47 * HOUR)
    u = rng.random(n)
    delay = np.where(u < 0.015, rng.uniform(48 * HOUR, 71 * HOUR, size=n), delay)
    delay = np.where(u > 0.997, rng.uniform(73 * HOUR, 110 * HOUR, size=n), delay)
    shipped = paid + delay.astype(np.int64)
    age = end - paid
    late = ~unpaid & (shipped > end)
    recent = age < 24 * HOUR
    squeeze = (paid + (age * rng.uniform(0.3, 0.95, size=n))).astype(np.int64)
    shipped = np.where(late & ~recent, squeeze, shipped)
    shipped = np.where(unpaid | (late & recent), -1, shipped)
    shipped[1 : 2 + len(UNSHIPPED_AGES_H)] = -1

    # Prices: one to three kinds of goods; postage under 49 yuan; coupons on bigger orders.
    nprod = len(PRODUCTS)
    prices = np.array([p for _, p in PRODUCTS], dtype=np.int64)
    kinds = _choice(rng, [1, 2, 3], [0.8, 0.15, 0.05], n)
    prods = np.stack([rng.integers(0, nprod, size=n) for _ in range(3)], axis=1)
    qty = _choice(rng, [1, 2, 3, 4], [0.75, 0.17, 0.05, 0.03], n * 3).reshape(n, 3)
    used = np.arange(3)[None, :] < kinds[:, None]
    goods = (prices[prods] * qty * used).sum(axis=1).astype(np.int64)
    post = np.where(goods < 4900, 600, 0).astype(np.int64)
    total = goods + post
    coupon = _choice(rng, [0, 500, 1000, 2000], [0.78, 0.1, 0.08, 0.04], n)
    coupon = np.where(total > 4 * coupon, coupon, 0)
    pay = np.where(unpaid, 0, total - coupon).astype(np.int64)

    # Refunds: 2.5% in full (the trade closes), 3% in part.
    r = rng.random(n)
    full = ~unpaid & (r < 0.025) & ~forced
    part = ~unpaid & (r >= 0.025) & (r < 0.055) & ~forced
    part_fen = np.maximum(1, (pay * rng.uniform(0.1, 0.6, size=n)).astype(np.int64))
    refund = np.where(full, pay, np.where(part, np.minimum(part_fen, pay), 0)).astype(np.int64)
    before_ship = full & (rng.random(n) < 0.5)
    shipped = np.where(before_ship, -1, shipped)

    confirm = shipped + rng.uniform(2 * DAY, 10 * DAY, size=n).astype(np.int64)
    status = np.full(n, SUCCESS, dtype=np.int64)
    status[(shipped >= 0) & (confirm > end)] = SHIPPED
    status[~unpaid & (shipped < 0)] = WAIT_SHIP
    status[full] = CLOSED
    unpaid_age = end - created
    status[unpaid] = np.where(unpaid_age[unpaid] < 24 * HOUR, WAIT_PAY, CLOSED)

    # Buyers: a pool with repeat customers.
    pool = max(1, int(n * 0.82))
    buyer = np.minimum((pool * rng.random(n) ** 1.25).astype(np.int64), pool - 1)

    # Chat before paying: most day-time buyers, a few night owls. Same day, before paying.
    ref = np.where(unpaid, created, paid)
    tod = ref % DAY
    daytime = (tod >= 8 * HOUR) & (tod < 23 * HOUR)
    chat = rng.random(n) < np.where(daytime, 0.88, 0.3)
    chat[0] = False  # the order paid at 00:00:00 on the 1st was placed without a word
    chat &= ~unpaid | (rng.random(n) < 0.5)
    # Shortly before paying, but after midnight of the same day.
    chat_lag = np.minimum(
        rng.integers(2 * 60, 90 * 60, size=n), tod * rng.uniform(0.2, 1.0, size=n)
    )
    chat_start = ref - chat_lag.astype(np.int64)
    chat_start = np.where(chat, np.maximum(chat_start, 0), -1)
    return Orders(
        n=n,
        created=created,
        paid=paid,
        shipped=shipped,
        status=status,
        goods=goods,
        post=post,
        total=total,
        pay=pay,
        refund=refund,
        buyer=buyer,
        chat=chat,
        chat_start=chat_start,
        staff=np.full(n, -1, dtype=np.int64),
        memo_type=np.zeros(n, dtype=np.int64),
        cols={"kinds": kinds, "prods": prods, "qty": qty, "used": used, "coupon": coupon},
    )


def assign_memos(plan: Plan, orders: Orders, rng: np.random.Generator) -> None:
    """Who made each sale (the chat partner, else whoever was on duty) and how the memo reads."""
    n, staff_n = orders.n, len(plan.staff)
    sell = duty_weights(plan, {"售前": 1.0, "售后": 0.3, "主管": 0.05})
    ref = np.where(orders.paid >= 0, orders.paid, orders.created)
    anyone = pick_staff(ref, sell, plan.month.days, rng)
    chat_staff = pick_staff(np.maximum(orders.chat_start, 0), sell, plan.month.days, rng)
    staff = np.where(orders.chat, chat_staff, anyone)
    paid = orders.paid >= 0
    memo_type = _choice(rng, list(range(11)), MEMO_P, n)
    # Unpaid orders rarely carry a memo.
    memo_type = np.where(~paid & (rng.random(n) < 0.85), MEMO_NONE, memo_type)
    # Every rare memo form appears at least twice among the paid orders.
    spots = np.nonzero(paid)[0][10:]
    rare = (MEMO_CONFLICT, MEMO_UNKNOWN, MEMO_TRACKING, MEMO_ID_LONG, MEMO_FULLWIDTH, MEMO_NICK)
    for k, kind in enumerate(rare):
        memo_type[spots[2 * k : 2 * k + 2]] = kind
    second = (staff + rng.integers(1, staff_n, size=n)) % staff_n
    orders.staff = np.where(np.isin(memo_type, (MEMO_NONE, MEMO_UNKNOWN, MEMO_TRACKING)), -1, staff)
    orders.cols["chat_staff"] = staff
    orders.memo_type = memo_type
    orders.cols["second"] = second
    orders.cols["gift"] = rng.integers(0, len(MEMO_SUFFIX_GIFT), size=n)
    orders.cols["slash"] = rng.integers(0, len(MEMO_SUFFIX_SLASH), size=n)
    orders.cols["unknown"] = rng.integers(0, 2, size=n)
    orders.cols["long"] = rng.integers(10**9, 10**10, size=n)


def _order_text_picks(orders: Orders, rng: np.random.Generator) -> None:
    n = orders.n
    c = orders.cols
    c["surname"] = rng.integers(0, len(SURNAMES), size=n)
    c["given"] = rng.integers(0, len(GIVEN), size=n)
    c["region"] = rng.integers(0, len(REGIONS), size=n)
    c["road"] = rng.integers(0, len(ROADS), size=n)
    c["house"] = rng.integers(1, 999, size=n)
    c["building"] = rng.integers(1, 30, size=n)
    c["room"] = rng.integers(101, 2999, size=n)
    c["mobile_prefix"] = rng.integers(0, len(MOBILE_PREFIXES), size=n)
    c["mobile"] = rng.integers(0, 10**8, size=n)
    c["alipay_email"] = rng.random(n) < 0.2
    c["phone"] = np.where(rng.random(n) < 0.05, rng.integers(10**7, 10**8, size=n), -1)
    c["message"] = np.where(rng.random(n) < 0.1, rng.integers(0, len(BUYER_MESSAGES), size=n), -1)
    c["carrier"] = _choice(rng, list(range(len(CARRIERS))), [0.4, 0.2, 0.2, 0.1, 0.1], n)
    c["tracking"] = rng.integers(10**12, 10**13, size=n)
    c["mobile_order"] = rng.random(n) < 0.9
    c["invoice"] = rng.random(n) < 0.04
    c["points"] = np.where(rng.random(n) < 0.3, orders.pay // 100, 0)
    c["flag_empty"] = rng.random(n) < 0.5
    c["close_reason"] = _choice(rng, [1, 2, 3], [0.5, 0.35, 0.15], n)


ORDER_HEADERS = (  # the stray spaces are in the real export
    "订单编号,买家会员名,买家支付宝账号,买家应付货款,买家应付邮费,买家支付积分,"
    "总金额,返点积分,买家实际支付金额,买家实际支付积分,订单状态,买家留言,"
    "收货人姓名,收货地址 ,运送方式,联系电话 ,联系手机,订单创建时间,订单付款时间 ,"
    "宝贝标题 ,宝贝种类 ,物流单号 ,物流公司,订单备注,宝贝总数量,店铺Id,店铺名称,"
    "订单关闭原因,卖家服务费,买家服务费,发票抬头,是否手机订单,分阶段订单信息,"
    "特权订金订单id,是否上传合同照片,是否上传小票,是否代付,定金排名,修改后的sku,"
    "修改后的收货地址,异常信息,天猫卡券抵扣,集分宝抵扣,是否是O2O交易,退款金额,"
    "预约门店,发货时间,旗帜"
)


def order_ids(n: int, rng: np.random.Generator) -> I64:
    """Distinct 19-digit order numbers, rising with creation time like Taobao's."""
    step_max = max(2, min(5 * 10**12, 4 * 10**18 // max(n, 1)))
    steps = rng.integers(1, step_max, size=n, dtype=np.int64)
    return np.asarray(4_010_000_000_000_000_000 + np.cumsum(steps), dtype=np.int64)


def _memo_cells(plan: Plan, o: Orders, rows: I64) -> Any:
    """The 订单备注 text of the orders at `rows`, in the forms staff really write."""
    c = o.cols
    ids = pa.array([p.staff_id for p in plan.staff])
    nicks = pa.array([p.nick for p in plan.staff])
    who = c["chat_staff"][rows]
    sid, nick = _take(ids, who), _take(nicks, who)
    other = _take(ids, c["second"][rows])
    unknown_ids = [str(1000 + len(plan.staff) + 91), str(1000 + len(plan.staff) + 57)]
    long_number = pc.cast(pa.array(c["long"][rows]), pa.string())
    join = pc.binary_join_element_wise
    cands = [
        _empty(len(rows)),
        sid,
        join("客服", sid, " ", _take(MEMO_SUFFIX_GIFT, c["gift"][rows]), ""),
        join(sid, _take(MEMO_SUFFIX_SLASH, c["slash"][rows]), "/"),
        nick,
        join("客服:", nick, ""),
        join("工号：", sid, ""),
        join(sid, other, " "),
        _take(unknown_ids, c["unknown"][rows]),
        join("改发顺丰 SF", long_number, ""),
        join(sid, " 补发 7730", long_number, ""),
    ]
    return pc.choose(pa.array(o.memo_type[rows].astype(np.int8)), *cands)


def _order_chunks(plan: Plan, o: Orders, ids: I64, clock: Clock, nicks: Any) -> Iterator[bytes]:
    c = o.cols
    order = np.argsort(-o.created, kind="stable")  # newest first, as the export lists them
    join = pc.binary_join_element_wise
    titles = pa.array([f"{SHOP_NAME[:4]} {t}" for t, _ in PRODUCTS])
    status_cells = pa.array([_csv_cell(s, "，") for s in STATUSES])
    messages = pa.array([_csv_cell(s) for s in BUYER_MESSAGES] + [""])
    regions = pa.array([r for r, _ in REGIONS])
    zips = pa.array([z for _, z in REGIONS])
    mobile_prefixes = pa.array(MOBILE_PREFIXES)
    carriers = pa.array([name for name, _ in CARRIERS] + [""])
    carrier_prefix = pa.array([p for _, p in CARRIERS])
    close = pa.array(list(CLOSE_REASONS))
    for start in range(0, o.n, ORDER_CHUNK):
        rows = order[start : start + ORDER_CHUNK]
        m = len(rows)
        memo = _memo_cells(plan, o, rows)
        paid = o.paid[rows]
        shipped = o.shipped[rows]
        is_paid = pa.array(paid >= 0)
        is_shipped = pa.array(shipped >= 0)
        empty = _empty(m)

        def cell(values: Any, mask: Any, empty: Any = empty) -> Any:
            return pc.if_else(mask, values, empty)

        mobile = join(
            _take(mobile_prefixes, c["mobile_prefix"][rows]), _digits(c["mobile"][rows], 8), ""
        )
        alipay = pc.if_else(
            pa.array(c["alipay_email"][rows]),
            join(_take(LATIN_WORDS, c["road"][rows] % len(LATIN_WORDS)), "***@163.com", ""),
            join(
                pc.utf8_slice_codeunits(mobile, 0, 3),
                "****",
                pc.utf8_slice_codeunits(mobile, 7, 11),
                "",
            ),
        )
        receiver = join(_take(SURNAMES, c["surname"][rows]), _take(GIVEN, c["given"][rows]), "")
        address = join(
            _take(regions, c["region"][rows]),
            " ",
            _take(ROADS, c["road"][rows]),
            pc.cast(pa.array(c["house"][rows]), pa.string()),
            "号",
            pc.cast(pa.array(c["building"][rows]), pa.string()),
            "栋",
            pc.cast(pa.array(c["room"][rows]), pa.string()),
            "室(",
            _take(zips, c["region"][rows]),
            ")",
            "",
        )
        prods, used = c["prods"][rows], c["used"][rows]
        title = _take(titles, prods[:, 0])
        for k in (1, 2):
            title = pc.if_else(
                pa.array(used[:, k]), join(title, _take(titles, prods[:, k]), "，"), title
            )
        carrier = np.where(shipped >= 0, c["carrier"][rows], len(CARRIERS))
        tracking = join(
            '="',
            _take(carrier_prefix, np.minimum(carrier, len(CARRIERS) - 1)),
            pc.cast(pa.array(c["tracking"][rows]), pa.string()),
            '"',
            "",
        )
        status = o.status[rows]
        close_reason = np.where(
            status == CLOSED, np.where(paid >= 0, 4, c["close_reason"][rows]), 0
        )
        has_memo = pc.not_equal(memo, "")
        flag = pc.if_else(has_memo, "1", pc.if_else(pa.array(c["flag_empty"][rows]), empty, "0"))
        phone = c["phone"][rows]
        money_zero = "0.00"
        columns = [
            join('="', pc.cast(pa.array(ids[rows]), pa.string()), '"', ""),
            _take(nicks, o.buyer[rows]),
            alipay,
            _money(o.goods[rows]),
            _money(o.post[rows]),
            "0",
            _money(o.total[rows]),
            pc.cast(pa.array(c["points"][rows]), pa.string()),
            _money(o.pay[rows]),
            "0",
            _take(status_cells, status),
            _take(
                messages, np.where(c["message"][rows] >= 0, c["message"][rows], len(BUYER_MESSAGES))
            ),
            receiver,
            address,
            "快递",
            cell(join("0571-", _digits(np.maximum(phone, 0), 8), ""), pa.array(phone >= 0)),
            mobile,
            clock.format(o.created[rows]),
            cell(clock.format(np.maximum(paid, 0)), is_paid),
            _quote(title, "，"),
            pc.cast(pa.array(c["kinds"][rows]), pa.string()),
            cell(tracking, is_shipped),
            _take(carriers, carrier),
            _quote(memo),
            pc.cast(pa.array((c["qty"][rows] * used).sum(axis=1)), pa.string()),
            SHOP_ID,
            SHOP_NAME,
            _take(close, close_reason),
            money_zero,
            money_zero,
            cell("个人", pa.array(c["invoice"][rows])),
            cell("手机订单", pa.array(c["mobile_order"][rows])),
            empty,
            empty,
            "否",
            "否",
            "否",
            empty,
            empty,
            empty,
            empty,
            money_zero,
            money_zero,
            "否",
            _money(o.refund[rows]),
            empty,
            cell(clock.format(np.maximum(shipped, 0)), is_shipped),
            flag,
        ]
        yield _lines_payload(columns)


def write_orders(
    path: Path, plan: Plan, orders: Orders, clock: Clock, nicks: Any, rng: np.random.Generator
) -> None:
    ids = order_ids(orders.n, rng)
    # IDs rise with creation time.
    ranked = np.empty(orders.n, dtype=np.int64)
    ranked[np.argsort(orders.created, kind="stable")] = ids
    with path.open("wb") as fh:
        fh.write((ORDER_HEADERS + "\r\n").encode("gb18030"))
        for payload in _order_chunks(plan, orders, ranked, clock, nicks):
            fh.write(payload.decode("utf-8").encode("gb18030"))


# ------------------------------------------------------------------ chats

BUYER, STAFF_SIDE = 0, 1
TEXTS = (*BUYER_OPEN, *BUYER_ASK, *STAFF_OPEN, *STAFF_ANSWER)
T_BUYER_OPEN = 0
T_BUYER_ASK = len(BUYER_OPEN)
T_STAFF_OPEN = T_BUYER_ASK + len(BUYER_ASK)
T_STAFF_ANSWER = T_STAFF_OPEN + len(STAFF_OPEN)
ROUNDS_P = (0.3, 0.35, 0.25, 0.1)
BUYER_MSGS_P = (0.5, 0.35, 0.15)
STAFF_MSGS_P = (0.7, 0.3)


def _expected_messages_per_chat() -> float:
    rounds = sum((k + 1) * p for k, p in enumerate(ROUNDS_P))
    per_round = sum((k + 1) * p for k, p in enumerate(BUYER_MSGS_P)) + sum(
        (k + 1) * p for k, p in enumerate(STAFF_MSGS_P)
    )
    return rounds * per_round * 0.98


def reply_delay(n: int, rng: np.random.Generator) -> I64:
    """Seconds from a buyer's message to the staff reply: mostly 5–40 s, a few over 10 min."""
    u = rng.random(n)
    d = rng.integers(5, 41, size=n)
    d = np.where(u >= 0.72, rng.integers(41, 181, size=n), d)
    d = np.where(u >= 0.90, rng.integers(181, 601, size=n), d)
    d = np.where(u >= 0.96, rng.integers(601, 1801, size=n), d)
    d = np.where(u >= 0.99, rng.integers(1801, 3601, size=n), d)
    return np.asarray(d, dtype=np.int64)


@dataclass
class Chats:
    staff: I64  # per conversation
    buyer: I64  # per conversation
    start: I64  # per conversation
    conv: I64  # per message (conversation index)
    time: I64  # per message
    side: npt.NDArray[np.int8]
    text: npt.NDArray[np.int16]


def build_chats(
    plan: Plan, orders: Orders, target: int, rng: np.random.Generator
) -> tuple[Chats, int]:
    """Conversations: the order-linked ones first, then inquiries that bought nothing."""
    month = plan.month
    per_chat = _expected_messages_per_chat()
    total_chats = max(2, int(target / per_chat))
    linked = np.nonzero(orders.chat)[0]
    cap = int(total_chats * 0.6)
    if len(linked) > cap:  # too few messages for every buyer to have chatted
        drop = rng.choice(linked, size=len(linked) - cap, replace=False)
        orders.chat[drop] = False
        orders.chat_start[drop] = -1
        linked = np.nonzero(orders.chat)[0]
    n_inq = max(2, int((target - len(linked) * per_chat) / per_chat * 1.15) + 10)
    inq_start = _times(month, n_inq, CHAT_HOURS, rng)
    # A buyer writing at 02:00 (answered after 08:00) and a chat running past midnight.
    inq_start[0] = min(4, month.days - 1) * DAY + 2 * HOUR + 13
    inq_start[1] = min(8, month.days - 2) * DAY + 23 * HOUR + 56 * 60 + 40
    pool = max(1, int(orders.n * 0.82))
    new_buyers = max(1, int(n_inq * 0.7))
    inq_buyer = np.where(
        rng.random(n_inq) < 0.35,
        rng.integers(0, pool, size=n_inq),
        pool + rng.integers(0, new_buyers, size=n_inq),
    )
    answer = duty_weights(plan, {"售前": 1.0, "售后": 0.7, "主管": 0.08})
    inq_staff = pick_staff(inq_start, answer, month.days, rng)
    start = np.concatenate([orders.chat_start[linked], inq_start]).astype(np.int64)
    buyer = np.concatenate([orders.buyer[linked], inq_buyer]).astype(np.int64)
    staff = np.concatenate([orders.cols["chat_staff"][linked], inq_staff]).astype(np.int64)
    c = len(start)

    rounds = _choice(rng, [1, 2, 3, 4], ROUNDS_P, c)
    nb = _choice(rng, [1, 2, 3], BUYER_MSGS_P, c * 4).reshape(c, 4)
    ns = _choice(rng, [1, 2], STAFF_MSGS_P, c * 4).reshape(c, 4)
    ignored = rng.random(c) < 0.01  # nobody ever answers
    abandon = rng.random(c) < 0.03  # the last question stays unanswered
    special = len(linked) + np.array([0, 1])
    rounds[special], ignored[special], abandon[special] = 3, False, False
    rounds[ignored] = 1
    ns[ignored] = 0
    ab = np.nonzero(abandon)[0]
    ns[ab, rounds[ab] - 1] = 0

    conv_parts: list[I64] = []
    time_parts: list[I64] = []
    side_parts: list[npt.NDArray[np.int8]] = []
    text_parts: list[npt.NDArray[np.int16]] = []

    def emit(idx: I64, t: I64, side: int, first: int, count: int) -> None:
        conv_parts.append(idx)
        time_parts.append(t)
        side_parts.append(np.full(len(idx), side, dtype=np.int8))
        text_parts.append((first + rng.integers(0, count, size=len(idx))).astype(np.int16))

    cur = start.copy()
    last_staff = np.full(c, -(10**9), dtype=np.int64)
    for k in range(4):
        active = rounds > k
        for j in range(3):
            idx = np.nonzero(active & (nb[:, k] > j))[0]
            if k == 0 and j == 0:
                t = cur[idx]
                emit(idx, t, BUYER, T_BUYER_OPEN, len(BUYER_OPEN))
            else:
                gap = (
                    rng.integers(20, 600, size=len(idx))
                    if j == 0
                    else rng.integers(3, 31, size=len(idx))
                )
                t = cur[idx] + gap
                emit(idx, t, BUYER, T_BUYER_ASK, len(BUYER_ASK))
            cur[idx] = t
        for j in range(2):
            idx = np.nonzero(active & (ns[:, k] > j))[0]
            if j == 0:
                last = cur[idx]
                tod = last % DAY
                # Nobody is on duty 00:00–08:00: a new question waits for the morning shift,
                # but a chat the evening shift is still in goes on past midnight.
                live = last - last_staff[idx] < 30 * 60
                night = (tod < 8 * HOUR) & ~live
                morning = last - tod + 8 * HOUR + rng.integers(20, 1500, size=len(idx))
                t = np.where(night, morning, last + reply_delay(len(idx), rng))
                first, count = (
                    (T_STAFF_OPEN, len(STAFF_OPEN))
                    if k == 0
                    else (T_STAFF_ANSWER, len(STAFF_ANSWER))
                )
            else:
                t = cur[idx] + rng.integers(3, 26, size=len(idx))
                first, count = T_STAFF_ANSWER, len(STAFF_ANSWER)
            emit(idx, t, STAFF_SIDE, first, count)
            cur[idx] = t
            last_staff[idx] = t

    conv = np.concatenate(conv_parts).astype(np.int64)
    times = np.concatenate(time_parts).astype(np.int64)
    side = np.concatenate(side_parts)
    text = np.concatenate(text_parts)
    keep = (times >= 0) & (times <= month.end)
    conv, times, side, text = conv[keep], times[keep], side[keep], text[keep]
    order = np.lexsort((times, conv))[:target]
    chats = Chats(staff, buyer, start, conv[order], times[order], side[order], text[order])
    return chats, pool + new_buyers


CHAT_HEADERS = "客服账号,买家,时间,发送方,内容"


def write_chats(path: Path, plan: Plan, chats: Chats, clock: Clock, nicks: Any) -> None:
    accounts = pa.array([p.account for p in plan.staff])
    sides = pa.array(["买家", "客服"])
    texts = pa.array([_csv_cell(t) for t in TEXTS])
    # The export lists each account's conversations one after another.
    order = np.lexsort((chats.time, chats.conv, chats.start[chats.conv], chats.staff[chats.conv]))
    with path.open("wb") as fh:
        fh.write(codecs.BOM_UTF8 + (CHAT_HEADERS + "\r\n").encode("utf-8"))
        for begin in range(0, len(order), CHAT_CHUNK):
            rows = order[begin : begin + CHAT_CHUNK]
            conv = chats.conv[rows]
            fh.write(
                _lines_payload(
                    [
                        _take(accounts, chats.staff[conv]),
                        _take(nicks, chats.buyer[conv]),
                        clock.format(chats.time[rows]),
                        _take(sides, chats.side[rows]),
                        _take(texts, chats.text[rows]),
                    ]
                )
            )


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


def file_names(month: Month) -> dict[str, str]:
    compact = f"{month.year:04d}{month.month:02d}"
    return {
        "roster": "客服名单.xlsx",
        "orders": f"ExportOrderList{compact}.csv",
        "chats": f"聊天记录_{month.tag}.csv",
        "attendance": f"每日统计_{month.tag}.xlsx",
        "leave": f"审批_请假_{month.tag}.xlsx",
        "incidents": "奖惩登记.xlsx",
        "qa": "质检抽查.xlsx",
    }


def generate(
    out: Path,
    month: str = "2026-10",
    seed: int = 7,
    orders: int = 3000,
    messages: int = 30000,
    staff: int = 8,
) -> dict[str, Path]:
    """Write the month's seven exports into `out`; returns kind → path written."""
    m = Month.parse(month)
    if staff < MIN_STAFF:
        raise ValueError(
            f"--staff {staff}: at least {MIN_STAFF} so that every scenario has someone"
        )
    if orders < 20:
        raise ValueError(f"--orders {orders}: at least 20")
    if messages < 50:
        raise ValueError(f"--messages {messages}: at least 50")

    def rng(part: int) -> np.random.Generator:
        return np.random.default_rng([seed, part])

    out.mkdir(parents=True, exist_ok=True)
    names = file_names(m)
    paths = {kind: out / name for kind, name in names.items()}
    people = build_staff(m, staff, rng(1))
    plan = build_plan(m, people, rng(2))
    order_model = build_orders(plan, orders, rng(3))
    assign_memos(plan, order_model, rng(4))
    chats, buyers = build_chats(plan, order_model, messages, rng(5))
    _order_text_picks(order_model, rng(6))
    nicks = buyer_nicks(buyers, rng(7))
    clock = Clock(m)
    write_roster(paths["roster"], plan)
    write_attendance(paths["attendance"], plan)
    write_leaves(paths["leave"], plan, rng(8))
    write_incidents(paths["incidents"], plan)
    write_orders(paths["orders"], plan, order_model, clock, nicks, rng(9))
    write_chats(paths["chats"], plan, chats, clock, nicks)
    # Its own random stream (10), so adding it changed none of the other files.
    write_spot_checks(paths["qa"], plan, build_spot_checks(plan, chats, rng(10)), nicks)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.samplegen",
        description="Write a deterministic, fictional shop month of exports (orders, chats, "
        "attendance, leave, incidents, QA spot checks, roster) for tests and demos.",
    )
    parser.add_argument("--month", default="2026-10", help="YYYY-MM (default 2026-10)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--orders", type=int, default=3000, help="orders (default 3000)")
    parser.add_argument("--messages", type=int, default=30000, help="chat messages (default 30000)")
    parser.add_argument("--staff", type=int, default=8, help="staff, 工号 1001.. (default 8)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        paths = generate(args.out, args.month, args.seed, args.orders, args.messages, args.staff)
    except ValueError as exc:
        parser.error(str(exc))
    for kind, path in paths.items():
        print(f"{kind:<11} {path}  ({path.stat().st_size / 1e6:.1f} MB)")
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
