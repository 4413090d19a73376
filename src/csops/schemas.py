"""Canonical schemas of the input kinds: field names, value types, what is required.

Header aliases are rule data (`rules/columns.yaml`); what a field *is* (its type, whether
a file of that kind must have it) lives here because the cleaning code depends on it.
Like `csops.errors` it stands below every layer: the rules name its kinds and fields
(columns.yaml is checked against them), the readers in `csops.ingest` fill them.

Cleaned frames use the canonical names, except money: a `money` field `paid_amount` is
held as exact integer fen in the column `paid_amount_fen` (see `csops.domain.money`).
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
    INT = "int"  # a small integer code
    FLAG = "flag"  # 旗帜: a code 0–5, or a colour word (红 / 红旗 …, rules/values.yaml)
    HALF_DAY = "half_day"  # a date-time, or a date with 上午 / 下午 (a half-day leave)
    DURATION = "duration"  # 1天, 0.5天, 4小时, 半天; a bare number in the header's unit


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    nullable: bool = True  # may a cell be empty?
    description: str = ""
    # Read only when asked for (`Inputs.load(..., lazy=True)`, as `inspect` does): bulky free
    # text no figure is computed from, and where buyers type phone numbers and addresses.
    lazy: bool = False
    # Free text people type into, where a buyer's phone, address or account may hide:
    # masked as it is read (`csops.ingest.private_text`), so no output shows it.
    private: bool = False

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
    # Requirements met by any one of their column sets (each set whole): attendance needs
    # a clock-in or a clock-out column; a chat log a direction or a sender and receiver.
    any_of: tuple[tuple[tuple[str, ...], ...], ...] = ()
    dedupe_key: tuple[str, ...] = ()  # rows sharing it across parts are one record
    # Who a row is about: a file needs one of these columns and each row a value in one
    # (a DingTalk approval export may name the applicant only; the roster resolves names).
    identity: tuple[str, ...] = ()
    # Fields whose column makes a file not of this kind (a monthly summary has no 日期
    # column; a file with one is a daily export).
    excludes: tuple[str, ...] = ()
    # The kind this one's rows become once read (DingTalk 原始记录, a punch per row, become
    # attendance days; a 子订单 sheet's items become orders). None: the kind is its own.
    feeds: str | None = None
    # Recognised but not read, and why (a DingTalk 月度汇总 holds only counts): such a file
    # is named in a note instead of being refused as unknown; `feeds` names the kind it
    # stands in for.
    skip: str | None = None
    # field → the field whose column it must not share (an ERP's own order number is kept
    # only where the export also has the platform's).
    distinct_from: tuple[tuple[str, str], ...] = ()

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def target(self) -> str:
        """The kind a file of this kind contributes to."""
        return self.feeds or self.kind


F = Field
T = FieldType

ORDER_FIELDS = (
    F("order_id", T.ORDER_ID, nullable=False, description="the platform's order number"),
    F("buyer", T.TEXT),
    F("paid_amount", T.MONEY, description="what the buyer paid"),
    F("status", T.TEXT),
    F("created_at", T.DATETIME),
    F("paid_at", T.DATETIME),
    F("shipped_at", T.DATETIME),
    F("confirmed_at", T.DATETIME),
    F("memo", T.TEXT, private=True),
    F("flag", T.FLAG),
    F("refund_amount", T.MONEY),
    F("refund_status", T.TEXT),
    F("title", T.TEXT),
    F("promised_ship_at", T.DATETIME),
    F("erp_order_id", T.ORDER_ID, description="an ERP's own order number, kept for evidence"),
    # JD: 应付金额 is what was paid beyond the JD balance (余额支付); both are read only to
    # check them against 结算金额, the amount the buyer paid.
    F("payable_amount", T.MONEY),
    F("balance_amount", T.MONEY),
)
IDENTITY = ("staff_id", "name")

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
            ORDER_FIELDS,
            required=("order_id", "paid_amount"),
            dedupe_key=("order_id",),
            distinct_from=(("erp_order_id", "order_id"),),
        ),
        Schema(
            "order_items",
            "子订单/商品明细",
            (*ORDER_FIELDS, F("item_id", T.ORDER_ID, nullable=False, description="子订单编号")),
            required=("order_id", "item_id", "paid_amount"),
            feeds="orders",
            distinct_from=(("erp_order_id", "order_id"),),
        ),
        Schema(
            "attendance",
            "考勤打卡",
            (
                F("staff_id", T.ID),
                F("name", T.TEXT),
                F("date", T.DATE, nullable=False),
                F("shift", T.TEXT),
                F("clock_in", T.PUNCH),
                F("clock_out", T.PUNCH),
                F("clock_in_result", T.TEXT),
                F("clock_out_result", T.TEXT),
            ),
            required=("date",),
            any_of=((("clock_in",), ("clock_out",)),),
            identity=IDENTITY,
        ),
        Schema(
            "punches",
            "打卡记录（每次打卡一行）",
            (
                F("staff_id", T.ID),
                F("name", T.TEXT),
                F("date", T.DATE, description="the attendance day (钉钉 考勤日期)"),
                F("time", T.PUNCH, nullable=False),
                F("result", T.TEXT),
                F("shift", T.TEXT),
            ),
            required=("time",),
            identity=IDENTITY,
            feeds="attendance",
        ),
        Schema(
            "attendance_summary",
            "考勤月度汇总",
            (
                F("staff_id", T.ID),
                F("name", T.TEXT),
                F("days_worked", T.NUMBER),
                F("late_count", T.NUMBER),
                F("absence_days", T.NUMBER),
                F("missed_clock_in_count", T.NUMBER),
                F("missed_clock_out_count", T.NUMBER),
                F("early_leave_count", T.NUMBER),
                F("date", T.DATE, description="only to tell a daily export from a summary"),
            ),
            required=(),
            any_of=(
                (
                    ("days_worked",),
                    ("late_count",),
                    ("absence_days",),
                    ("missed_clock_in_count",),
                ),
            ),
            identity=IDENTITY,
            excludes=("date",),
            feeds="attendance",
            skip="a monthly summary holds only counts per person, not the days the score "
            "needs; export the 每日统计 (daily statistics) or the 原始记录 (punch records)",
        ),
        Schema(
            "leave",
            "请假/调休审批",
            (
                F("staff_id", T.ID),
                F("name", T.TEXT),
                F("kind", T.TEXT, nullable=False),
                F("start", T.HALF_DAY, nullable=False),
                F("end", T.HALF_DAY, nullable=False),
                F("approved", T.TEXT),
                F("approval_status", T.TEXT),
                F("duration", T.DURATION),
                F("reason", T.TEXT, private=True),
                F("approval_id", T.ID),
            ),
            required=("kind", "start", "end"),
            identity=IDENTITY,
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
                F("text", T.TEXT, lazy=True, private=True),
                F("rating", T.TEXT),
            ),
            required=("time",),
            any_of=((("account", "buyer", "direction"), ("sender", "receiver")),),
        ),
        Schema(
            "chat_sessions",
            "聊天记录（每个会话一行）",
            (
                F("account", T.TEXT),
                F("buyer", T.TEXT),
                F("start", T.DATETIME),
                F("transcript", T.TEXT, nullable=False, description="the whole conversation"),
            ),
            required=("transcript",),
            feeds="chats",
        ),
        Schema(
            "chat_summary",
            "会话统计（每个会话一行，无消息）",
            (
                F("account", T.TEXT),
                F("buyer", T.TEXT),
                F("consulted_at", T.DATETIME),
                F("first_response", T.TEXT),
                F("buyer_messages", T.NUMBER),
                F("staff_messages", T.NUMBER),
            ),
            required=("consulted_at",),
            any_of=((("buyer_messages",), ("staff_messages",), ("first_response",)),),
            feeds="chats",
            skip="a session list holds per-session figures, not the messages the chat KPIs "
            "are computed from; export the chat records themselves (聊天记录明细)",
        ),
        Schema(
            "order_item_list",
            "宝贝明细（无金额）",
            (
                F("order_id", T.ORDER_ID),
                F("title", T.TEXT),
                F("price", T.MONEY),
                F("quantity", T.NUMBER),
            ),
            required=("order_id", "price", "quantity"),
            feeds="orders",
            skip="an item list without the amount each buyer paid; the order export "
            "(ExportOrderList) beside it holds the orders",
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
                F("note", T.TEXT, private=True),
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
                F("note", T.TEXT, private=True),
            ),
            required=("date", "staff_id"),
            # A spot check has a score, or item marks (each is enough).
            any_of=((("score",), ("accuracy",), ("attitude",), ("communication",)),),
        ),
    )
}

# Every kind a file can be recognised as.
SOURCE_KINDS: tuple[str, ...] = tuple(SCHEMAS)
# The kinds the commands read: the others feed one of these or are skipped.
KINDS: tuple[str, ...] = tuple(k for k, s in SCHEMAS.items() if s.feeds is None and s.skip is None)


def feeders(kind: str) -> tuple[str, ...]:
    """The kinds whose rows become rows of `kind` (itself first)."""
    return (kind, *(k for k, s in SCHEMAS.items() if s.feeds == kind))
