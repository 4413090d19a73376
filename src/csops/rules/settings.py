"""`rules/settings.yaml`: report language, ledger path, masking, limits, service hours."""

from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from csops.rules.base import RoundingName, RuleModel, ServiceHours


class Limits(RuleModel):
    """What an export may be before csops refuses to read it (a sane export is far below)."""

    # A workbook (xlsx) once uncompressed: a 3 MB file that inflates to 3 GB is refused.
    workbook_mb: Annotated[int, Field(ge=1, le=65536)] = 2048
    # One CSV row, all its cells: the reader's block size. A row up to it is always read;
    # one over twice it never is (refused naming its row and column); between, it depends
    # on where the row falls among the blocks.
    csv_row_mb: Annotated[int, Field(ge=1, le=1024)] = 4
    # Columns of a header row.
    columns: Annotated[int, Field(ge=10, le=100_000)] = 2000


class Settings(RuleModel):
    lang: Literal["zh", "en"] = "zh"
    ledger: str = "csops-ledger.sqlite"
    mask_buyers: bool = False
    detail_row_limit: int = Field(5_000, ge=1, le=1_000_000)
    service_hours: ServiceHours = ServiceHours()
    rounding: RoundingName = "half_up"
    # An order export without a payment time (the 21-column 千牛 form): none = its orders
    # count nowhere a payment time is needed (a note says so); created_at = an order not
    # waiting for payment counts as paid when it was created.
    paid_time_fallback: Literal["none", "created_at"] = "none"
    # The shop's time zone: "now", `--month last` and the default --as-of are its clock,
    # whatever the server's (an IANA name such as Asia/Shanghai).
    timezone: str = "Asia/Shanghai"
    limits: Limits = Limits()
    # An orders export whose newest order is this many hours before the moment a list or
    # a month is for is stale: a warning (monthly: on stderr, in the JSON; --strict: exit 1).
    export_max_age_h: Annotated[float, Field(gt=0, le=24 * 366)] = 48.0

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; expected an IANA name such as Asia/Shanghai"
            ) from None
        return value
