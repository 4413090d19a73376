"""`csops monthly` speed and memory on a big generated month, against just parsing it.

    python benchmarks/bench_monthly.py [--data DIR] [--orders 1000000] [--messages 10000000]
                                       [--staff 200] [--out DIR]

Uses the month in --data (default bench-data/big), generating it first with
`csops.samplegen` when the folder is missing (1M orders as a GB18030 Taobao export, 10M
chat messages, 200 staff). Then, in the same process:

1. parse: `Inputs.scan(...).load(KINDS)` — reading every export the run reads;
2. monthly: the whole run as `csops monthly` does it (`monthly_report`: a fresh scan and
   load, every section, the workbook, the JSON and the CSV files of the big detail
   sheets, those in threads while the later sections compute), each step timed, with
   the peak RSS of this step alone (VmHWM reset before it).

The goal (issue 9): monthly within 2× of parse. On a shared 2-core machine both figures
move with the load of the other processes; the ratio is the figure to compare.
"""

from __future__ import annotations

import argparse
import functools
import gc
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_chats import reset_peak, vm_hwm_gib  # run from benchmarks/: same folder

from csops.ingest.discover import Inputs
from csops.monthly import (
    KINDS,
    SECTIONS,
    MonthContext,
    Section,
    monthly_report,
)
from csops.period import Month
from csops.rules import load_rules

MONTH = Month(2026, 10)


def timed(
    build: Callable[[MonthContext], Section], spans: dict[str, tuple[float, float]]
) -> Callable[[MonthContext], Section]:
    @functools.wraps(build)  # keeps the `independent` mark: the chats run in a thread
    def run(ctx: MonthContext) -> Section:
        start = time.perf_counter()
        section = build(ctx)
        spans[section.key] = (start, time.perf_counter())
        return section

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("bench-data/big"))
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=10_000_000)
    parser.add_argument("--staff", type=int, default=200)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    if not args.data.is_dir():
        from csops.samplegen import generate

        print(f"generating {args.data} …", flush=True)
        generate(
            args.data,
            month=str(MONTH),
            orders=args.orders,
            messages=args.messages,
            staff=args.staff,
        )
    size = sum(p.stat().st_size for p in args.data.iterdir() if p.is_file())
    rules = load_rules(Path("rules") if Path("rules").is_dir() else None)

    gc.collect()
    start = time.perf_counter()
    inputs = Inputs.scan(rules, args.data).load(list(KINDS))
    parse_s = time.perf_counter() - start
    rows = {kind: len(inputs.frame(kind)) for kind in KINDS}
    del inputs
    gc.collect()
    parse_gib = vm_hwm_gib()

    reset_peak()
    out = args.out or Path(tempfile.mkdtemp(prefix="csops-monthly-"))
    spans: dict[str, tuple[float, float]] = {}
    start = time.perf_counter()
    run, paths = monthly_report(
        rules,
        args.data,
        MONTH,
        "zh",
        out,
        ledger=out / "no-ledger.sqlite",
        sections=[timed(build, spans) for build in SECTIONS],
    )
    end = time.perf_counter()
    total_s = end - start
    first = min(s for s, _ in spans.values())  # the exports are loaded by then
    last = max(e for _, e in spans.values())
    load_s = first - start
    write_s = end - last
    monthly_gib = vm_hwm_gib()

    print(
        f"data: {args.data} ({size / 1e9:.2f} GB): "
        + ", ".join(f"{k} {n:,}" for k, n in rows.items())
    )
    print(f"parse (Inputs.load):   {parse_s:7.1f} s   peak RSS {parse_gib:.1f} GiB")
    print(f"monthly (whole run):   {total_s:7.1f} s   peak RSS {monthly_gib:.1f} GiB")
    print(f"  scan + load          {load_s:7.1f} s")
    print(f"  sections             {last - first:7.1f} s   (chats in a thread beside the others)")
    for key, (s, e) in spans.items():
        print(f"    {key:<18} {e - s:7.1f} s   from {s - first:4.1f} s")
    print(f"  write files          {write_s:7.1f} s   (CSV files started during the sections)")
    for path in paths:
        print(f"    {path.name:<32} {path.stat().st_size / 1e6:9.1f} MB")
    print(f"ratio monthly / parse: {total_s / parse_s:.2f}× (goal ≤ 2×)")


if __name__ == "__main__":
    main()
