"""Canonical schemas of the input kinds: field names, value types, what is required.

Header aliases are rule data (`rules/columns.yaml`); what a field *is* (its type, whether
a file of that kind must have it) lives here because the cleaning code depends on it.

Cleaned frames use the canonical names, except money: a `money` field `paid_amount` is
held as exact integer fen in the column `paid_amount_fen` (see `csops.money`).
Every cleaned frame also carries `_file` (the file's display name) and `_row` (the
spreadsheet row number a person sees when opening that file) for evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FieldType(StrEnum):
    ORDER_ID = "order_id"  # exact text; Excel's `="…"` guard removed; 4.01E+18 is an error
    ID = "id"  # staff 工号 and similar: exact text, guard and `.0` removed
    TEXT = "text"
    MONEY = "money"  # yuan in the file, integer fen once cleaned
    DATETIME = "datetime"
    DATE = "date"
    PUNCH = "punch"  # a clock time combined with the row's `date`; `次日 01:10` is the next day
    NUMBER = "number"  # a plain decimal number (points)
    INT = "int"  # a small integer code (旗帜 0–5)


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    nullable: bool = True  # may a cell be empty?
    description: str = ""
    # Read only when asked for (`Inputs.load(..., lazy=True)`, as `inspect` does): bulky free
    # text no figure is computed from, and where buyers type phone numbers and addresses.
    lazy: bool = False

    @property
    def column(self) -> str:
        """The column name in a cleaned frame."""
        return f"{self.name}_fen" if self.type is FieldType.MONEY else self.name


@dataclass(frozen=True)
class Schema:
    kind: str
    label_zh: str
    fields: tuple[Field, ...]
    required: tuple[str, ...]  # columns a file of this kind must have
    one_of: tuple[tuple[str, ...], ...] = ()  # at least one of these column sets, whole
    dedupe_key: tuple[str, ...] = ()  # rows sharing it across parts are one record

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


F = Field
T = FieldType

SCHEMAS: dict[str, Schema] = {
    s.kind: s
    for s in (
        Schema(
            "roster",
            "客服名单",
            (
                F("staff_id", T.ID, nullable=False, description="工号"),
                F("name", T.TEXT, nullable=False),
                F(
                    "accounts",
                    T.TEXT,
                    description="旺旺/千牛 sub-accounts, separated by , ; / 、 or space",
                ),
                F("role", T.TEXT, description="售前 / 售后 / 主管"),
                F("hired_on", T.DATE),
                F("left_on", T.DATE),
                F("shift", T.TEXT),
            ),
            required=("staff_id", "name"),
        ),
        Schema(
            "orders",
            "订单报表",
            (
                F("order_id", T.ORDER_ID, nullable=False),
                F("buyer", T.TEXT),
                F("paid_amount", T.MONEY),
                F("status", T.TEXT),
                F("created_at", T.DATETIME),
                F("paid_at", T.DATETIME),
                F("shipped_at", T.DATETIME),
                F("confirmed_at", T.DATETIME),
                F("memo", T.TEXT),
                F("flag", T.INT),
                F("refund_amount", T.MONEY),
                F("refund_status", T.TEXT),
                F("title", T.TEXT),
                F("promised_ship_at", T.DATETIME),
            ),
            required=("order_id", "paid_amount"),
            dedupe_key=("order_id",),
        ),
        Schema(
            "attendance",
            "考勤打卡",
            (
                F("staff_id", T.ID, nullable=False),
                F("name", T.TEXT),
                F("date", T.DATE, nullable=False),
                F("shift", T.TEXT),
                F("clock_in", T.PUNCH),
                F("clock_out", T.PUNCH),
                F("clock_in_result", T.TEXT),
                F("clock_out_result", T.TEXT),
            ),
            required=("staff_id", "date"),
            one_of=(("clock_in",), ("clock_out",)),
        ),
        Schema(
            "leave",
            "请假/调休审批",
            (
                F("staff_id", T.ID, nullable=False),
                F("name", T.TEXT),
                F("kind", T.TEXT, nullable=False),
                F("start", T.DATETIME, nullable=False),
                F("end", T.DATETIME, nullable=False),
                F("approved", T.TEXT),
                F("approval_status", T.TEXT),
                F("duration", T.TEXT),
                F("reason", T.TEXT),
                F("approval_id", T.ID),
            ),
            required=("staff_id", "kind", "start", "end"),
        ),
        Schema(
            "schedule",
            "排班表",
            (
                F("staff_id", T.ID, nullable=False),
                F("name", T.TEXT),
                F("date", T.DATE, nullable=False),
                F("shift", T.TEXT),
            ),
            required=("staff_id", "date", "shift"),
        ),
        Schema(
            "chats",
            "聊天记录",
            (
                F("account", T.TEXT),
                F("buyer", T.TEXT),
                F("time", T.DATETIME, nullable=False),
                F("direction", T.TEXT),
                F("sender", T.TEXT),
                F("receiver", T.TEXT),
                F("text", T.TEXT, lazy=True),
                F("rating", T.TEXT),
            ),
            required=("time",),
            one_of=(("account", "buyer", "direction"), ("sender", "receiver")),
        ),
        Schema(
            "incidents",
            "奖惩登记",
            (
                F("date", T.DATE, nullable=False),
                F("staff_id", T.ID, nullable=False),
                F("name", T.TEXT),
                F("kind", T.TEXT, nullable=False),
                F("points", T.NUMBER),
                F("amount", T.MONEY),
                F("note", T.TEXT),
            ),
            required=("date", "staff_id", "kind"),
        ),
        Schema(
            "qa",
            "质检/抽查记录",
            (
                F("date", T.DATE, nullable=False),
                F("staff_id", T.ID, nullable=False),
                F("name", T.TEXT),
                F("buyer", T.TEXT, description="the buyer (or conversation) checked"),
                F("score", T.NUMBER, description="0–100 spot-check score"),
                F("accuracy", T.NUMBER, description="item mark 准确"),
                F("attitude", T.NUMBER, description="item mark 态度"),
                F("communication", T.NUMBER, description="item mark 沟通"),
                F("resolved", T.TEXT, description="是否解决: 是 / 否"),
                F("note", T.TEXT),
            ),
            required=("date", "staff_id"),
            # A spot check has a score, or item marks (each is enough).
            one_of=(("score",), ("accuracy",), ("attitude",), ("communication",)),
        ),
    )
}

KINDS: tuple[str, ...] = tuple(SCHEMAS)
