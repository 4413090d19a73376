"""KPI scorecard speed: a quarter of chats, orders and spot checks through `csops.jobs.month.compute`.

    python benchmarks/bench_kpi.py [--messages 3000000] [--staff 200] [--checks 20000]

Generates with numpy a quarter (2026Q3) for `--staff` staff (2/3 售前, 1/3 售后, one 主管):
chat messages spread over the three months (conversations of alternating buyer and staff
runs, replies 3 s – 15 min later), N/20 paid orders and `--checks` spot checks (得分
60–100 or item marks only, 是/否), written as UTF-8 CSV. Times the read (`Inputs.load`)
and the scorecard (`compute(…, {"kpi"})`: three months of chat KPIs, QA counts, points, totals)
separately, for the quarter and for its first month, and prints rows/s.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from csops.domain.period import Month, Quarter
from csops.ingest.discover import Inputs
from csops.jobs.month import compute, read_month
from csops.rules import load_rules

QUARTER = Quarter(2026, 3)
DAY_S = 86_400
START = np.datetime64("2026-07-01T00:00:00", "s")
QUARTER_DAYS = 92


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1 << 20)


def write(path: Path, columns: dict[str, object]) -> None:
    pacsv.write_csv(pa.table(columns), path)


def generate(folder: Path, n: int, staff: int, checks: int, seed: int = 8) -> None:
    rng = np.random.default_rng(seed)
    ids = np.arange(1001, 1001 + staff).astype(str)
    roles = np.where(np.arange(staff) % 3 == 2, "售后", "售前")
    roles[0] = "主管"
    accounts = np.char.add("星辰家居旗舰店:客服", np.arange(staff).astype(str))
    write(
        folder / "客服名单.csv",
        {"工号": ids, "姓名": np.char.add("客服", ids), "岗位": roles, "旺旺子账号": accounts},
    )

    per_conv = 8
    n_conv = max(1, n // per_conv)
    n_buyers = max(1, n // 12)
    hour = rng.choice(np.arange(8, 23), size=n_conv)
    start = (
        rng.integers(0, QUARTER_DAYS, n_conv) * DAY_S + hour * 3600 + rng.integers(0, 3600, n_conv)
    ).astype(np.int64)
    conv_account = rng.integers(0, staff, n_conv)
    conv_buyer = rng.integers(0, n_buyers, n_conv)
    conv = np.repeat(np.arange(n_conv), per_conv)[:n]
    gaps = rng.choice([3, 8, 15, 25, 40, 90, 300, 900], size=len(conv)).astype(np.int64)
    first = np.r_[True, conv[1:] != conv[:-1]]
    gaps[first] = 0
    offset = np.cumsum(gaps)
    offset -= np.maximum.accumulate(np.where(first, offset, 0))
    seconds = start[conv] + offset
    from_buyer = rng.random(len(conv)) < 0.55
    from_buyer[first] = True
    order = np.argsort(seconds, kind="stable")
    buyers = np.char.add("tb", np.arange(n_buyers).astype(str))
    write(
        folder / "聊天记录.csv",
        {
            "客服账号": accounts[conv_account[conv[order]]],
            "买家": buyers[conv_buyer[conv[order]]],
            "时间": (START + seconds[order]).astype(str),
            "发送方": np.where(from_buyer[order], "买家", "客服"),
        },
    )

    n_orders = max(1, n // 20)
    paid = rng.integers(0, QUARTER_DAYS, n_orders) * DAY_S + rng.integers(
        8 * 3600, 23 * 3600, n_orders
    )
    write(
        folder / "订单.csv",
        {
            "订单编号": np.char.add("40", np.arange(n_orders).astype(str)),
            "买家会员名": buyers[rng.integers(0, n_buyers, n_orders)],
            "买家实际支付金额": (rng.integers(990, 99_900, n_orders) / 100).astype(str),
            "订单付款时间": (START + paid).astype(str),
            "订单备注": ids[rng.integers(0, staff, n_orders)],
        },
    )

    days = rng.integers(0, QUARTER_DAYS, checks)
    marks = rng.integers(6, 11, size=(checks, 3)).astype(float)
    score = np.round(10 * (0.4 * marks[:, 0] + 0.3 * marks[:, 1] + 0.3 * marks[:, 2]))
    no_score = rng.random(checks) < 0.1
    write(
        folder / "质检抽查.csv",
        {
            "日期": (START + days * DAY_S).astype("datetime64[D]").astype(str),
            "工号": ids[rng.integers(1, staff, checks)],
            "买家昵称": buyers[rng.integers(0, n_buyers, checks)],
            "质检得分": np.where(no_score, "", score.astype(int).astype(str)),
            "回复准确": marks[:, 0].astype(int).astype(str),
            "服务态度": marks[:, 1].astype(int).astype(str),
            "沟通技巧": marks[:, 2].astype(int).astype(str),
            "是否解决": np.where(rng.random(checks) < 0.85, "是", "否"),
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=3_000_000)
    parser.add_argument("--staff", type=int, default=200)
    parser.add_argument("--checks", type=int, default=20_000)
    args = parser.parse_args()
    rules = load_rules(Path(__file__).resolve().parent.parent / "rules")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        generate(folder, args.messages, args.staff, args.checks)
        print(f"generated {args.messages:,} messages, {args.checks:,} spot checks in "
              f"{time.perf_counter() - t0:.1f} s")  # fmt: skip
        t0 = time.perf_counter()
        inputs = Inputs.scan(rules, folder)
        data = read_month(inputs, {"kpi"})
        read_s = time.perf_counter() - t0
        rows = sum(len(f) for f in inputs.frames.values())
        print(f"read      {read_s:6.2f} s  ({rows / read_s:,.0f} rows/s)")
        for period in (QUARTER, Month(2026, 7)):
            t0 = time.perf_counter()
            result = compute(data, rules, period, {"kpi"}).kpi
            assert result is not None
            took = time.perf_counter() - t0
            scored = int(result.staff["scored"].sum())
            print(
                f"kpi {str(period):<7} {took:6.2f} s  ({args.messages / took:,.0f} messages/s; "
                f"{scored} of {len(result.staff)} staff scored)"
            )
    print(f"peak RSS  {peak_rss_gib():.2f} GiB (whole process, data included)")


if __name__ == "__main__":
    main()
