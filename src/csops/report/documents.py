"""The JSON documents of the results: what `--format json` prints and `monthly` writes.

One function per result; the domain returns frames and Decimals, and only this module
decides how a figure is spelled in JSON (money as a 2-decimal string, rates normalised,
dates as YYYY-MM-DD). The documents are the contract docs/*.md describe.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from csops.domain.chat_figures import FIGURES
from csops.domain.chats import ChatKpis
from csops.domain.commission import CommissionResult
from csops.domain.grades import GradeResult, StaffGrade
from csops.domain.kpi import KpiResult, records_by_staff
from csops.domain.money import fen_to_yuan, money_str
from csops.domain.qa import QA_ITEMS
from csops.domain.score_base import TALLY_COLUMNS, count_value, map_unique
from csops.domain.scoring import ScoreResult
from csops.rules.kpi import METRICS

# ---------------------------------------------------------------- the monthly score


def score_document(result: ScoreResult) -> dict[str, Any]:
    """The JSON contract: month, staff[] with score, level and deductions[] with evidence."""
    ev = result.evidence
    yuan_text = map_unique(ev["yuan_fen"], lambda fen: money_str(fen_to_yuan(fen)))
    items: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for key, file, row, day, event, detail, points, yuan, free in zip(
        zip(ev["staff_id"].tolist(), ev["rule"].tolist(), strict=True),
        ev["file"].astype(str).tolist(),
        ev["row"].tolist(),
        ev["date"].dt.strftime("%Y-%m-%d").tolist(),
        ev["event"].tolist(),
        ev["detail"].tolist(),
        ev["points"].astype("float64").tolist(),
        yuan_text.tolist(),
        ev["free"].tolist(),
        strict=True,
    ):
        items[key].append(
            {
                "file": file,
                "row": int(row),
                "date": day,
                "event": event,
                "detail": detail,
                "points": points,
                "yuan": yuan,
                "free": bool(free),
            }
        )
    totals = (
        ev.groupby(["staff_id", "rule"], sort=False)
        .agg(
            count=("charged_days", "sum"),
            free=("free", "sum"),
            points=("points", "sum"),
            yuan_fen=("yuan_fen", "sum"),
        )
        .to_dict("index")
    )
    staff_docs = []
    for row in result.staff.to_dict("records"):
        deductions = []
        for rule in result.rules.rules:
            key = (row["staff_id"], rule.id)
            if key not in items:
                continue
            total = totals[key]
            deductions.append(
                {
                    "rule": rule.id,
                    "count": count_value(total["count"]),
                    "free": int(total["free"]),
                    "points": round(float(total["points"]), 4),
                    "yuan": money_str(fen_to_yuan(int(total["yuan_fen"]))),
                    "evidence": items[key],
                }
            )
        staff_docs.append(
            {
                "staff_id": row["staff_id"],
                "name": row["name"],
                "role": row["role"] if isinstance(row["role"], str) else None,
                "score": float(row["score"]),
                "level": row["level"],
                "points": float(row["points"]),
                "penalty_yuan": money_str(row["penalty_yuan"]),
                "counts": {
                    key: (money_str(row[key]) if key == "award_yuan" else count_value(row[key]))
                    for key in TALLY_COLUMNS
                },
                "deductions": deductions,
            }
        )
    return {
        "month": str(result.month),
        "base": result.rules.base,
        "floor": result.rules.floor,
        "rules": [
            {"id": r.id, "label": r.text(result.lang), "events": list(r.events)}
            for r in result.rules.rules
        ],
        "rule_set": result.rule_digest,
        "staff": staff_docs,
        "warnings": list(result.warnings),
    }


# ---------------------------------------------------------------- commission


def rate_str(rate: Decimal) -> str:
    """Decimal('0.0080') → '0.008'; the JSON form of a rate."""
    return f"{rate.normalize():f}"


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts (for the few rows a JSON document lists)."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def _text(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def commission_entry(row: dict[str, Any]) -> dict[str, Any]:
    """A staff member's commission figures (a row of `CommissionResult.staff`) in JSON."""
    return {
        "name": row["name"],
        "orders": int(row["orders"]),
        "sales": money_str(row["sales"]),
        "refunds": money_str(row["refunds"]),
        "net_sales": money_str(row["net_sales"]),
        "rate": rate_str(row["rate"]),
        "commission": money_str(row["commission"]),
        "awards": money_str(row["awards"]),
        "total": money_str(row["total"]),
    }


def commission_document(result: CommissionResult, staff_id: str | None = None) -> dict[str, Any]:
    """The JSON contract of `csops commission`."""
    staff = result.staff
    conflicts = result.conflicts
    if staff_id is not None:
        staff = staff[staff["staff_id"] == staff_id]
        mine = [staff_id in candidates for candidates in conflicts["candidates"]]
        conflicts = conflicts[np.array(mine, dtype=bool)]  # (an empty list: no rows)
    unattributed = result.unattributed
    return {
        "month": str(result.month),
        "staff": [
            {"staff_id": row["staff_id"], **commission_entry(row)} for row in _records(staff)
        ],
        "unattributed": {
            "orders": int(unattributed["order_id"].nunique()),
            "net_sales": money_str(fen_to_yuan(int(unattributed["net_fen"].sum()))),
        },
        # Thousands of rows in a big month: two columns zipped, not every column of
        # every row turned into a dict.
        "conflicts": [
            {"order_id": order_id, "candidates": list(candidates)}
            for order_id, candidates in zip(
                conflicts["order_id"], conflicts["candidates"], strict=True
            )
        ],
        "unknown_ids": [
            {"order_id": order_id, "token": token}
            for order_id, token in zip(
                result.unknown_ids["order_id"], result.unknown_ids["token"], strict=True
            )
        ],
    }


def commission_explain_document(result: CommissionResult, staff_id: str) -> dict[str, Any]:
    """The JSON document of one staff member plus the evidence behind the figure: each
    credited order (or share) and each award, with file and row."""
    document = commission_document(result, staff_id)
    document["orders"] = [
        {
            "order_id": o["order_id"],
            "paid_at": o["paid_at"],
            "paid": money_str(fen_to_yuan(o["paid_fen"])),
            "refund": money_str(fen_to_yuan(o["refund_fen"])),
            "net": money_str(fen_to_yuan(o["net_fen"])),
            "how": o["how"],
            "memo": _text(o["memo"]),
            "chat": None
            if pd.isna(o["chat_file"])
            else {"file": o["chat_file"], "row": int(o["chat_row"]), "time": o["chat_time"]},
            "file": str(o["_file"]),
            "row": int(o["_row"]),
        }
        for o in _records(result.credited_orders(staff_id))
    ]
    document["awards"] = [
        {
            "date": f"{a['date']:%Y-%m-%d}",
            "amount": money_str(fen_to_yuan(a["amount_fen"])),
            "note": _text(a["note"]),
            "file": str(a["_file"]),
            "row": int(a["_row"]),
        }
        for a in _records(result.awards[result.awards["staff_id"] == staff_id])
    ]
    return document


# ---------------------------------------------------------------- the KPI scorecard


def kpi_document(result: KpiResult, *, explain: bool = False) -> dict[str, Any]:
    """The JSON contract of `csops kpi` (docs/kpi.md)."""
    by_staff = records_by_staff(result.metrics)
    staff_docs = []
    for row in result.staff.to_dict("records"):
        sid = row["staff_id"]
        metrics = by_staff.get(sid, [])
        doc: dict[str, Any] = {
            "staff_id": sid,
            "name": row["name"],
            "role": _none(row["role"]),
            "card": _none(row["card"]),
            "metrics": [_metric_doc(m) for m in metrics],
            "total": None if pd.isna(row["total"]) else float(row["total"]),
            "rank": None if pd.isna(row["rank"]) else int(row["rank"]),
            "bonus": None if row["bonus"] is None else money_str(row["bonus"]),
            "bonus_before_withholding": None
            if row["bonus_before_withholding"] is None
            else money_str(row["bonus_before_withholding"]),
            "levels": list(row["levels"]),
            "withheld_by_level": _none(row["withheld_by_level"]),
            "scored": bool(row["scored"]),
            "note": _none(row["note"]),
        }
        if explain:
            mine = result.qa[result.qa["staff_id"] == sid]
            doc["spot_checks"] = [_qa_doc(r) for r in mine.to_dict("records")]
        staff_docs.append(doc)
    return {
        "period": str(result.period),
        "months": [str(m) for m in result.months],
        "staff": staff_docs,
        "notes": list(result.notes),
    }


def _none(value: Any) -> Any:
    return (
        None if value is None or (not isinstance(value, list | str) and pd.isna(value)) else value
    )


def _num(value: Any, places: int) -> float | int | None:
    if value is None or pd.isna(value):
        return None
    number = round(float(value), places)
    return int(number) if number == int(number) and places >= 0 and abs(number) < 2**53 else number


def metric_value_json(metric: str, value: Any) -> Any:
    """Rates to 4 places, seconds to 0.1, money as a 2-decimal string, marks to 0.01."""
    if value is None or pd.isna(value):
        return None
    unit = METRICS[metric].unit
    if unit == "money":
        return money_str(fen_to_yuan(round(float(value) * 100)))
    if unit == "rate":
        return round(float(value), 4)
    if unit == "seconds":
        return round(float(value), 1)
    return round(float(value), 2)


def _metric_doc(m: dict[Any, Any]) -> dict[str, Any]:
    return {
        "metric": m["metric"],
        "value": metric_value_json(m["metric"], m["value"]),
        "points": _num(m["points"], 2),
        "weight": _num(m["weight"], 4),
        "effective_weight": _num(m["effective_weight"], 4),
        "missing": bool(m["missing"]),
        "numerator": _num(m["numerator"], 2),
        "denominator": _num(m["denominator"], 2),
    }


def _qa_doc(r: dict[Any, Any]) -> dict[str, Any]:
    return {
        "file": r["_file"],
        "row": int(r["_row"]),
        "date": r["date"].strftime("%Y-%m-%d"),
        "buyer": _none(r["buyer"]),
        "score": _num(r["score"], 2),
        **{item: _num(r[item], 2) for item in QA_ITEMS},
        "check_score": _num(r["check_score"], 2),
        "resolved": None if pd.isna(r["resolved"]) else bool(r["resolved"]),
        "note": _none(r["note"]),
    }


# ---------------------------------------------------------------- year-end grades


def staff_grade_document(person: StaffGrade) -> dict[str, Any]:
    return {
        "staff_id": person.staff_id,
        "name": person.name,
        "grade": person.grade.id if person.grade is not None else None,
        "amount": money_str(person.amount),
        "months": person.months,
        "reasons": list(person.reasons),
    }


def grades_document(result: GradeResult) -> dict[str, Any]:
    """The JSON contract: {"year", "staff": [{staff_id, name, grade, amount, months,
    reasons}]}; `grade` is null when none applies."""
    return {"year": result.year, "staff": [staff_grade_document(s) for s in result.staff]}


# ---------------------------------------------------------------- what a closed month keeps


def score_documents(result: ScoreResult) -> dict[str, dict[str, Any]]:
    """Each staff member's entry of `csops score --format json` (score, level, counts —
    the tallies grades need — and the deductions with their evidence)."""
    out = {}
    for entry in score_document(result)["staff"]:
        doc = dict(entry)
        out[str(doc.pop("staff_id"))] = doc
    return out


def commission_documents(result: CommissionResult) -> dict[str, dict[str, Any]]:
    """Each staff member's `csops commission` entry, with the tier, level and multiplier
    behind it."""
    return {
        str(row["staff_id"]): commission_entry(row)
        | {
            "tier": int(row["tier"]),
            "level": row["level"] if isinstance(row["level"], str) else None,
            "multiplier": str(row["multiplier"]),
        }
        for row in _records(result.staff)
    }


def _chat_value(value: Any) -> Any:
    if value is None or (not isinstance(value, str | Decimal) and pd.isna(value)):
        return None
    if isinstance(value, Decimal):
        return money_str(value)
    if isinstance(value, float):
        return round(value, 6)
    return int(value) if hasattr(value, "__index__") else value


def chat_documents(kpis: ChatKpis) -> dict[str, dict[str, Any]]:
    """The KPIs and the counts behind them of every roster staff member (accounts on no
    roster row are not staff: they stay in the chat report's notes)."""
    out = {}
    staff = kpis.staff[kpis.staff["staff_id"].notna()]
    for row in staff.to_dict("records"):
        out[str(row["staff_id"])] = {"name": row["name"]} | {
            key: _chat_value(row[key]) for key in FIGURES
        }
    return out
