"""`rules/commission.yaml`: who is credited with an order, which money counts, the tier table.

Amounts in the file are yuan (`50000`, `99999.99`); they must be whole fen. Rates are
fractions (`0.008`) or percentages written as text (`"0.8%"`). The rounding of the final
commission is the shop-wide `rounding` of `settings.yaml` (one place for every payout).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from csops.rules.base import RuleModel

AttributionMode = Literal["memo", "memo_then_last_chat", "last_chat", "first_chat"]
TierMode = Literal["whole", "progressive"]


def _parse_rate(value: object) -> object:
    """`0.008`, `"0.008"` or `"0.8%"` → Decimal('0.008')."""
    if isinstance(value, bool):
        raise ValueError("expected a rate such as 0.008 or '0.8%'")
    if isinstance(value, str):
        text = value.strip()
        try:
            if text.endswith("%"):
                return Decimal(text[:-1].strip()) / 100
            return Decimal(text)
        except InvalidOperation:
            raise ValueError(f"expected a rate such as 0.008 or '0.8%', got {value!r}") from None
    return value


def _whole_fen(value: Decimal) -> Decimal:
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"expected an amount in whole fen (two decimals at most), got {value}")
    return value


Rate = Annotated[Decimal, BeforeValidator(_parse_rate), Field(ge=0, le=1)]
Yuan = Annotated[Decimal, Field(ge=0)]


class Tier(RuleModel):
    """One row of the tier table: net sales in [from, below) earn `rate` (+ `bonus`)."""

    from_: Yuan = Field(alias="from")
    below: Yuan | None = None
    rate: Rate
    bonus: Yuan = Decimal(0)

    @model_validator(mode="after")
    def _amounts(self) -> Tier:
        _whole_fen(self.from_)
        _whole_fen(self.bonus)
        if self.below is not None:
            _whole_fen(self.below)
            if self.below <= self.from_:
                raise ValueError(f"below ({self.below}) must be more than from ({self.from_})")
        return self

    @property
    def from_fen(self) -> int:
        return int(self.from_ * 100)

    @property
    def below_fen(self) -> int | None:
        return None if self.below is None else int(self.below * 100)

    def label(self) -> str:
        """`50,000.00–99,999.99` / `≥ 200,000.00` for reports."""
        if self.below is None:
            return f"≥ {self.from_:,.2f}"
        return f"{self.from_:,.2f}–{self.below - Decimal('0.01'):,.2f}"


class Attribution(RuleModel):
    mode: AttributionMode = "memo"
    # Flag codes (旗帜: 0 灰 1 红 2 黄 3 绿 4 蓝 5 粉) a memo needs to credit; empty = no
    # requirement. Applied only when the orders export has a 旗帜 column.
    require_flag: list[Annotated[int, Field(ge=0, le=9)]] = Field(default_factory=list)
    conflicts: Literal["skip", "split"] = "skip"
    unknown_id_digits: int = Field(default=4, ge=2, le=12)
    # Chat modes: only staff messages sent to the buyer in the `chat_window_hours` before
    # payment (payment time included) count.
    chat_window_hours: int = Field(default=24, ge=1, le=24 * 31)


class CommissionRules(RuleModel):
    attribution: Attribution = Attribution()
    # Which time puts an order in a month: 订单付款时间 (paid_at) or 确认收货时间 (confirmed_at).
    # Either way an order without a payment time is unpaid and never counts.
    month_by: Literal["paid_at", "confirmed_at"] = "paid_at"
    # 订单状态 words meaning the order was closed; with no payment time it was closed before
    # payment (reported apart from other unpaid orders, neither counts); with one, it was
    # cancelled after payment: fully refunded unless the export gives the refund.
    closed_statuses: list[str] = Field(
        default_factory=lambda: ["交易关闭", "已关闭", "订单关闭", "已取消", "交易取消"]
    )
    mode: TierMode = "whole"
    tiers: list[Tier] = Field(min_length=1)
    # Commission multiplier by the month's score level (csops score): e.g. {warning: 0.5,
    # punishment: 0}. Levels not listed multiply by 1; empty = off.
    level_multipliers: dict[str, Annotated[Decimal, Field(ge=0)]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _table(self) -> CommissionRules:
        tiers = self.tiers
        if tiers[0].from_ != 0:
            raise ValueError(
                f"tiers #1.from is {tiers[0].from_}: the first tier must start at 0, "
                "or net sales below it would have no tier"
            )
        for i, (tier, nxt) in enumerate(zip(tiers, tiers[1:], strict=False)):
            if nxt.from_ <= tier.from_:
                raise ValueError(
                    f"tiers #{i + 2}.from ({nxt.from_}) is not above tiers #{i + 1}.from "
                    f"({tier.from_}): list the tiers from the lowest sales up"
                )
            if tier.below is None:
                continue
            if tier.below < nxt.from_:
                raise ValueError(
                    f"gap between tiers #{i + 1} and tiers #{i + 2}: net sales from "
                    f"{tier.below} to below {nxt.from_} have no tier; "
                    f"set tiers #{i + 1}.below to {nxt.from_}"
                )
            if tier.below > nxt.from_:
                raise ValueError(
                    f"tiers #{i + 1} and tiers #{i + 2} overlap: tiers #{i + 1}.below is "
                    f"{tier.below} but tiers #{i + 2} starts at {nxt.from_}; "
                    f"set tiers #{i + 1}.below to {nxt.from_}"
                )
        if tiers[-1].below is not None:
            raise ValueError(
                f"the last tier ends below {tiers[-1].below}: net sales above it would have "
                "no tier; remove its `below`"
            )
        # A tier edge must never lower anyone's pay (selling one more yuan must not cost
        # commission): in whole mode the rate of the reached tier applies to all sales, so
        # rates may not fall; fixed bonuses may not fall in either mode.
        for i, (tier, nxt) in enumerate(zip(tiers, tiers[1:], strict=False)):
            if self.mode == "whole" and nxt.rate < tier.rate:
                raise ValueError(
                    f"tiers #{i + 2}.rate ({nxt.rate}) is below tiers #{i + 1}.rate ({tier.rate}): "
                    "in whole mode that would pay less for selling more"
                )
            if nxt.bonus < tier.bonus:
                raise ValueError(
                    f"tiers #{i + 2}.bonus ({nxt.bonus}) is below tiers #{i + 1}.bonus "
                    f"({tier.bonus}): that would pay less for selling more"
                )
        return self

    @property
    def uses_chats(self) -> bool:
        return self.attribution.mode != "memo"
