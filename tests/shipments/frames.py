"""Small orders frames shaped like `Inputs.frame("orders")`, built by hand for the tests."""

from __future__ import annotations

from typing import Any

import pandas as pd

TIMES = ("created_at", "paid_at", "shipped_at", "promised_ship_at")


def orders_frame(rows: list[dict[str, Any]], file: str = "orders.csv") -> pd.DataFrame:
    """One dict per order; a key missing from every row is a column the export lacks.

    `order_id` defaults to O1, O2, …; times are "YYYY-MM-DD HH:MM[:SS]" text.
    """
    columns: list[str] = ["order_id"]
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    data: dict[str, pd.Series] = {}
    for name in columns:
        values = [
            row.get(name, f"O{i + 1}" if name == "order_id" else None) for i, row in enumerate(rows)
        ]
        text = pd.Series(values, dtype="str")
        if name in TIMES:
            data[name] = pd.to_datetime(text, format="ISO8601").astype("datetime64[us]")
        else:
            data[name] = text
    frame = pd.DataFrame(data)
    frame["_file"] = file
    frame["_row"] = range(2, len(rows) + 2)
    return frame
