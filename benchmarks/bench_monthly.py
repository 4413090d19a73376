"""`csops monthly` speed and memory on a big generated month, against just parsing it.

    python benchmarks/bench_monthly.py [--data DIR] [--orders 1000000] [--messages 10000000]
                                       [--staff 200] [--out DIR] [--repeat 2]

Uses the month in --data (default bench-data/big), generating it first with
`tools.samplegen` when the folder is missing (1M orders as a GB18030 Taobao export, 10M
chat messages, 200 staff). Then, in the same process:

1. parse: `Inputs.scan(...).load(KINDS)` — reading every export the run reads;
2. monthly: the whole run as `csops monthly` does it (`monthly_report`: a fresh scan and
   load, every section, the workbook, the JSON and the CSV files of the big detail
   sheets, those in threads while the later sections compute), each step timed, with
   the peak RSS of this step alone (VmHWM reset before it), into a fresh folder.

Each is run `--repeat` times (default 2) and the best time of each is reported: one cold
parse moved between 4.7 and 6.5 s on the same machine within minutes, which moved the
ratio more than most changes did. The goal (issue 9): monthly within 2× of parse.
"""

from __future__ import annotations

import argparse
import functools
import gc
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_chats import reset_peak, vm_hwm_gib  # run from benchmarks/: same folder

# The sample generator lives in tools/ at the repository's root, outside the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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
    parser.add_argument("--repeat", type=int, default=2, help="best of this many of each")
    args = parser.parse_args()

    if not args.data.is_dir():
        from tools.samplegen import generate

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

    parses = []
    for _ in range(args.repeat):
        gc.collect()
        start = time.perf_counter()
        inputs = Inputs.scan(rules, args.data).load(list(KINDS))
        parses.append(time.perf_counter() - start)
        rows = {kind: len(inputs.frame(kind)) for kind in KINDS}
        del inputs
        gc.collect()
    parse_gib = vm_hwm_gib()

    out_root = args.out or Path(tempfile.mkdtemp(prefix="csops-monthly-"))
    runs = []
    for i in range(args.repeat):
        gc.collect()
        reset_peak()
        # A folder of its own: a first run of a month, as cron makes it (replacing last
        # run's 650 MB CSV costs the file system most of a second).
        out = out_root / f"run{i + 1}"
        shutil.rmtree(out, ignore_errors=True)
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
        runs.append((end - start, start, end, spans, paths, vm_hwm_gib()))
        del run  # its frames would count in the next run's peak

    parse_s = min(parses)
    total_s, start, end, spans, paths, monthly_gib = min(runs, key=lambda r: r[0])
    first = min(s for s, _ in spans.values())  # the exports are loaded by then
    last = max(e for _, e in spans.values())

    print(
        f"data: {args.data} ({size / 1e9:.2f} GB): "
        + ", ".join(f"{k} {n:,}" for k, n in rows.items())
    )
    print(
        f"parse (Inputs.load):   {parse_s:7.1f} s   best of {_runs(parses)}; "
        f"peak RSS {parse_gib:.1f} GiB"
    )
    print(
        f"monthly (whole run):   {total_s:7.1f} s   best of {_runs([r[0] for r in runs])}; "
        f"peak RSS {monthly_gib:.1f} GiB"
    )
    print(f"  scan + load          {first - start:7.1f} s")
    print(
        f"  sections             {last - first:7.1f} s   (chats, overdue: threads beside the rest)"
    )
    for key, (s, e) in sorted(spans.items(), key=lambda kv: kv[1][0]):
        print(f"    {key:<18} {e - s:7.1f} s   from {s - first:4.1f} s")
    print(f"  write files          {end - last:7.1f} s   (sheets, CSV files begun during sections)")
    for path in paths:
        print(f"    {path.name:<32} {path.stat().st_size / 1e6:9.1f} MB")
    print(f"ratio monthly / parse: {total_s / parse_s:.2f}× (goal ≤ 2×)")


def _runs(seconds: list[float]) -> str:
    return ", ".join(f"{s:.1f}" for s in seconds)


if __name__ == "__main__":
    main()
