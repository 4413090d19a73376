"""Reading speed: csops's readers against a bare pyarrow.csv.read_csv of the same data.

    python benchmarks/bench_read.py [--orders 1000000] [--messages 10000000] [--data DIR]

Generates (once, into bench-data/read unless --data is given) a big month with
`tools.samplegen`: orders as GB18030 with `="…"` IDs, the chat log as UTF-8. Then, in
the same run:
- csops: classify, read the mapped columns, decode, clean (IDs, money, dates) — the
  whole `Inputs.load`;
- bare: `pyarrow.csv.read_csv` of the same file transcoded to UTF-8 (transcoding not
  timed), which parses every column and infers types but cleans nothing. It needs
  `newlines_in_values=True`, as csops does: buyer messages and memos hold line breaks
  inside quoted cells, and with the default options pyarrow refuses the file.
The goal (issue 2): csops within 1.5× of bare.
"""

from __future__ import annotations

import argparse
import codecs
import gc
import sys
import time
from pathlib import Path

import pyarrow.csv as pacsv

# The sample generator lives in tools/ at the repository's root, outside the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from csops.ingest.discover import Inputs
from csops.rules import load_rules


def best_of(runs: int, func: object) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        func()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def transcode(src: Path, dst: Path, encoding: str) -> None:
    if dst.exists() and dst.stat().st_mtime > src.stat().st_mtime:
        return
    decoder = codecs.getincrementaldecoder(encoding)()
    with src.open("rb") as fin, dst.open("w", encoding="utf-8") as fout:
        for block in iter(lambda: fin.read(16 << 20), b""):
            fout.write(decoder.decode(block))
        fout.write(decoder.decode(b"", final=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=10_000_000)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()

    data = args.data or Path("bench-data") / f"read-{args.orders}-{args.messages}"
    if not data.exists():
        from tools.samplegen import generate

        start = time.perf_counter()
        generate(data, orders=args.orders, messages=args.messages, staff=200)
        print(f"generated {data} in {time.perf_counter() - start:.1f} s")

    rules = load_rules()
    inputs = Inputs.scan(rules, data)
    by_kind = {r.kind: r for r in inputs.files}
    print(
        f"{'file':<34} {'rows':>11} {'MB':>7} {'csops s':>8} {'bare s':>8} {'ratio':>6} "
        f"{'csops rows/s':>13}"
    )
    verdicts = []
    for kind in ("orders", "chats"):
        report = by_kind[kind]
        assert report.source is not None
        path = report.source.path
        encoding = report.source.encoding or "utf-8"
        utf8 = path.with_suffix(".utf8.csv.bench")
        transcode(path, utf8, encoding)

        def ours(kind: str = kind) -> None:
            Inputs.scan(rules, data).load([kind])

        def bare(utf8: Path = utf8) -> None:
            pacsv.read_csv(utf8, parse_options=pacsv.ParseOptions(newlines_in_values=True))

        t_ours = best_of(args.runs, ours)
        t_bare = best_of(args.runs, bare)
        rows = len(Inputs.scan(rules, data).load([kind]).frame(kind))
        ratio = t_ours / t_bare
        verdicts.append(ratio <= 1.5)
        print(
            f"{path.name:<34} {rows:>11,} {path.stat().st_size / 1e6:>7.0f} {t_ours:>8.2f} "
            f"{t_bare:>8.2f} {ratio:>6.2f} {rows / t_ours:>13,.0f}  ({encoding})"
        )
    print("goal csops ≤ 1.5 × bare:", "met" if all(verdicts) else "NOT met")


if __name__ == "__main__":
    main()
