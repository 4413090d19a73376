"""`rules/values.yaml` and `rules/incidents.yaml`: what words in export cells mean."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from csops.rules.base import RuleModel


class ChatDirection(RuleModel):
    buyer: list[str]
    staff: list[str]


class LeaveApproval(RuleModel):
    approved: list[str]
    rejected: list[str] = Field(default_factory=list)
    revoked: list[str] = Field(default_factory=list)
    pending: list[str] = Field(default_factory=list)


class ValueWords(RuleModel):
    chat_direction: ChatDirection
    leave_approval: LeaveApproval
    leave_in_lieu: list[str] = Field(default_factory=lambda: ["调休"])


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
