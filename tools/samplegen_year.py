"""A sample year: twelve small generated months whose closed results show every grade.

    python -m tools.samplegen_year --year 2025 --out samples/2025 \
        [--ledger samples/2025/csops-ledger.sqlite] [--seed 7] [--orders 300] [--messages 2000]

Each month is written by `tools.samplegen.generate` (seed `seed × 100 + month`), then the
year's story is applied to it: the default month repeats the same scenarios every month
(see docs/samples.md), which would give nobody a C. So, per month, some of those
scenarios are kept and others taken out, and the attendance, leave and incident exports
(and the roster) are rewritten with samplegen's own writers from the changed plan:

- 1001 周建国: no events all year → A.
- 1002 林小美: 2 lates + 3 slow-reply complaints every month: 4.0, `serious` from March
  → no grade.
- 1003 陈雅婷: the 30-min late in January and June only, her attitude complaint only in
  June and a second one there: June 7.5, January 9.5, else 10, average 9.75 → B
  (not A: June 7.5 < 8).
- 1004 王俊杰: 旷工 and a major mistake every month → no grade.
- 1005 赵琳: 6 leave days a month (72 in the year): 5.5 → no grade.
- 1006 孙雪: 10 every month (leaves the company on 20 December) → A.
- 1007 吴峰: lates in 5 months, 年假 in 4, her 5 attitude complaints in 3 months: average
  7.29 → C.
- 1008 郑萌: a late and unfinished work every month: 8.5 (joined 13 January) → B.

The roster of every month carries the same 入职日期/离职日期 (1006 leaves on 20
December, 1008 joined on 13 January of the year). samplegen has 1006 leave on the 20th
and 1008 join on the 13th of every month it writes, so each simply has no attendance rows
on the other days. With `--ledger`, the months are closed in order into that ledger
(closing time: 09:00 on the 1st of the next month), so `csops grade --year 2025 --ledger
…` works at once. The sample year is 2025, a year past on any machine that runs it: no
month of it lies ahead of the clock. The same arguments give the same exports.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from tools import samplegen
from tools.samplegen import LEAVE, WORK, Incident

STAFF = 8  # the base staff 1001..1008 of samplegen

# 1-based months in which a default scenario is kept (all other months: taken out).
KEEP = {
    "1003_late": {1, 6},
    "1003_attitude": {6},  # plus one more attitude complaint in those months
    "1007_late": {2, 5, 8, 10, 12},
    "1007_annual_leave": {3, 7, 10, 11},
    "1007_attitude": {4, 8, 10},
}
# 1006 leaves on 20 December, 1008 joined on 13 January of the sample year.
LEFT_1006 = (12, 20)
HIRED_1008 = (1, 13)


class SampleDrift(RuntimeError):
    """samplegen no longer builds the plan the way this module rebuilds it."""


def month_seed(seed: int, month: int) -> int:
    return seed * 100 + month


def _plan(tag: str, seed: int) -> samplegen.Plan:
    """The plan `samplegen.generate` built for the month (same seeds, same order)."""
    month = samplegen.Month.parse(tag)

    def rng(part: int) -> np.random.Generator:
        return np.random.default_rng([seed, part])

    people = samplegen.build_staff(month, STAFF, rng(1))
    return samplegen.build_plan(month, people, rng(2))


def _same_as_generated(plan: samplegen.Plan, path: Path) -> None:
    """The rebuilt plan must write the attendance file byte for byte as generated."""
    with tempfile.TemporaryDirectory() as tmp:
        again = Path(tmp) / path.name
        samplegen.write_attendance(again, plan)
        if again.read_bytes() != path.read_bytes():
            raise SampleDrift(
                f"{path}: rebuilding samplegen's plan gives another attendance file; "
                "tools.samplegen changed how it builds a month — update samplegen_year"
            )


def apply_story(plan: samplegen.Plan) -> None:
    """Keep or take out the default scenarios of 1003 and 1007 for this month."""
    number = plan.month.month
    s1003, s1007 = 2, 6
    if number not in KEEP["1003_late"]:
        plan.late[s1003, :] = 0
    if number not in KEEP["1007_late"]:
        plan.late[s1007, :] = 0
    kept = []
    for leave in plan.leaves:
        if (
            leave.staff == s1007
            and leave.kind == "年假"
            and number not in KEEP["1007_annual_leave"]
        ):
            block = slice(leave.day, leave.day + leave.ndays)
            plan.sched[s1007, block][plan.sched[s1007, block] == LEAVE] = WORK
            continue
        kept.append(leave)
    plan.leaves[:] = kept
    incidents = []
    for incident in plan.incidents:
        if incident.kind == "态度投诉":
            if incident.staff == s1003 and number not in KEEP["1003_attitude"]:
                continue
            if incident.staff == s1007 and number not in KEEP["1007_attitude"]:
                continue
        incidents.append(incident)
    if number in KEEP["1003_attitude"]:
        work = plan.work_days(s1003)
        day = work[int(np.argmin(np.abs(np.array(work) - 21)))]
        incidents.append(Incident(day, s1003, "态度投诉", "买家反映解释不清，反复询问"))
    plan.incidents[:] = incidents


def roster_plan(plan: samplegen.Plan) -> samplegen.Plan:
    """The plan with the year's 入职/离职 dates, for the roster only."""
    staff = list(plan.staff)
    year = plan.month.year
    staff[5] = dataclasses.replace(staff[5], left=date(year, *LEFT_1006))
    staff[7] = dataclasses.replace(staff[7], hired=date(year, *HIRED_1008))
    return dataclasses.replace(plan, staff=staff)


def write_month(out: Path, tag: str, seed: int, orders: int, messages: int) -> dict[str, Path]:
    """Generate one month with samplegen, then rewrite it with the year's story."""
    paths = samplegen.generate(out, tag, seed, orders, messages, STAFF)
    plan = _plan(tag, seed)
    _same_as_generated(plan, paths["attendance"])
    apply_story(plan)
    samplegen.write_attendance(paths["attendance"], plan)
    samplegen.write_leaves(paths["leave"], plan, np.random.default_rng([seed, 8]))
    samplegen.write_incidents(paths["incidents"], plan)
    samplegen.write_roster(paths["roster"], roster_plan(plan))
    return paths


def close_months(folders: Sequence[tuple[str, Path]], ledger: Path) -> None:
    """Close each month in order into `ledger` (skipping months closed already)."""
    from csops.ingest.discover import Inputs
    from csops.jobs.closing import close_month
    from csops.jobs.ledger import Ledger
    from csops.rules import load_rules

    rules = load_rules()
    closed = {c.month for c in Ledger(ledger).closed_months()}
    for tag, folder in folders:
        if tag in closed:
            continue
        year, number = int(tag[:4]), int(tag[5:7])
        now = datetime(year + number // 12, number % 12 + 1, 1, 9, 0)
        inputs = Inputs.scan(rules, folder)
        inputs.now = pd.Timestamp(now)  # the run's clock: December may lie ahead of today
        close_month(inputs, rules, tag, ledger, now=now)


def generate_year(
    out: Path,
    year: int = 2025,
    seed: int = 7,
    orders: int = 300,
    messages: int = 2000,
    ledger: Path | None = None,
) -> list[Path]:
    """Write the twelve months into `out/YYYY-MM`; close them into `ledger` if given."""
    folders = []
    for number in range(1, 13):
        tag = f"{year:04d}-{number:02d}"
        folder = out / tag
        write_month(folder, tag, month_seed(seed, number), orders, messages)
        folders.append((tag, folder))
    if ledger is not None:
        close_months(folders, ledger)
    return [f for _, f in folders]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.samplegen_year",
        description="Write twelve small fictional months whose grades show A, B, C and none; "
        "optionally close them into a ledger.",
    )
    parser.add_argument("--year", type=int, default=2025, help="the year (default 2025)")
    parser.add_argument("--out", type=Path, required=True, help="folder for YYYY-MM folders")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--orders", type=int, default=300, help="orders a month (default 300)")
    parser.add_argument(
        "--messages", type=int, default=2000, help="chat messages a month (default 2000)"
    )
    parser.add_argument("--ledger", type=Path, help="close the months into this ledger")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        folders = generate_year(
            args.out, args.year, args.seed, args.orders, args.messages, args.ledger
        )
    except ValueError as exc:
        parser.error(str(exc))
    size = sum(p.stat().st_size for f in folders for p in f.iterdir())
    print(f"{len(folders)} months in {args.out} ({size / 1e6:.1f} MB)")
    if args.ledger is not None:
        print(f"closed into {args.ledger}")
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
