"""The phrases the domain writes its evidence with, handed in by the caller.

A domain function that explains a figure (a deduction's 说明, a grade's reason) takes a
`Phrases`: templates by key, filled with the month's values. The words themselves, in
each language, are in `csops.report.evidence`; the domain holds none."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Phrases:
    lang: str  # which of a rule's own labels (label.zh / label.en) goes with these words
    templates: Mapping[str, str]

    def __getitem__(self, key: str) -> str:
        return self.templates[key]

    def points(self, value: float) -> str:
        """`扣 2 分` / `-2 points`; `加 1 分`; `不扣分`."""
        if value < 0:
            return self["points_minus"].format(points=f"{-value:g}")
        if value > 0:
            return self["points_plus"].format(points=f"{value:g}")
        return self["points_none"]
