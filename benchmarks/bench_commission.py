"""Commission speed: credit a month of orders and compute every staff member's commission.

    python benchmarks/bench_commission.py [--orders 1000000] [--messages 2000000] [--staff 30]

Generates the frames in memory with numpy (no files: reading is benchmarked by
bench_read.py), as the readers give them: orders with a realistic memo mix (bare 工号,
`客服1003 赠品袜子`, `1003/已核对`, nicknames, empty memos, unique tracking numbers, conflicts,
unknown IDs), some refunds, unpaid and next-month orders. Times `compute_commission` in
memo mode (the default) and in memo_then_last_chat mode over a chat log (issue 4: 1M
orders credited in a few seconds).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import time
from pathlib import Path

import numpy as np
import pandas as pd

from csops.domain.commission import compute_commission
from csops.domain.period import Month
from csops.domain.roster import Roster
from csops.rules import load_rules
from csops.rules.commission import CommissionRules
from csops.report.documents import commission_document

MONTH = Month(2026, 10)


def make_roster(staff: int) -> Roster:
    ids = [str(1001 + i) for i in range(staff)]
    frame = pd.DataFrame(
        {
            "staff_id": pd.Series(ids, dtype="str"),
            "name": pd.Series([f"客服{i:02d}号" for i in range(staff)], dtype="str"),
            "accounts": pd.Series([f"星辰家居旗舰店:小{i:02d}" for i in range(staff)], dtype="str"),
            "hired_on": pd.NaT,
            "left_on": pd.NaT,
            "_file": "roster.xlsx",
            "_row": np.arange(2, staff + 2),
        }
    )
    return Roster.from_frame(frame)


def make_orders(n: int, staff: int, rng: np.random.Generator) -> pd.DataFrame:
    ids = np.array([str(1001 + i) for i in range(staff)], dtype=object)
    nicks = np.array([f"小{i:02d}" for i in range(staff)], dtype=object)
    who = rng.integers(0, staff, n)
    other = (who + rng.integers(1, staff, n)) % staff
    sid = pd.Series(ids[who], dtype="str")
    tracking = pd.Series(rng.integers(10**11, 10**12, n).astype(str), dtype="str")
    kind = rng.choice(
        10,
        n,
        p=[0.44, 0.15, 0.10, 0.08, 0.10, 0.04, 0.03, 0.02, 0.02, 0.02],
    )
    templates = [
        sid,  # 1003
        "客服" + sid + " 赠品袜子",
        sid + "/已核对",
        "客服:" + pd.Series(nicks[who], dtype="str"),
        pd.Series(pd.NA, index=sid.index, dtype="str"),  # no memo
        "补发 SF" + tracking,  # unique, names nobody
        sid + " 顺丰 SF" + tracking,  # unique, names one
        sid + " " + pd.Series(ids[other], dtype="str"),  # conflict
        "10" + pd.Series(rng.integers(90, 100, n).astype(str), dtype="str") + " 加急",  # unknown
        sid + " 改地址",
    ]
    memo = templates[0].copy()
    for k, series in enumerate(templates[1:], start=1):
        memo = memo.where(kind != k, series)
    start = MONTH.start.value // 1000  # µs
    span = (MONTH.end - MONTH.start).value // 1000
    paid_us = start + rng.integers(-span // 20, span + span // 20, n)  # a few outside the month
    paid_at = pd.Series(paid_us.astype("datetime64[us]"))
    paid_at[rng.random(n) < 0.03] = pd.NaT  # unpaid
    paid_fen = rng.lognormal(np.log(15_000), 0.8, n).astype("int64") + 100
    refund = np.where(rng.random(n) < 0.08, (paid_fen * rng.random(n)).astype("int64"), 0)
    full = rng.random(n) < 0.02
    refund[full] = paid_fen[full]  # fully refunded
    order_id = (4_012_000_000_000_000_000 + np.arange(n, dtype=np.int64)).astype(str)
    return pd.DataFrame(
        {
            "order_id": pd.Series(order_id, dtype="str"),
            "buyer": pd.Series(
                "tb_" + pd.Series(rng.integers(0, n // 3, n).astype(str)), dtype="str"
            ),
            "paid_amount_fen": pd.array(paid_fen, dtype="Int64"),
            "refund_amount_fen": pd.array(refund, dtype="Int64"),
            "status": pd.Series(np.where(paid_at.isna(), "等待买家付款", "交易成功"), dtype="str"),
            "paid_at": paid_at,
            "memo": memo,
            "_file": pd.Categorical(["orders.csv"] * n),
            "_row": np.arange(2, n + 2),
        }
    )


def make_chats(orders: pd.DataFrame, m: int, staff: int, rng: np.random.Generator) -> pd.DataFrame:
    """Chat messages with the orders' buyers, mostly in the hours before payment."""
    pick = rng.integers(0, len(orders), m)
    paid = orders["paid_at"].to_numpy()[pick]
    base = np.where(np.isnat(paid), MONTH.start.to_datetime64(), paid).astype("datetime64[us]")
    offset = (rng.exponential(3 * 3600, m) * 1e6).astype("int64").astype("timedelta64[us]")
    accounts = np.array([f"星辰家居旗舰店:小{i:02d}" for i in range(staff)], dtype=object)
    return pd.DataFrame(
        {
            "account": pd.Series(accounts[rng.integers(0, staff, m)], dtype="str"),
            "buyer": orders["buyer"].to_numpy()[pick],
            "time": pd.Series(base - offset),
            "direction": pd.Series(np.where(rng.random(m) < 0.5, "买家", "客服"), dtype="str"),
            "_file": pd.Categorical(["chats.csv"] * m),
            "_row": np.arange(2, m + 2),
        }
    )


def timed(label: str, rows: int, func: object) -> float:
    gc.collect()
    start = time.perf_counter()
    func()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:7.2f} s  {rows / seconds:>12,.0f} orders/s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=2_000_000)
    parser.add_argument("--staff", type=int, default=30)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    rules = load_rules(Path(__file__).parent.parent / "rules")
    roster = make_roster(args.staff)
    t0 = time.perf_counter()
    orders = make_orders(args.orders, args.staff, rng)
    chats = make_chats(orders, args.messages, args.staff, rng)
    print(
        f"generated {len(orders):,} orders ({orders['memo'].nunique():,} distinct memos), "
        f"{len(chats):,} chat messages in {time.perf_counter() - t0:.1f} s"
    )

    result = None

    def memo_mode() -> None:
        nonlocal result
        result = compute_commission(orders, roster, MONTH, rules)

    timed("memo mode (default)", len(orders), memo_mode)
    assert result is not None
    doc = commission_document(result)
    print(
        f"  {len(result.selection.orders):,} orders counted, "
        f"{int(result.orders['staff_id'].notna().sum()):,} credited, "
        f"{doc['unattributed']['orders']:,} unattributed, {len(doc['conflicts']):,} conflicts, "
        f"{len(doc['unknown_ids']):,} unknown IDs"
    )

    crules = rules.get(CommissionRules)
    chat_rules = crules.model_copy(
        update={
            "attribution": crules.attribution.model_copy(update={"mode": "memo_then_last_chat"})
        }
    )
    chat_set = dataclasses.replace(rules, models={**rules.models, CommissionRules: chat_rules})

    def chat_mode() -> None:
        nonlocal result
        result = compute_commission(orders, roster, MONTH, chat_set, chats=chats)

    timed(f"memo_then_last_chat ({len(chats):,} messages)", len(orders), chat_mode)
    assert result is not None
    print(f"  {int((result.orders['how'] == 'last_chat').sum()):,} orders credited by chat")


if __name__ == "__main__":
    main()
