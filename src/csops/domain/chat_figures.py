"""The per-staff chat figures: the KPI columns, the counts behind them, KPIs from counts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

from csops.domain.money import fen_to_yuan, round_fen
from csops.rules.base import RoundingName

# The per-staff KPIs in report order (also the JSON keys, after staff_id and name).
KPI_COLUMNS = (
    "conversations",
    "buyer_messages",
    "staff_messages",
    "first_response_s",
    "avg_response_s",
    "replies_within_30s",
    "unanswered_10min",
    "reply_rate",
    "answer_ratio",
    "inquiries",
    "paid_buyers",
    "conversion_rate",
    "next_day_conversion_rate",
    "paid_amount",
    "avg_order_value",
    "satisfaction_rate",
)

# Counts summed per chat account; KPIs are derived from them (so totals derive the same way).
_COUNTS = (
    "conversations",
    "asked_conversations",  # with a buyer message
    "replied_conversations",  # with a buyer message and a staff message
    "buyer_messages",
    "staff_messages",
    "waits",
    "answered_waits",
    "response_s_sum",
    "first_waits_answered",
    "first_response_s_sum",
    "replies_within_30s",
    "unanswered_10min",
    "ratings",
    "satisfied_ratings",
)


# Counts kept beside the KPIs in `ChatKpis.staff` (denominators, for the scoring engine).
EXTRA_COUNTS = (
    "waits",
    "answered_waits",
    "asked_conversations",
    "replied_conversations",
    "first_waits_answered",
    "ratings",
    "satisfied_ratings",
    "next_day_paid_buyers",
)
FIGURES = (*KPI_COLUMNS, *EXTRA_COUNTS)
_SALES = (
    "inquiries",
    "paid_buyers",
    "next_day_paid_buyers",
    "conversion_rate",
    "next_day_conversion_rate",
    "paid_amount",
    "avg_order_value",
)


def _ratio(num: float, den: float) -> float | None:
    return float(num) / float(den) if den else None


def _figures(
    c: dict[str, Any], sales: dict[str, np.ndarray] | None, slot: int, rounding: RoundingName
) -> dict[str, Any]:
    """Every figure of one staff row (or of the shop: the last sales slot) from its counts."""
    out: dict[str, Any] = {k: int(round(float(c[k]))) for k in _COUNTS if not k.endswith("_sum")}
    out |= {
        "first_response_s": _ratio(c["first_response_s_sum"], c["first_waits_answered"]),
        "avg_response_s": _ratio(c["response_s_sum"], c["answered_waits"]),
        "reply_rate": _ratio(c["replied_conversations"], c["asked_conversations"]),
        "answer_ratio": _ratio(c["staff_messages"], c["buyer_messages"]),
        "satisfaction_rate": _ratio(c["satisfied_ratings"], c["ratings"]),
    }
    if sales is None:
        return out | dict.fromkeys(_SALES)
    inquiries = int(sales["inquiries"][slot])
    paid = int(sales["paid_buyers"][slot])
    next_day = int(sales["next_day_paid_buyers"][slot])
    amount = fen_to_yuan(int(sales["paid_fen"][slot]))
    return out | {
        "inquiries": inquiries,
        "paid_buyers": paid,
        "next_day_paid_buyers": next_day,
        "conversion_rate": _ratio(paid, inquiries),
        "next_day_conversion_rate": _ratio(next_day, inquiries),
        "paid_amount": amount,
        "avg_order_value": round_fen(amount / Decimal(paid), rounding) if paid else None,
    }
