"""`rules/columns.yaml`: header aliases per input kind and field."""

from __future__ import annotations

from pydantic import RootModel, model_validator

from csops.schemas import SCHEMAS


class ColumnAliases(RootModel[dict[str, dict[str, list[str]]]]):
    """kind → canonical field → export headers meaning that field (first listed wins)."""

    @model_validator(mode="after")
    def _known_names(self) -> ColumnAliases:
        problems = []
        for kind, fields in self.root.items():
            if kind not in SCHEMAS:
                problems.append(
                    f"{kind}: unknown input kind; expected one of: {', '.join(SCHEMAS)}"
                )
                continue
            known = SCHEMAS[kind].field_names
            for name in fields:
                if name not in known:
                    problems.append(
                        f"{kind}.{name}: unknown field; fields of {kind}: {', '.join(known)}"
                    )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def for_kind(self, kind: str) -> dict[str, list[str]]:
        return self.root.get(kind, {})
