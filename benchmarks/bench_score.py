"""Scoring speed: a month of attendance, leave and incidents → every staff member's score.

    python benchmarks/bench_score.py [--staff 500] [--incidents 10000] [--repeat 5]

Generates the cleaned frames in memory with numpy (no files: reading is benchmarked by
bench_read.py), as the readers give them: one DingTalk row per staff member per day
(白班 / 晚班 with or without times, 休息 four days a month), punches with some lates
(a few over 30 minutes), early leaves, missed punches and days without a punch; leave
approvals (approved, rejected, revoked; one to three days); incidents of every kind.
Times `score_frames` (issue 3: 500 staff × 31 days + 10k incidents well under a second)
and, separately, building the JSON document with every evidence row.
"""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

import numpy as np
import pandas as pd

from csops.domain.period import Month
from csops.domain.roster import Roster
from csops.domain.scoring import score_frames
from csops.report.evidence import phrases
from csops.rules import load_rules
from csops.rules.scoring import ScoringRules
from csops.rules.vocab import IncidentKinds, ValueWords
from csops.report.documents import score_document

MONTH = Month(2026, 10)
MINUTE = np.timedelta64(60, "s")


def make_roster(staff: int) -> Roster:
    frame = pd.DataFrame(
        {
            "staff_id": pd.Series([str(1001 + i) for i in range(staff)], dtype="str"),
            "name": pd.Series([f"客服{i:03d}号" for i in range(staff)], dtype="str"),
            "role": pd.Series(np.where(np.arange(staff) % 3, "售前", "售后"), dtype="str"),
            "hired_on": pd.Series(pd.NaT, index=range(staff), dtype="datetime64[us]"),
            "left_on": pd.Series(pd.NaT, index=range(staff), dtype="datetime64[us]"),
            "_file": "客服名单.xlsx",
            "_row": np.arange(2, staff + 2),
        }
    )
    return Roster.from_frame(frame)


def make_attendance(staff: int, rng: np.random.Generator) -> pd.DataFrame:
    days = MONTH.days
    n = staff * len(days)
    person = np.repeat(np.arange(staff), len(days))
    day = np.tile(days.to_numpy(), staff)
    evening = person % 4 == 0
    shift_texts = np.array(
        ["白班 08:00-17:00", "白班", "晚班 17:00-23:00", "晚班", "休息"], dtype=object
    )
    named = rng.random(n) < 0.3
    shift_code = np.where(evening, 2, 0) + named
    rest = rng.random(n) < 4 / 31
    shift_code = np.where(rest, 4, shift_code)
    start = np.where(evening, 17 * 60, 8 * 60)
    end = np.where(evening, 23 * 60, 17 * 60)
    late = np.where(rng.random(n) < 0.05, rng.integers(1, 60, n), -rng.integers(0, 10, n))
    early = np.where(rng.random(n) < 0.02, rng.integers(1, 60, n), -rng.integers(0, 30, n))
    clock_in = day + (start + late) * MINUTE
    clock_out = day + (end - early) * MINUTE
    missing = rng.random(n)
    no_in = (missing < 0.01) | ((missing > 0.5) & (missing < 0.505))
    no_out = (missing >= 0.01) & (missing < 0.02) | ((missing > 0.5) & (missing < 0.505))
    clock_in = np.where(no_in | rest, np.datetime64("NaT"), clock_in)
    clock_out = np.where(no_out | rest, np.datetime64("NaT"), clock_out)
    return pd.DataFrame(
        {
            "staff_id": pd.Series([str(1001 + p) for p in person], dtype="str"),
            "name": pd.Series([f"客服{p:03d}号" for p in person], dtype="str"),
            "date": pd.Series(day).astype("datetime64[s]"),
            "shift": pd.Series(shift_texts[shift_code], dtype="str"),
            "clock_in": pd.Series(clock_in).astype("datetime64[us]"),
            "clock_out": pd.Series(clock_out).astype("datetime64[us]"),
            "_file": pd.Series(["每日统计_2026-10.xlsx"] * n, dtype="category"),
            "_row": np.arange(4, n + 4),
        }
    )


def make_leave(staff: int, rng: np.random.Generator) -> pd.DataFrame:
    n = staff * 2
    person = rng.integers(0, staff, n)
    first = MONTH.start + pd.to_timedelta(rng.integers(0, 29, n), "D")
    length = rng.integers(1, 4, n)
    start = first + pd.Timedelta(hours=8)
    end = first + pd.to_timedelta(length - 1, "D") + pd.Timedelta(hours=17)
    status = rng.choice(["已完成", "已撤销", "审批中"], n, p=[0.9, 0.07, 0.03])
    result = np.where(status == "已完成", rng.choice(["同意", "拒绝"], n, p=[0.95, 0.05]), None)
    return pd.DataFrame(
        {
            "staff_id": pd.Series([str(1001 + p) for p in person], dtype="str"),
            "kind": pd.Series(rng.choice(["事假", "病假", "调休", "年假"], n), dtype="str"),
            "start": pd.Series(start).astype("datetime64[us]"),
            "end": pd.Series(end).astype("datetime64[us]"),
            "approved": pd.Series(result, dtype="str"),
            "approval_status": pd.Series(status, dtype="str"),
            "_file": "审批_请假_2026-10.xlsx",
            "_row": np.arange(2, n + 2),
        }
    )


def make_incidents(n: int, staff: int, rng: np.random.Generator) -> pd.DataFrame:
    kinds = np.array(
        ["千牛离线", "响应投诉", "态度投诉", "未完成工作", "嘉奖", "重大失误"], dtype=object
    )
    kind = rng.choice(len(kinds), n, p=[0.25, 0.3, 0.25, 0.12, 0.06, 0.02])
    points = np.where(kind == 3, rng.choice([0.5, 1.0], n), np.nan)
    amount = np.where(kind == 4, rng.choice([10000, 20000, 50000], n), -1)
    return pd.DataFrame(
        {
            "date": pd.Series(MONTH.start + pd.to_timedelta(rng.integers(0, 31, n), "D")).astype(
                "datetime64[us]"
            ),
            "staff_id": pd.Series([str(1001 + p) for p in rng.integers(0, staff, n)], dtype="str"),
            "kind": pd.Series(kinds[kind], dtype="str"),
            "points": pd.Series(points, dtype="Float64"),
            "amount_fen": pd.Series(amount, dtype="Int64").mask(amount < 0),
            "note": pd.Series(["买家反馈"] * n, dtype="str"),
            "_file": "奖惩登记.xlsx",
            "_row": np.arange(2, n + 2),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=500)
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(3)
    rules = load_rules(Path(__file__).resolve().parent.parent / "rules")
    roster = make_roster(args.staff)
    attendance = make_attendance(args.staff, rng)
    leave = make_leave(args.staff, rng)
    incidents = make_incidents(args.incidents, args.staff, rng)
    print(
        f"{args.staff} staff, {len(attendance):,} attendance rows, {len(leave):,} leave rows, "
        f"{len(incidents):,} incidents"
    )

    def run() -> object:
        return score_frames(
            roster,
            attendance,
            leave,
            incidents,
            rules.get(ScoringRules),
            rules.get(IncidentKinds),
            rules.get(ValueWords),
            MONTH,
            text=phrases("zh"),
        )

    run()  # warm-up (imports, pandas caches)
    times = []
    for _ in range(args.repeat):
        gc.collect()
        t0 = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t0)
    best = min(times)
    rows = len(attendance) + len(leave) + len(incidents)
    print(
        f"score_frames: best {best:.3f} s, median {sorted(times)[len(times) // 2]:.3f} s "
        f"({rows / best:,.0f} input rows/s); {len(result.evidence):,} evidence rows"  # type: ignore[attr-defined]
    )
    t0 = time.perf_counter()
    doc = score_document(result)  # type: ignore[arg-type]
    print(f"score_document: {time.perf_counter() - t0:.3f} s ({len(doc['staff'])} staff)")
    levels = pd.Series(result.levels()).value_counts().to_dict()  # type: ignore[attr-defined]
    print(f"levels: {levels}")


if __name__ == "__main__":
    main()
