"""`rules/scoring.yaml`: the monthly points score (月度考核分) as data.

The file has four parts:

- `attendance`: the shift table (a 班次 name → start and end), the words meaning a rest
  day, and grace minutes (a punch within the grace is not late / not early);
- `rules`: an ordered list of deduction rules. Each consumes *events* (derived from the
  attendance, leave approvals and the incident sheet) and turns them into points and/or
  yuan: per-event points, a monthly free allowance (optionally only for events within a
  number of minutes), count thresholds that replace the per-event points, conversions
  ("more than 30 minutes late counts as an absence") and once-per-day counting;
- `base` and `floor`: the starting score and an optional lower bound;
- `levels` and `serious`: the level thresholds on the final score.

See docs/scoring.md for the full reference and worked examples.
"""

from __future__ import annotations

import re
from datetime import time
from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator, model_validator

from csops.rules.base import Clock, RuleModel

# Events derived from the attendance export and the leave approvals; incident kinds
# (rules/incidents.yaml) are events too, under their kind id.
ATTENDANCE_EVENTS: tuple[str, ...] = (
    "late",  # first punch after the shift start (+ grace); `minutes` = minutes late
    "early_leave",  # last punch before the shift end (− grace); `minutes` = minutes early
    "missed_punch",  # one of the two punches missing (缺卡): recorded as a 调休
    "unauthorized_absence",  # scheduled, no punch, no approved leave: 旷工
    "leave",  # a calendar day touched by an approved 请假 (事假, 病假, 年假 …)
    "leave_in_lieu",  # a calendar day touched by an approved 调休
)

# Events from the chat log (csops chats): off unless a rule names them, since computing
# them reads the whole chat log. One event per wait not answered within
# rules/chats.yaml `unanswered_s` (never-answered waits included), dated by its start.
CHAT_EVENTS: tuple[str, ...] = ("unanswered_10min",)

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class Label(RuleModel):
    """A name in the rules: Chinese, and (optionally) English for `--lang en` reports."""

    zh: str
    en: str | None = None  # not given: the Chinese name in English reports too

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" or not self.en else self.en


class ShiftTime(RuleModel):
    """A shift's times; an end at or before the start means the shift ends the next day."""

    start: Clock
    end: Clock


class AttendanceRules(RuleModel):
    shifts: dict[str, ShiftTime] = Field(min_length=1)
    rest_words: list[str] = Field(default_factory=lambda: ["休息", "休", "公休", "轮休"])
    late_grace_minutes: int = Field(0, ge=0, le=240)
    early_leave_grace_minutes: int = Field(0, ge=0, le=240)
    # Punch records without an attendance day (a time clock): a punch before this time
    # belongs to the day before (an evening shift's clock-out after midnight).
    night_punches_until: Clock = time(5, 0)
    # A punch this many minutes or less after the day's first is the same punch twice.
    punch_repeat_minutes: int = Field(5, ge=0, le=240)
    # Leave: a half day (DingTalk 上午 / 下午) is this part of a leave day; a morning ends
    # and an afternoon starts at `noon`; 时长 in hours is divided by `hours_per_day`.
    half_day: float = Field(0.5, gt=0, le=1)
    noon: Clock = time(12, 0)
    hours_per_day: float = Field(8, gt=0, le=24)

    def night_minutes(self) -> int:
        """`night_punches_until` in minutes after midnight."""
        return self.night_punches_until.hour * 60 + self.night_punches_until.minute


def _whole_fen(value: Decimal | None) -> Decimal | None:
    if value is not None and value != value.quantize(Decimal("0.01")):
        raise ValueError(f"expected a yuan amount with at most two decimals, got {value}")
    return value


class Threshold(RuleModel):
    """Once `count` events are charged in a month, the rule's total becomes these points
    (and/or yuan), replacing the per-event amounts."""

    count: int = Field(ge=1)
    points: float | None = None
    yuan: Decimal | None = None

    @field_validator("yuan")
    @classmethod
    def _fen(cls, value: Decimal | None) -> Decimal | None:
        return _whole_fen(value)

    @model_validator(mode="after")
    def _something(self) -> Threshold:
        if self.points is None and self.yuan is None:
            raise ValueError("a threshold needs points or yuan (or both)")
        return self


class Conversion(RuleModel):
    """Events lasting more than `over_minutes` are scored by the rule `to` instead."""

    over_minutes: int = Field(ge=0)
    to: str


class SheetPoints(RuleModel):
    """The range a supervisor's points must lie in (`points: from_sheet`)."""

    min: float = Field(ge=0)
    max: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> SheetPoints:
        if self.max < self.min:
            raise ValueError("max must not be below min")
        return self


class ScoringRule(RuleModel):
    id: str
    label: Label | None = None
    events: list[str] = Field(default_factory=list)
    # Signed points per charged event (−0.5 is a deduction), or `from_sheet`: minus the
    # number in the incident sheet's 扣分 column.
    points: float | Literal["from_sheet"] = 0.0
    sheet_points: SheetPoints | None = None
    yuan: Decimal | None = None  # a money penalty per charged event (reported separately)
    free_per_month: int = Field(0, ge=0)
    free_within_minutes: int | None = Field(None, ge=0)
    once_per_day: bool = False
    thresholds: list[Threshold] = Field(default_factory=list)
    convert: list[Conversion] = Field(default_factory=list)
    tally_as_absence: bool = False  # charged events add to the staff member's absences

    @field_validator("yuan")
    @classmethod
    def _fen(cls, value: Decimal | None) -> Decimal | None:
        return _whole_fen(value)

    @field_validator("id")
    @classmethod
    def _id_form(cls, value: str) -> str:
        if not _ID.fullmatch(value):
            raise ValueError(f"expected a lower-case id like late or leave_excess, got {value!r}")
        return value

    @field_validator("thresholds")
    @classmethod
    def _ascending(cls, value: list[Threshold]) -> list[Threshold]:
        counts = [t.count for t in value]
        if counts != sorted(set(counts)):
            raise ValueError(f"threshold counts must be distinct and ascending, got {counts}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ScoringRule:
        if self.points == "from_sheet" and self.thresholds:
            if any(t.points is not None for t in self.thresholds):
                raise ValueError("points: from_sheet cannot be combined with point thresholds")
        if self.sheet_points is not None and self.points != "from_sheet":
            raise ValueError("sheet_points is only used with points: from_sheet")
        if self.free_within_minutes is not None and not self.free_per_month:
            raise ValueError("free_within_minutes needs free_per_month")
        return self

    def text(self, lang: str) -> str:
        return self.label.text(lang) if self.label else self.id


class Level(RuleModel):
    id: str
    max_score: float | None = None  # the level applies at or below this score
    label: Label | None = None

    def text(self, lang: str) -> str:
        return self.label.text(lang) if self.label else self.id


class SeriousLevel(RuleModel):
    """A score at or below `max_score` for `months_in_a_row` months in a row (this one
    included). Needs the previous months' levels; without them it is never given."""

    id: str = "serious"
    max_score: float = 5.0
    months_in_a_row: int = Field(3, ge=2)
    label: Label | None = None

    def text(self, lang: str) -> str:
        return self.label.text(lang) if self.label else self.id


class ScoringRules(RuleModel):
    base: float = 10.0
    floor: float | None = None
    attendance: AttendanceRules
    rules: list[ScoringRule] = Field(min_length=1)
    levels: list[Level] = Field(min_length=1)
    serious: SeriousLevel | None = None

    @model_validator(mode="after")
    def _references(self) -> ScoringRules:
        problems: list[str] = []
        position = {}
        for i, rule in enumerate(self.rules):
            if rule.id in position:
                problems.append(f"rules #{i + 1}.id: {rule.id!r} is used twice")
            position[rule.id] = i
        for i, rule in enumerate(self.rules):
            for j, conv in enumerate(rule.convert):
                target = position.get(conv.to)
                if target is None:
                    problems.append(
                        f"rules #{i + 1} ({rule.id}).convert #{j + 1}.to: no rule {conv.to!r}; "
                        f"rules: {', '.join(position)}"
                    )
                elif target <= i:
                    problems.append(
                        f"rules #{i + 1} ({rule.id}).convert #{j + 1}.to: {conv.to!r} must be "
                        f"listed after {rule.id!r} (a converted event is scored by a later rule)"
                    )
        open_levels = [lv.id for lv in self.levels if lv.max_score is None]
        if len(open_levels) != 1 or self.levels[-1].max_score is not None:
            problems.append(
                "levels: list the levels from the lowest score up; exactly the last one "
                "has no max_score (it applies above all the others)"
            )
        bounds = [lv.max_score for lv in self.levels if lv.max_score is not None]
        if bounds != sorted(bounds):
            problems.append(f"levels: max_score must ascend, got {bounds}")
        ids = [lv.id for lv in self.levels] + ([self.serious.id] if self.serious else [])
        if len(ids) != len(set(ids)):
            problems.append(f"levels: ids must be distinct, got {ids}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def rule(self, rule_id: str) -> ScoringRule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def level_text(self, level_id: str, lang: str) -> str:
        if self.serious is not None and level_id == self.serious.id:
            return self.serious.text(lang)
        for level in self.levels:
            if level.id == level_id:
                return level.text(lang)
        return level_id
