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

The parts: `vocab` (names and words), `plan` (the month, staff and calendar), `cells`
(CSV cells a column at a time, buyers), `orders`, `chats`, `sheets` (the Excel exports);
this module writes them all (`generate`).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from tools.samplegen.cells import buyer_nicks
from tools.samplegen.chats import build_chats, write_chats
from tools.samplegen.orders import (
    ORDER_HEADERS,
    UNSHIPPED_AGES_H,
    assign_memos,
    build_orders,
    order_text_picks,
    write_orders,
)
from tools.samplegen.plan import LEAVE, WORK, Clock, Incident, Month, Plan, build_plan, build_staff
from tools.samplegen.sheets import (
    build_spot_checks,
    write_attendance,
    write_incidents,
    write_leaves,
    write_roster,
    write_spot_checks,
)
from tools.samplegen.vocab import MIN_STAFF, STATUSES

I64 = npt.NDArray[np.int64]
Arr = npt.NDArray[Any]


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
    order_text_picks(order_model, rng(6))
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


__all__ = [
    "LEAVE",
    "ORDER_HEADERS",
    "STATUSES",
    "UNSHIPPED_AGES_H",
    "WORK",
    "Incident",
    "Month",
    "Plan",
    "build_plan",
    "build_staff",
    "file_names",
    "generate",
    "main",
    "write_attendance",
    "write_incidents",
    "write_leaves",
    "write_roster",
]
