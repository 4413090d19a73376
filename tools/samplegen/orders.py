"""The orders of the month and the Taobao ExportOrderList CSV they are written as."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from tools.samplegen.cells import (
    ORDER_HOURS,
    csv_cell,
    digits_text,
    empty_cells,
    event_times,
    lines_payload,
    money_text,
    pick_weighted,
    quote_cells,
    take_vocab,
)
from tools.samplegen.plan import Clock, Plan, duty_weights, pick_staff
from tools.samplegen.vocab import (
    BUYER_MESSAGES,
    CARRIERS,
    CLOSE_REASONS,
    CLOSED,
    DAY,
    GIVEN,
    HOUR,
    LATIN_WORDS,
    MEMO_SUFFIX_GIFT,
    MEMO_SUFFIX_SLASH,
    MOBILE_PREFIXES,
    ORDER_CHUNK,
    PRODUCTS,
    REGIONS,
    ROADS,
    SHIPPED,
    SHOP_ID,
    SHOP_NAME,
    STATUSES,
    SUCCESS,
    SURNAMES,
    WAIT_PAY,
    WAIT_SHIP,
)

I64 = npt.NDArray[np.int64]
Arr = npt.NDArray[Any]


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
    created = event_times(month, n, ORDER_HOURS, rng)
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
    kinds = pick_weighted(rng, [1, 2, 3], [0.8, 0.15, 0.05], n)
    prods = np.stack([rng.integers(0, nprod, size=n) for _ in range(3)], axis=1)
    qty = pick_weighted(rng, [1, 2, 3, 4], [0.75, 0.17, 0.05, 0.03], n * 3).reshape(n, 3)
    used = np.arange(3)[None, :] < kinds[:, None]
    goods = (prices[prods] * qty * used).sum(axis=1).astype(np.int64)
    post = np.where(goods < 4900, 600, 0).astype(np.int64)
    total = goods + post
    coupon = pick_weighted(rng, [0, 500, 1000, 2000], [0.78, 0.1, 0.08, 0.04], n)
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
    memo_type = pick_weighted(rng, list(range(11)), MEMO_P, n)
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


def order_text_picks(orders: Orders, rng: np.random.Generator) -> None:
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
    c["carrier"] = pick_weighted(rng, list(range(len(CARRIERS))), [0.4, 0.2, 0.2, 0.1, 0.1], n)
    c["tracking"] = rng.integers(10**12, 10**13, size=n)
    c["mobile_order"] = rng.random(n) < 0.9
    c["invoice"] = rng.random(n) < 0.04
    c["points"] = np.where(rng.random(n) < 0.3, orders.pay // 100, 0)
    c["flag_empty"] = rng.random(n) < 0.5
    c["close_reason"] = pick_weighted(rng, [1, 2, 3], [0.5, 0.35, 0.15], n)


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
    sid, nick = take_vocab(ids, who), take_vocab(nicks, who)
    other = take_vocab(ids, c["second"][rows])
    unknown_ids = [str(1000 + len(plan.staff) + 91), str(1000 + len(plan.staff) + 57)]
    long_number = pc.cast(pa.array(c["long"][rows]), pa.string())
    join = pc.binary_join_element_wise
    cands = [
        empty_cells(len(rows)),
        sid,
        join("客服", sid, " ", take_vocab(MEMO_SUFFIX_GIFT, c["gift"][rows]), ""),
        join(sid, take_vocab(MEMO_SUFFIX_SLASH, c["slash"][rows]), "/"),
        nick,
        join("客服:", nick, ""),
        join("工号：", sid, ""),
        join(sid, other, " "),
        take_vocab(unknown_ids, c["unknown"][rows]),
        join("改发顺丰 SF", long_number, ""),
        join(sid, " 补发 7730", long_number, ""),
    ]
    return pc.choose(pa.array(o.memo_type[rows].astype(np.int8)), *cands)


def _order_chunks(plan: Plan, o: Orders, ids: I64, clock: Clock, nicks: Any) -> Iterator[bytes]:
    c = o.cols
    order = np.argsort(-o.created, kind="stable")  # newest first, as the export lists them
    join = pc.binary_join_element_wise
    titles = pa.array([f"{SHOP_NAME[:4]} {t}" for t, _ in PRODUCTS])
    status_cells = pa.array([csv_cell(s, "，") for s in STATUSES])
    messages = pa.array([csv_cell(s) for s in BUYER_MESSAGES] + [""])
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
        empty = empty_cells(m)

        def cell(values: Any, mask: Any, empty: Any = empty) -> Any:
            return pc.if_else(mask, values, empty)

        mobile = join(
            take_vocab(mobile_prefixes, c["mobile_prefix"][rows]),
            digits_text(c["mobile"][rows], 8),
            "",
        )
        alipay = pc.if_else(
            pa.array(c["alipay_email"][rows]),
            join(take_vocab(LATIN_WORDS, c["road"][rows] % len(LATIN_WORDS)), "***@163.com", ""),
            join(
                pc.utf8_slice_codeunits(mobile, 0, 3),
                "****",
                pc.utf8_slice_codeunits(mobile, 7, 11),
                "",
            ),
        )
        receiver = join(
            take_vocab(SURNAMES, c["surname"][rows]), take_vocab(GIVEN, c["given"][rows]), ""
        )
        address = join(
            take_vocab(regions, c["region"][rows]),
            " ",
            take_vocab(ROADS, c["road"][rows]),
            pc.cast(pa.array(c["house"][rows]), pa.string()),
            "号",
            pc.cast(pa.array(c["building"][rows]), pa.string()),
            "栋",
            pc.cast(pa.array(c["room"][rows]), pa.string()),
            "室(",
            take_vocab(zips, c["region"][rows]),
            ")",
            "",
        )
        prods, used = c["prods"][rows], c["used"][rows]
        title = take_vocab(titles, prods[:, 0])
        for k in (1, 2):
            title = pc.if_else(
                pa.array(used[:, k]), join(title, take_vocab(titles, prods[:, k]), "，"), title
            )
        carrier = np.where(shipped >= 0, c["carrier"][rows], len(CARRIERS))
        tracking = join(
            '="',
            take_vocab(carrier_prefix, np.minimum(carrier, len(CARRIERS) - 1)),
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
            take_vocab(nicks, o.buyer[rows]),
            alipay,
            money_text(o.goods[rows]),
            money_text(o.post[rows]),
            "0",
            money_text(o.total[rows]),
            pc.cast(pa.array(c["points"][rows]), pa.string()),
            money_text(o.pay[rows]),
            "0",
            take_vocab(status_cells, status),
            take_vocab(
                messages, np.where(c["message"][rows] >= 0, c["message"][rows], len(BUYER_MESSAGES))
            ),
            receiver,
            address,
            "快递",
            cell(join("0571-", digits_text(np.maximum(phone, 0), 8), ""), pa.array(phone >= 0)),
            mobile,
            clock.format(o.created[rows]),
            cell(clock.format(np.maximum(paid, 0)), is_paid),
            quote_cells(title, "，"),
            pc.cast(pa.array(c["kinds"][rows]), pa.string()),
            cell(tracking, is_shipped),
            take_vocab(carriers, carrier),
            quote_cells(memo),
            pc.cast(pa.array((c["qty"][rows] * used).sum(axis=1)), pa.string()),
            SHOP_ID,
            SHOP_NAME,
            take_vocab(close, close_reason),
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
            money_text(o.refund[rows]),
            empty,
            cell(clock.format(np.maximum(shipped, 0)), is_shipped),
            flag,
        ]
        yield lines_payload(columns)


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
