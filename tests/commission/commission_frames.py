"""Small named frames for the commission tests (built here, not generated at random)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from csops.domain.roster import Roster
from csops.rules import RuleSet
from csops.rules.commission import CommissionRules
from csops.rules.settings import Settings

ROSTER_ROWS = [
    # 工号, 姓名, 旺旺子账号
    ("1001", "张伟", "星辰家居旗舰店:阿伟"),
    ("1002", "阿杰", "星辰家居旗舰店:阿杰"),
    ("1003", "王美丽", "星辰家居旗舰店:小美"),
]


def roster(rows: list[tuple[str, str, str | None]] | None = None) -> Roster:
    rows = rows or ROSTER_ROWS
    frame = pd.DataFrame(rows, columns=["staff_id", "name", "accounts"]).astype("str")
    frame["hired_on"] = pd.NaT
    frame["left_on"] = pd.NaT
    frame["_file"] = "roster.xlsx"
    frame["_row"] = range(2, 2 + len(rows))
    return Roster.from_frame(frame)


def orders(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Orders as the reader gives them: yuan strings → fen, times parsed, `_row` from 2."""
    frame = pd.DataFrame(
        {
            "order_id": pd.Series([r["order_id"] for r in rows], dtype="str"),
            "buyer": pd.Series([r.get("buyer") for r in rows], dtype="str"),
            "paid_amount_fen": pd.array(
                [
                    round(float(r["paid"]) * 100) if r.get("paid") is not None else None
                    for r in rows
                ],
                dtype="Int64",
            ),
            "refund_amount_fen": pd.array(
                [
                    round(float(r["refund"]) * 100) if r.get("refund") is not None else None
                    for r in rows
                ],
                dtype="Int64",
            ),
            "status": pd.Series([r.get("status", "交易成功") for r in rows], dtype="str"),
            "paid_at": pd.to_datetime(
                pd.Series([r.get("paid_at") for r in rows], dtype="object"), format="ISO8601"
            ).astype("datetime64[us]"),
            "memo": pd.Series([r.get("memo") for r in rows], dtype="str"),
            "_file": "orders.csv",
            "_row": range(2, 2 + len(rows)),
        }
    )
    if any("confirmed_at" in r for r in rows):
        frame["confirmed_at"] = pd.to_datetime(
            pd.Series([r.get("confirmed_at") for r in rows], dtype="object"), format="ISO8601"
        ).astype("datetime64[us]")
    if any("flag" in r for r in rows):
        frame["flag"] = pd.array([r.get("flag") for r in rows], dtype="Int64")
    return frame


def chats(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """(account, buyer, time, direction) rows as the reader gives them."""
    frame = pd.DataFrame(rows, columns=["account", "buyer", "time", "direction"])
    frame = frame.astype({"account": "str", "buyer": "str", "direction": "str"})
    frame["time"] = pd.to_datetime(frame["time"]).astype("datetime64[us]")
    frame["_file"] = "chats.csv"
    frame["_row"] = range(2, 2 + len(rows))
    return frame


def incidents(rows: list[tuple[str, str, str, str | None, str | None]]) -> pd.DataFrame:
    """(date, 工号, 类型, 金额 yuan, 备注) rows as the reader gives them."""
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime([r[0] for r in rows]).astype("datetime64[s]"),
            "staff_id": pd.Series([r[1] for r in rows], dtype="str"),
            "kind": pd.Series([r[2] for r in rows], dtype="str"),
            "amount_fen": pd.array(
                [None if r[3] is None else round(float(r[3]) * 100) for r in rows], dtype="Int64"
            ),
            "note": pd.Series([r[4] for r in rows], dtype="str"),
            "_file": "incidents.xlsx",
            "_row": range(2, 2 + len(rows)),
        }
    )
    return frame


def with_rules(rules: RuleSet, rounding: str | None = None, **commission: Any) -> RuleSet:
    """A copy of `rules` with commission.yaml keys (and settings.rounding) replaced."""
    models = dict(rules.models)
    data = rules.get(CommissionRules).model_dump(by_alias=True)
    for key, value in commission.items():
        if key == "attribution":
            data["attribution"] = {**data["attribution"], **value}
        else:
            data[key] = value
    models[CommissionRules] = CommissionRules.model_validate(data)
    if rounding is not None:
        models[Settings] = rules.settings.model_copy(update={"rounding": rounding})
    return dataclasses.replace(rules, models=models)


def order(
    order_id: str, paid: str | None, paid_at: str | None, memo: str | None = None, **extra: Any
) -> dict[str, Any]:
    """One order row for `orders()`: id, paid yuan, paid at, memo, then any other field."""
    return {"order_id": order_id, "paid": paid, "paid_at": paid_at, "memo": memo, **extra}
