"""`rules/shipping.yaml`: when an unshipped order becomes a warning, overdue or late, which
order-status and refund-status words mean what, campaign periods with their own lines, and
after how long an unpaid order gets a payment reminder (DOMAIN.md §5)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from csops.rules.base import RuleModel, normalize_word

LevelName = Literal["warning", "overdue", "late"]
LEVEL_NAMES: tuple[LevelName, ...] = ("warning", "overdue", "late")
StatusGroup = Literal["unpaid", "awaiting_shipment", "shipped", "finished", "closed", "held"]
STATUS_GROUPS: tuple[StatusGroup, ...] = (
    "unpaid",
    "awaiting_shipment",
    "shipped",
    "finished",
    "closed",
    "held",
)

_DURATION = re.compile(r"(?:(\d+(?:\.\d+)?)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?", re.IGNORECASE)


def parse_duration_hours(text: str) -> float:
    """`3h` → 3.0, `90m` → 1.5, `2h30m` → 2.5. A bare number is refused (hours or minutes?)."""
    m = _DURATION.fullmatch(text.strip())
    if not text.strip() or m is None or (m.group(1) is None and m.group(2) is None):
        raise ValueError(f"expected a duration such as 3h, 90m or 2h30m, got {text!r}")
    return float(m.group(1) or 0) + int(m.group(2) or 0) / 60


def _duration(value: object) -> object:
    if isinstance(value, str):
        return parse_duration_hours(value)
    return value


def _name(value: object) -> object:
    # `name: 618` is read by YAML as a number.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _datetime(value: object) -> object:
    # YAML reads an unquoted 2026-11-11 as a date: it means 00:00 of that day.
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


Hours = Annotated[float, BeforeValidator(_duration), Field(ge=0)]
LocalTime = Annotated[datetime, BeforeValidator(_datetime)]


class Levels(RuleModel):
    """Hours since payment at which an unshipped order reaches each level (at or above)."""

    warning: Hours = 24
    overdue: Hours = 48
    late: Hours = 72  # the platform's late-shipment line (延迟发货)

    @model_validator(mode="after")
    def _ascending(self) -> Levels:
        if not 0 < self.warning < self.overdue < self.late:
            raise ValueError(
                "levels must rise: 0 < warning < overdue < late, got "
                f"{self.warning:g} / {self.overdue:g} / {self.late:g}"
            )
        return self

    def hours(self, level: LevelName) -> float:
        return float(getattr(self, level))


class Campaign(RuleModel):
    """A period of heavy volume (双11, 618) with its own lines, chosen by the payment time."""

    name: Annotated[str, BeforeValidator(_name)] = Field(min_length=1)
    start: LocalTime  # inclusive
    end: LocalTime  # exclusive
    levels: Levels

    @model_validator(mode="after")
    def _ordered(self) -> Campaign:
        if self.end <= self.start:
            raise ValueError(f"campaign {self.name}: end must be after start")
        return self


class StatusWords(RuleModel):
    """Order-status words (订单状态) of Taobao/Tmall, JD, PDD and ERPs by what they mean."""

    unpaid: list[str] = Field(default_factory=list)
    awaiting_shipment: list[str] = Field(default_factory=list)
    shipped: list[str] = Field(default_factory=list)
    finished: list[str] = Field(default_factory=list)
    closed: list[str] = Field(default_factory=list)
    held: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_group_per_word(self) -> StatusWords:
        seen: dict[str, str] = {}
        clashes = []
        for group in STATUS_GROUPS:
            for word in getattr(self, group):
                key = normalize_word(word)
                if key in seen and seen[key] != group:
                    clashes.append(f"{word!r} is in both {seen[key]} and {group}")
                seen[key] = group
        if clashes:
            raise ValueError("; ".join(clashes))
        return self

    def lookup(self) -> dict[str, StatusGroup]:
        """Normalized word → group."""
        return {normalize_word(w): g for g in STATUS_GROUPS for w in getattr(self, g)}


class ShippingRules(RuleModel):
    levels: Levels = Levels()
    campaigns: list[Campaign] = Field(default_factory=list)
    status: StatusWords
    refund_excludes: list[str] = Field(default_factory=list)
    refund_keeps: list[str] = Field(default_factory=list)
    presale_waits: bool = True
    unpaid_after: Hours = 3.0

    @model_validator(mode="after")
    def _campaigns_apart(self) -> ShippingRules:
        ordered = sorted(self.campaigns, key=lambda c: c.start)
        overlaps = [
            f"campaigns {a.name} and {b.name} overlap ({b.start:%Y-%m-%d %H:%M} is before "
            f"{a.end:%Y-%m-%d %H:%M}); a payment time must choose one period"
            for a, b in zip(ordered, ordered[1:], strict=False)
            if b.start < a.end
        ]
        excl = {normalize_word(w) for w in self.refund_excludes}
        both = [w for w in self.refund_keeps if normalize_word(w) in excl]
        if both:
            overlaps.append(f"refund words in both refund_excludes and refund_keeps: {both}")
        if overlaps:
            raise ValueError("; ".join(overlaps))
        return self
