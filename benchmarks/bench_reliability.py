"""Load held with the issue-10 guards on: reading a big hostile-shaped export, writing a big
report atomically.

    python benchmarks/bench_reliability.py [--orders 1000000] [--report-rows 100000]

1. Orders: a Taobao-style GB18030 export generated with numpy (receiver name, address,
   phones and 支付宝 account columns csops never reads; `="…"` IDs; memos starting with
   `'=` as csops's own CSVs have them), read with `Inputs.load` — every guard on:
   future dates against the clock, duplicated headers, the formula guard taken off text.
2. A report of `--report-rows` rows × 8 columns (text from inputs with formula prefixes,
   money, times) written with `csops.report.output.write_xlsx` (built in memory, written
   atomically) and as CSV; peak memory of the process is printed at the end.
"""

from __future__ import annotations

import argparse
import io
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console

from csops.ingest.discover import Inputs
from csops.report.output import Column, Report, Sheet, emit, write_xlsx
from csops.rules import load_rules

HEADER = (
    "订单编号,买家会员名,买家支付宝账号,买家实际支付金额,订单状态,收货人姓名,收货地址 ,联系手机,"
    "订单创建时间,订单付款时间 ,宝贝标题 ,订单备注,退款金额\n"
)


def write_orders(path: Path, n: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    ids = (4_012_000_000_000_000_000 + np.arange(n, dtype=np.int64)).astype(str)
    buyers = np.char.add("买家", rng.integers(0, 50_000, n).astype(str))
    alipay = np.char.add("138****", rng.integers(1000, 9999, n).astype(str))
    paid = rng.integers(100, 200_000, n) / 100  # written with two decimals
    seconds = rng.integers(0, 31 * 86400, n)
    times = (np.datetime64("2026-10-01T00:00:00") + seconds.astype("timedelta64[s]")).astype(str)
    times = np.char.replace(times, "T", " ")
    names = np.array(["张三", "李四", "王五", "赵六"])[rng.integers(0, 4, n)]
    memos = np.array(["1001", "1002 赠品", "'=1003 加急", "", "客服:小美"])[rng.integers(0, 5, n)]
    frame = pd.DataFrame(
        {
            "id": np.char.add(np.char.add('="', ids), '"'),
            "buyer": buyers,
            "alipay": alipay,
            "paid": paid,
            "status": "交易成功",
            "receiver": names,
            "address": "浙江省 杭州市 西湖区 文三路1号",
            "mobile": np.char.add("139", rng.integers(10_000_000, 99_999_999, n).astype(str)),
            "created": times,
            "paid_at": times,
            "title": "纯棉四件套",
            "memo": memos,
            "refund": "0.00",
        }
    )
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=False, lineterminator="\r\n", float_format="%.2f")
    path.write_bytes((HEADER.replace("\n", "\r\n") + buffer.getvalue()).encode("gb18030"))


def report_of(n: int, seed: int = 3) -> Report:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "order_id": (4_012_000_000_000_000_000 + np.arange(n, dtype=np.int64)).astype(str),
            "buyer": np.array(['=HYPERLINK("x")', "+1", "王小二", "@a", "tb88"])[
                rng.integers(0, 5, n)
            ],
            "memo": np.array(["-1", "1001 赠品", "客服:小美"])[rng.integers(0, 3, n)],
            "paid": rng.integers(100, 200_000, n) / 100,
            "paid_at": pd.Timestamp("2026-10-01")
            + pd.to_timedelta(rng.integers(0, 2_600_000, n), "s"),
            "hours": rng.random(n) * 100,
            "staff_id": np.array(["1001", "1002", "1003"])[rng.integers(0, 3, n)],
            "title": "纯棉四件套",
        }
    )
    columns = [
        Column("order_id"), Column("buyer"), Column("memo"), Column("paid", "money"),
        Column("paid_at", "datetime"), Column("hours", "number"), Column("staff_id"),
        Column("title"),
    ]  # fmt: skip
    return Report({}, [Sheet("title.inspect", frame, columns)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--report-rows", type=int, default=100_000)
    args = parser.parse_args()
    rules = load_rules()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        path = folder / "ExportOrderList.csv"
        start = time.perf_counter()
        write_orders(path, args.orders)
        made = time.perf_counter() - start
        size = path.stat().st_size >> 20
        start = time.perf_counter()
        frame = Inputs.scan(rules, folder).load(["orders"]).frame("orders")
        took = time.perf_counter() - start
        assert len(frame) == args.orders and frame["memo"].str.startswith("=").any()
        print(f"orders: {args.orders:,} rows, {size} MB GB18030 (generated in {made:.1f} s)")
        print(f"  read + clean with every guard: {took:.2f} s = {args.orders / took:,.0f} rows/s")

        report = report_of(args.report_rows)
        target = Path(tmp) / "report.xlsx"
        start = time.perf_counter()
        write_xlsx(report, "zh", target)
        took = time.perf_counter() - start
        rate = args.report_rows / took
        print(f"report: {args.report_rows:,} rows × 8 columns")
        print(f"  xlsx (in memory, then atomic rename): {took:.2f} s = {rate:,.0f} rows/s, "
              f"{target.stat().st_size >> 20} MB")  # fmt: skip
        start = time.perf_counter()
        emit(report, "csv", Path(tmp) / "report.csv", "zh", Console(file=io.StringIO()))
        took = time.perf_counter() - start
        print(f"  csv (formula guards): {took:.2f} s = {args.report_rows / took:,.0f} rows/s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10
    print(f"peak memory of the process: {peak} MB")


if __name__ == "__main__":
    main()
