"""Chat KPI speed and memory: 10M messages through `normalize_messages` + `chat_kpis`.

    python benchmarks/bench_chats.py [--messages 10000000] [--e2e]

Generates a month of chats with numpy (conversations of alternating buyer and staff runs,
more by day than by night, 64 accounts of which 4 are on no roster row, ~N/12 buyers,
N/20 paid orders), in the shape the reader gives (arrow strings, datetime64[us]), sorted
by time as exports are. Times `normalize_messages` (factorize, one radix sort) and
`chat_kpis` (waits, conversations, inquiries) and prints messages/s and the process's
peak RSS (`resource.getrusage`). With `--e2e` the log is also written as a UTF-8 CSV and
read back through `Inputs` first (the whole `csops chats` path).
"""

from __future__ import annotations

import argparse
import gc
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from csops.domain.chatlog import normalize_messages
from csops.domain.chats import chat_kpis
from csops.domain.period import Month
from csops.domain.roster import Roster
from csops.rules import load_rules
from csops.rules.chats import ChatRules
from csops.rules.vocab import ValueWords

MONTH = Month(2026, 10)
N_ACCOUNTS = 64
N_ROSTER = 60
DAY_S = 86_400


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1 << 20)  # KiB on Linux


def reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) so a step's own peak can be read."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def vm_hwm_gib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / (1 << 20)
    return float("nan")


def roster() -> Roster:
    frame = pd.DataFrame(
        {
            "staff_id": [str(1001 + i) for i in range(N_ROSTER)],
            "name": [f"客服{i}" for i in range(N_ROSTER)],
            "accounts": [f"星辰家居旗舰店:客服{i}" for i in range(N_ROSTER)],
            "hired_on": pd.NaT,
            "left_on": pd.NaT,
            "_file": "客服名单.xlsx",
            "_row": range(2, 2 + N_ROSTER),
        }
    )
    return Roster.from_frame(frame)


def generate(n: int, seed: int = 6) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    per_conv = 8
    n_conv = max(1, n // per_conv)
    n_buyers = max(1, n // 12)
    hour_weight = np.array([1, 1, 1, 1, 1, 1, 2, 4, 8, 10, 12, 12, 10, 10, 12, 12, 11, 10, 9, 10,
                            12, 12, 9, 4], dtype=float)  # fmt: skip
    hour = rng.choice(24, size=n_conv, p=hour_weight / hour_weight.sum())
    start = (
        rng.integers(0, 31, n_conv) * DAY_S + hour * 3600 + rng.integers(0, 3600, n_conv)
    ).astype(np.int64)
    conv_account = rng.integers(0, N_ACCOUNTS, n_conv)
    conv_buyer = rng.integers(0, n_buyers, n_conv)
    conv = np.repeat(np.arange(n_conv), per_conv)[:n]
    conv = np.concatenate([conv, rng.integers(0, n_conv, n - len(conv))])
    conv.sort()
    gaps = rng.choice([3, 8, 15, 25, 40, 90, 300, 900], size=n).astype(np.int64)
    first = np.r_[True, conv[1:] != conv[:-1]]
    gaps[first] = 0
    offset = np.cumsum(gaps)
    offset -= np.maximum.accumulate(np.where(first, offset, 0))
    seconds = start[conv] + offset
    from_buyer = rng.random(n) < 0.55
    from_buyer[first] = True
    order = np.argsort(seconds, kind="stable")  # exports come in time order

    accounts = [f"星辰家居旗舰店:客服{i}" for i in range(N_ROSTER)] + [
        f"临时号{i}" for i in range(N_ACCOUNTS - N_ROSTER)
    ]
    account_names = pd.Series(pd.array(accounts, dtype="str"))
    buyer_names = pd.Series(pd.array([f"tb{i:07d}" for i in range(n_buyers)], dtype="str"))
    times = MONTH.start.to_datetime64().astype("datetime64[s]") + seconds[order]
    chats = pd.DataFrame(
        {
            "account": account_names.take(conv_account[conv[order]]).array,
            "buyer": buyer_names.take(conv_buyer[conv[order]]).array,
            "time": times.astype("datetime64[us]"),
            "direction": pd.Series(pd.array(["买家", "客服"], dtype="str"))
            .take((~from_buyer[order]).astype(np.int8))
            .array,
        }
    )
    chats["_file"] = pd.Series("聊天记录.csv", index=chats.index, dtype="category")
    chats["_row"] = np.arange(2, n + 2, dtype=np.int64)

    n_orders = max(1, n // 20)
    paid = rng.integers(-21, 31, n_orders) * DAY_S + rng.integers(8 * 3600, 23 * 3600, n_orders)
    orders = pd.DataFrame(
        {
            "order_id": pd.array([f"40{i:017d}" for i in range(n_orders)], dtype="str"),
            "buyer": buyer_names.take(rng.integers(0, n_buyers, n_orders)).array,
            "paid_amount_fen": pd.array(rng.integers(990, 99_900, n_orders), dtype="Int64"),
            "paid_at": (MONTH.start.to_datetime64().astype("datetime64[s]") + paid).astype(
                "datetime64[us]"
            ),
        }
    )
    orders["_file"] = "ExportOrderList.csv"
    orders["_row"] = np.arange(2, n_orders + 2)
    return chats, orders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000_000)
    parser.add_argument("--e2e", action="store_true", help="also write and read a CSV")
    args = parser.parse_args()
    rules = load_rules(Path(__file__).resolve().parent.parent / "rules")
    words = rules.get(ValueWords).chat_direction
    staff = roster()

    t0 = time.perf_counter()
    chats, orders = generate(args.messages)
    took = time.perf_counter() - t0
    print(f"generated {len(chats):,} messages, {len(orders):,} orders in {took:.1f} s")
    print(f"peak RSS after generating: {peak_rss_gib():.2f} GiB")

    if args.e2e:
        from csops.ingest.discover import Inputs

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "聊天记录.csv"
            table = pa.table(
                {
                    "客服账号": chats["account"].array,
                    "买家": chats["buyer"].array,
                    "时间": chats["time"].dt.strftime("%Y-%m-%d %H:%M:%S").array,
                    "发送方": chats["direction"].array,
                }
            )
            pacsv.write_csv(table, path)
            del table
            gc.collect()
            t0 = time.perf_counter()
            inputs = Inputs.scan(rules, None, {"chats": [path]}).load(["chats"])
            chats = inputs.frame("chats")
            read_s = time.perf_counter() - t0
            size = path.stat().st_size >> 20
            print(f"read      {read_s:6.2f} s  ({len(chats) / read_s:,.0f} messages/s, {size} MB)")

    gc.collect()
    before = vm_hwm_gib()
    can_reset = reset_peak()
    t0 = time.perf_counter()
    messages = normalize_messages(chats, staff, words)
    t1 = time.perf_counter()
    result = chat_kpis(
        messages,
        orders,
        staff,
        MONTH,
        rules.get(ChatRules),
        rules.settings.service_hours,
        rules.settings.rounding,
    )
    t2 = time.perf_counter()
    n = len(messages)
    print(f"normalize {t1 - t0:6.2f} s")
    print(f"kpis      {t2 - t1:6.2f} s")
    print(f"total     {t2 - t0:6.2f} s  ({n / (t2 - t0):,.0f} messages/s)")
    during = peak_rss_gib()
    if can_reset:
        # The reset also restarts getrusage's maximum: the whole run's peak is the larger.
        print(f"peak RSS  {max(before, during):.2f} GiB (whole process, data included)")
        print(f"          {during:.2f} GiB during normalize + kpis (reset before them)")
    else:
        print(f"peak RSS  {during:.2f} GiB (getrusage: whole process, data included)")
    total = result.total
    print(
        f"check: {total['conversations']:,} conversations, {total['waits']:,} waits, "
        f"avg response {total['avg_response_s']:.1f} s, reply rate {total['reply_rate']:.3f}, "
        f"inquiries {total['inquiries']:,}, conversion {total['conversion_rate']:.3f}"
    )


if __name__ == "__main__":
    main()
