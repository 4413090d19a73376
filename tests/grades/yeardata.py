"""Hand-built years of closed months (the rows the ledger's `score` section returns)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from csops.domain.grades import YearRecords

COUNT_KEYS = (
    "scheduled_days",
    "worked_days",
    "late_days",
    "early_leave_days",
    "missed_punch_days",
    "unauthorized_absence_days",
    "leave_days",
    "absences",
    "major_mistakes",
)


def month_key(number: int, year: int = 2026) -> str:
    return f"{year:04d}-{number:02d}"


def staff_rows(
    staff_id: str,
    scores: float | Sequence[float] = 10.0,
    *,
    months: Iterable[int] = range(1, 13),
    name: str | None = None,
    **counts: Mapping[int, int] | int,
) -> list[dict[str, Any]]:
    """One score row per month. `scores`: one for every month, or one per month in order.
    `counts`: a measure → {month number: count}, or an int put in the first month."""
    numbers = list(months)
    per_month = [scores] * len(numbers) if isinstance(scores, int | float) else list(scores)
    assert len(per_month) == len(numbers)
    rows = []
    for number, score in zip(numbers, per_month, strict=True):
        tallies: dict[str, Any] = dict.fromkeys(COUNT_KEYS, 0) | {"award_yuan": "0.00"}
        for key, value in counts.items():
            if isinstance(value, int):
                tallies[key] = value if number == numbers[0] else 0
            else:
                tallies[key] = value.get(number, 0)
        rows.append(
            {
                "month": month_key(number),
                "staff_id": staff_id,
                "name": name or f"客服{staff_id}",
                "score": float(score),
                "level": "ok",
                "counts": tallies,
            }
        )
    return rows


def year_of(
    *rows: list[dict[str, Any]],
    closed: Iterable[int] = range(1, 13),
    commission: Sequence[dict[str, Any]] = (),
    year: int = 2026,
) -> YearRecords:
    return YearRecords(
        year=year,
        closed=[month_key(n, year) for n in closed],
        scores=[r for group in rows for r in group],
        commission=list(commission),
        rule_sets={},
    )
