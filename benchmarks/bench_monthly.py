"""`csops monthly` against a bare parse floor, on a big month and a typical shop's month.

    python benchmarks/bench_monthly.py [--big DIR] [--typical DIR] [--repeat 3] [--skip-big]

Months are generated with `tools.samplegen` when their folder is missing: big (1M orders
as a GB18030 Taobao export, 10M chat messages, 200 staff) in bench-data/big, typical (30k
orders, 300k messages, 20 staff) in bench-data/typical. Measured, in this one process:

1. the **floor**: pyarrow reading every CSV (the GB18030 one transcoded by pyarrow's
   reader) and calamine reading every sheet of every workbook, nothing else;
2. the **default monthly run** (`monthly_report`, `--detail rules`): the scan, the read and
   checks, every figure, the sections, the workbook, the JSON and the detail CSV files, into
   a fresh folder; with the peak RSS of this step alone (VmHWM reset before it);
3. the same with `--detail all` (every wait of the month as CSV), for what it costs.

For the typical month the whole process is timed as cron starts it (`python -m csops
monthly …`), and an interpreter that only imports csops's command line, for the start-up.
Each figure is the best of `--repeat` runs: the VM's timings wander by 20–40 %.
"""

from __future__ import annotations

import argparse
import csv
import gc
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
from bench_chats import reset_peak, vm_hwm_gib  # run from benchmarks/: same folder
from python_calamine import CalamineWorkbook

# The sample generator lives in tools/ at the repository's root, outside the package.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from csops.domain.period import Month  # noqa: E402
from csops.jobs.monthly import monthly_report  # noqa: E402
from csops.rules import load_rules  # noqa: E402

MONTH = Month(2026, 10)


def ensure(folder: Path, orders: int, messages: int, staff: int) -> Path:
    if not folder.is_dir():
        from tools.samplegen import generate

        print(f"generating {folder} …", flush=True)
        generate(folder, month=str(MONTH), orders=orders, messages=messages, staff=staff)
    return folder


def _encoding(path: Path) -> str:
    head = path.read_bytes()[: 1 << 16]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the sample's end
            return "gb18030"
    return "utf8"


def floor(folder: Path) -> None:
    """Every export parsed once, nothing else: the least any run must do. A CSV is
    transcoded to UTF-8 when it is GB18030 (one `decode`), then parsed by pyarrow as it
    is: every column as bytes (no type guessing), line feeds inside quoted memos allowed,
    4 MB blocks; every sheet of every workbook by calamine."""
    for path in sorted(folder.iterdir()):
        if path.suffix == ".csv":
            raw = path.read_bytes()
            if _encoding(path) != "utf8":
                raw = raw.decode("gb18030").encode("utf-8")
            first = raw[: raw.index(b"\n")].decode("utf-8-sig")
            names = [f"c{i}" for i in range(len(next(csv.reader([first]))))]
            pacsv.read_csv(
                pa.BufferReader(raw),
                read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=4 << 20),
                parse_options=pacsv.ParseOptions(newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.binary())
                ),
            )
        elif path.suffix == ".xlsx":
            book = CalamineWorkbook.from_path(str(path))
            for name in book.sheet_names:
                book.get_sheet_by_name(name).to_python()


def best(func: Callable[[], object], repeat: int) -> tuple[float, float]:
    """The best time of `repeat` calls, and the highest peak RSS (GiB) of one call."""
    times, peaks = [], []
    for _ in range(repeat):
        gc.collect()
        reset_peak()
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
        peaks.append(vm_hwm_gib())
    return min(times), max(peaks)


def monthly(folder: Path, out: Path, detail: str) -> list[Path]:
    rules = load_rules(ROOT / "rules")
    shutil.rmtree(out, ignore_errors=True)  # a first run of the month, as cron makes it
    _, paths = monthly_report(
        rules,
        folder,
        MONTH,
        "zh",
        out,
        ledger=out / "no-ledger.sqlite",
        detail=detail,  # type: ignore[arg-type]
    )
    return paths


def measure(label: str, folder: Path, repeat: int, out_root: Path) -> None:
    size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    print(f"\n{label}: {folder} ({size / 1e6:,.0f} MB)")
    floor_s, floor_gib = best(lambda: floor(folder), repeat)
    print(f"  floor (pyarrow + calamine)   {floor_s:6.2f} s   peak RSS {floor_gib:4.1f} GiB")
    for detail in ("rules", "all"):
        out = out_root / f"{folder.name}-{detail}"
        run_s, run_gib = best(lambda out=out, detail=detail: monthly(folder, out, detail), repeat)
        files = sorted(p for p in out.iterdir() if p.is_file() and not p.name.startswith("."))
        written = sum(p.stat().st_size for p in files) / 1e6
        print(
            f"  monthly --detail {detail:<5}       {run_s:6.2f} s   peak RSS {run_gib:4.1f} GiB"
            f"   {run_s / floor_s:4.2f}× floor   writes {written:,.1f} MB"
        )
        for path in files:
            print(f"      {path.name:<40} {path.stat().st_size / 1e6:9.1f} MB")


def process(folder: Path, out: Path, repeat: int) -> None:
    """The typical month as cron runs it: a fresh interpreter each time."""
    command = [sys.executable, "-m", "csops", "monthly", "--month", str(MONTH), "--data",
               str(folder.resolve()), "--out", str(out), "--rules", str(ROOT / "rules"), "--quiet",
               "--ledger", str(out / "no-ledger.sqlite")]  # fmt: skip
    startup = [sys.executable, "-c", "import csops.cli.app"]
    for name, cmd in (("start-up (import csops.cli.app)", startup), ("csops monthly", command)):
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run(cmd, check=True, cwd=ROOT)
            times.append(time.perf_counter() - start)
        print(f"  whole process: {name:<32} {min(times):6.2f} s   best of {len(times)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=Path, default=Path("bench-data/big"))
    parser.add_argument("--typical", type=Path, default=Path("bench-data/typical"))
    parser.add_argument("--repeat", type=int, default=3, help="best of this many of each")
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--skip-typical", action="store_true")
    args = parser.parse_args()
    out_root = Path(tempfile.mkdtemp(prefix="csops-monthly-"))
    if not args.skip_typical:
        typical = ensure(args.typical, orders=30_000, messages=300_000, staff=20)
        label = "typical month (30k orders, 300k messages, 20 staff)"
        measure(label, typical, args.repeat, out_root)
        process(typical, out_root / "process", args.repeat)
    if not args.skip_big:
        big = ensure(args.big, orders=1_000_000, messages=10_000_000, staff=200)
        measure("big month (1M orders, 10M messages, 200 staff)", big, args.repeat, out_root)
    shutil.rmtree(out_root, ignore_errors=True)


if __name__ == "__main__":
    main()
