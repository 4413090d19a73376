"""Shared pieces of rule-file models."""

from __future__ import annotations

import re
import unicodedata
from datetime import time
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator


def normalize_word(word: str) -> str:
    """How a word of an export cell is compared with the words of the rules (statuses,
    flag colours): NFKC (full-width ，→ ,), no spaces, case folded."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", word)).casefold()


class RuleModel(BaseModel):
    """Base of every rule model: unknown keys are errors (a typo must not pass silently),
    and a number is finite ("nan" or "inf" in quotes included)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _parse_clock(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 08:00 as the sexagesimal number 480.
        return time(value // 60 % 24, value % 60)
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d{1,2})[:：](\d{2})\s*", value)
        if not m or int(m.group(1)) > 24 or int(m.group(2)) > 59:
            raise ValueError(f"expected a clock time like 08:00, got {value!r}")
        hour, minute = int(m.group(1)), int(m.group(2))
        return time(0, 0) if hour == 24 else time(hour, minute)
    return value


Clock = Annotated[time, BeforeValidator(_parse_clock)]

RoundingName = Literal["half_up", "half_even", "down"]
ROUNDING_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN}


class ServiceHours(RuleModel):
    open: Clock = time(8, 0)
    close: Clock = time(23, 0)

    @model_validator(mode="after")
    def _ordered(self) -> ServiceHours:
        if self.close != time(0, 0) and self.close <= self.open:
            raise ValueError("service_hours.close must be after service_hours.open")
        return self
