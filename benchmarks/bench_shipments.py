"""Speed of the daily shipping lists on a month of orders.

    python benchmarks/bench_shipments.py [--orders 1000000] [--staff 200] [--csv]

Generates a month of orders with numpy (a frame shaped like `Inputs.frame("orders")`):
payment times spread over the 30 days before --as-of, 97 % shipped within 40 h
(ship time + 卖家已发货/交易成功), 2 % awaiting shipment, the rest unpaid, closed, locked, in
refund or presale; memos naming one of --staff 工号 (`客服1003`, `1003 赠品12`) or empty.
Then times, best of --runs:
- `unshipped_orders` (status words, campaign lines, exclusions, sort, memo → staff for
  the listed orders), the whole library call behind `csops overdue-shipments`;
- `unpaid_orders`, behind `csops unpaid-orders`;
- building the report (JSON document and table frame) from the result.
With --csv it also writes the orders as a Taobao-style GB18030 CSV (not timed) and times
reading it through `Inputs.scan(...).load(["orders"])` plus the list.
"""

from __future__ import annotations

import argparse
import csv
import gc
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from csops.cli.shipments import overdue_report
from csops.domain.roster import Roster
from csops.domain.shipments import unpaid_orders, unshipped_orders
from csops.ingest.discover import Inputs
from csops.rules import load_rules
from csops.rules.shipping import ShippingRules

AS_OF = pd.Timestamp("2026-10-31 20:00")


def best_of(runs: int, func: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def make_orders(n: int, staff: int, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    as_of = AS_OF.to_datetime64().astype("datetime64[s]")
    paid = as_of - rng.integers(0, 30 * 86400, n).astype("timedelta64[s]")
    created = paid - rng.integers(10, 1800, n).astype("timedelta64[s]")
    kind = rng.choice(
        ["shipped", "finished", "awaiting", "unpaid", "closed", "held", "refund", "presale"],
        size=n,
        p=[0.40, 0.57, 0.02, 0.004, 0.003, 0.001, 0.001, 0.001],
    )
    status_words = {
        "shipped": "卖家已发货，等待买家确认",
        "finished": "交易成功",
        "awaiting": "买家已付款，等待卖家发货",
        "unpaid": "等待买家付款",
        "closed": "交易关闭",
        "held": "锁定",
        "refund": "买家已付款，等待卖家发货",
        "presale": "买家已付款，等待卖家发货",
    }
    status = pd.Series(kind).map(status_words).astype("str")
    shipped = paid + rng.integers(3600, 40 * 3600, n).astype("timedelta64[s]")
    has_ship = np.isin(kind, ["shipped", "finished"])
    shipped = np.where(has_ship, shipped, np.datetime64("NaT"))
    paid = np.where(kind == "unpaid", np.datetime64("NaT"), paid)
    promised = np.where(
        kind == "presale", as_of + np.timedelta64(5 * 86400, "s"), np.datetime64("NaT")
    )
    refund = pd.Series(np.where(kind == "refund", "退款中", None), dtype="str")
    ids = (1000 + rng.integers(0, staff, n)).astype(str)
    gift = rng.integers(0, 50, n).astype(str)
    memo_kind = rng.choice(3, size=n, p=[0.6, 0.2, 0.2])
    memo = pd.Series(np.char.add("客服", ids), dtype="str")
    memo = memo.where(memo_kind != 1, pd.Series(np.char.add(np.char.add(ids, " 赠品"), gift)))
    memo = memo.where(memo_kind != 2, None)
    return pd.DataFrame(
        {
            "order_id": pd.Series(
                np.char.add("40", (10**16 + np.arange(n)).astype(str)), dtype="str"
            ),
            "buyer": pd.Series(np.char.add("tb_", rng.integers(0, n, n).astype(str)), dtype="str"),
            "paid_amount_fen": rng.integers(990, 200_000, n),
            "status": status,
            "created_at": pd.Series(created).astype("datetime64[us]"),
            "paid_at": pd.Series(paid).astype("datetime64[us]"),
            "shipped_at": pd.Series(shipped).astype("datetime64[us]"),
            "promised_ship_at": pd.Series(promised).astype("datetime64[us]"),
            "memo": memo.astype("str"),
            "refund_status": refund,
            "title": pd.Series(
                rng.choice(["乳胶床垫 1.8m", "记忆棉枕头", "竹纤维浴巾"], n), dtype="str"
            ),
            "_file": "orders.csv",
            "_row": np.arange(2, n + 2),
        }
    )


def make_roster(staff: int) -> Roster:
    ids = pd.Series([str(1000 + i) for i in range(staff)], dtype="str")
    frame = pd.DataFrame(
        {
            "staff_id": ids,
            "name": pd.Series([f"客服{i:03d}号" for i in range(staff)], dtype="str"),
            "accounts": pd.Series([f"星辰家居旗舰店:小{i:03d}" for i in range(staff)], dtype="str"),
            "_file": "roster.csv",
            "_row": range(2, staff + 2),
        }
    )
    return Roster.from_frame(frame)


def write_taobao_csv(frame: pd.DataFrame, path: Path) -> None:
    def text(times: pd.Series) -> pd.Series:
        return times.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")

    out = pd.DataFrame(
        {
            "订单编号": '="' + frame["order_id"] + '"',
            "买家会员名": frame["buyer"],
            "买家实际支付金额": (frame["paid_amount_fen"] / 100).map("{:.2f}".format),
            "订单状态": frame["status"],
            "收货人姓名": "张三",
            "联系手机": "13800001111",
            "订单创建时间": text(frame["created_at"]),
            "订单付款时间 ": text(frame["paid_at"]),
            "宝贝标题 ": frame["title"],
            "订单备注": frame["memo"].fillna(""),
            "退款状态": frame["refund_status"].fillna(""),
            "发货时间": text(frame["shipped_at"]),
            "预计发货时间": text(frame["promised_ship_at"]),
        }
    )
    out.to_csv(path, index=False, encoding="gb18030", quoting=csv.QUOTE_MINIMAL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--staff", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--csv", action="store_true", help="also time reading a GB18030 CSV")
    args = parser.parse_args()

    rules = load_rules()
    shipping = rules.get(ShippingRules)
    start = time.perf_counter()
    orders = make_orders(args.orders, args.staff)
    roster = make_roster(args.staff)
    print(f"generated {len(orders):,} orders in {time.perf_counter() - start:.1f} s")

    def overdue() -> Any:
        return unshipped_orders(orders, shipping, AS_OF, roster=roster)

    seconds, result = best_of(args.runs, overdue)
    print(
        f"unshipped_orders  {seconds:6.2f} s  {len(orders) / seconds:>12,.0f} orders/s  "
        f"listed {len(result.orders):,} {result.counts}"
    )
    seconds, _ = best_of(args.runs, lambda: overdue_report(result, "zh"))
    print(f"overdue_report    {seconds:6.2f} s  (JSON document + table of the listed orders)")
    seconds, unpaid = best_of(args.runs, lambda: unpaid_orders(orders, shipping, AS_OF, 3.0))
    print(
        f"unpaid_orders     {seconds:6.2f} s  {len(orders) / seconds:>12,.0f} orders/s  "
        f"listed {len(unpaid.orders):,}"
    )

    if args.csv:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            start = time.perf_counter()
            write_taobao_csv(orders, folder / "ExportOrderList.csv")
            size = (folder / "ExportOrderList.csv").stat().st_size >> 20
            print(f"wrote GB18030 CSV ({size} MB) in {time.perf_counter() - start:.1f} s")

            def read_and_list() -> Any:
                inputs = Inputs.scan(rules, folder).load(["orders"])
                return unshipped_orders(inputs.frame("orders"), shipping, AS_OF, roster=roster)

            seconds, from_csv = best_of(max(1, args.runs - 1), read_and_list)
            print(
                f"read CSV + list   {seconds:6.2f} s  {len(orders) / seconds:>12,.0f} orders/s  "
                f"listed {len(from_csv.orders):,}"
            )


if __name__ == "__main__":
    main()
