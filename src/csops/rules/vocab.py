"""`rules/values.yaml` and `rules/incidents.yaml`: what words in export cells mean."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from csops.rules.base import RuleModel, normalize_word


class ChatDirection(RuleModel):
    buyer: list[str]
    staff: list[str]


class LeaveApproval(RuleModel):
    approved: list[str]
    rejected: list[str] = Field(default_factory=list)
    revoked: list[str] = Field(default_factory=list)
    pending: list[str] = Field(default_factory=list)
    # Words that say the approval is over, not how it ended (DingTalk 审批状态 已结束):
    # the 审批结果 beside them decides.
    finished: list[str] = Field(default_factory=list)


# Taobao's 旗帜 codes; ERPs and other platforms write the colour instead.
DEFAULT_FLAG_COLOURS: dict[int, list[str]] = {
    0: ["灰", "灰色", "灰旗", "无", "无旗帜"],
    1: ["红", "红色", "红旗"],
    2: ["黄", "黄色", "黄旗"],
    3: ["绿", "绿色", "绿旗"],
    4: ["蓝", "蓝色", "蓝旗"],
    5: ["粉", "粉色", "粉旗", "紫", "紫色", "紫旗"],
}


class ValueWords(RuleModel):
    chat_direction: ChatDirection
    leave_approval: LeaveApproval
    leave_in_lieu: list[str] = Field(default_factory=lambda: ["调休"])
    flag_colours: dict[int, list[str]] = Field(default_factory=lambda: DEFAULT_FLAG_COLOURS)

    def flag_codes(self) -> dict[str, int]:
        """Colour word (NFKC, no spaces, lower case) → 旗帜 code."""
        out: dict[str, int] = {}
        for code, words in self.flag_colours.items():
            for word in words:
                out[normalize_word(word)] = code
        return out


class IncidentKind(RuleModel):
    names: list[str] = Field(min_length=1)
    value: Literal["none", "points", "yuan"] = "none"


class IncidentKinds(RuleModel):
    kinds: dict[str, IncidentKind]

    @model_validator(mode="after")
    def _names_unique(self) -> IncidentKinds:
        seen: dict[str, str] = {}
        for kind_id, kind in self.kinds.items():
            for name in [kind_id, *kind.names]:
                if name in seen and seen[name] != kind_id:
                    raise ValueError(
                        f"the name {name!r} is given to both {seen[name]} and {kind_id}"
                    )
                seen[name] = kind_id
        return self

    def lookup(self) -> dict[str, str]:
        """Name as written (or the id itself) → kind id."""
        table = {kind_id: kind_id for kind_id in self.kinds}
        for kind_id, kind in self.kinds.items():
            table.update({name.strip(): kind_id for name in kind.names})
        return table
