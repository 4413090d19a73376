"""`rules/chats.yaml`: the limits of the chat KPIs (生意参谋 definitions, see docs/chats.md).

Service hours are not here: they are the shop's `service_hours` in `settings.yaml`, the
one place every command reads them from.
"""

from __future__ import annotations

from pydantic import Field

from csops.rules.base import RuleModel


class ChatRules(RuleModel):
    fast_reply_s: float = Field(30, gt=0)  # replies_within_30s: answered within this (≤)
    unanswered_s: float = Field(600, gt=0)  # unanswered_10min: not answered within this
    # A stream silent for longer than this starts afresh: a staff message after such a
    # silence answers no earlier buyer message (None: waits never expire).
    session_gap_h: float | None = Field(24, gt=0)
    inquiry_lookback_days: int = Field(21, ge=0)  # 询单: no paid order this many days before
    satisfied_ratings: list[str] = Field(default_factory=lambda: ["很满意", "满意"], min_length=1)
