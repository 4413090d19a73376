"""Map export headers to canonical fields and decide which kind of export a file is."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from csops.ingest.schemas import SCHEMAS, Schema
from csops.rules.columns import ColumnAliases

_SPACE = re.compile(r"\s+")


def normalize_header(text: object) -> str:
    """Header text as matched: NFKC (full-width → half-width), no whitespace, lower case."""
    if text is None:
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(text))).lower()


def clean_header(text: object) -> str:
    """Header text as shown to people: stray spaces and a BOM removed."""
    if text is None:
        return ""
    return str(text).replace("\ufeff", "").strip()


@dataclass
class Match:
    kind: str
    mapping: dict[str, int]  # canonical field → column position
    missing: list[str] = field(default_factory=list)  # required columns not found
    # field → positions of two or more columns with the same header, the one that field
    # would be read from: which of them holds the field cannot be told.
    duplicates: dict[str, list[int]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def score(self) -> int:
        return len(self.mapping)


class AliasIndex:
    """Per kind, normalized alias → [(field, priority)]. Built once from the rules.

    One header may serve two fields (DingTalk's 审批状态 is `approval_status` and, when
    there is no 审批结果 column, also `approved`).
    """

    def __init__(self, aliases: ColumnAliases) -> None:
        self.by_kind: dict[str, dict[str, list[tuple[str, int]]]] = {}
        for kind, schema in SCHEMAS.items():
            index: dict[str, list[tuple[str, int]]] = {}
            for name in schema.field_names:
                for priority, alias in enumerate([*aliases.for_kind(kind).get(name, []), name]):
                    index.setdefault(normalize_header(alias), []).append((name, priority))
            self.by_kind[kind] = index

    def match(self, kind: str, headers: list[str]) -> Match:
        index = self.by_kind[kind]
        normalized = [normalize_header(h) for h in headers]
        best: dict[str, tuple[int, int]] = {}  # field → (priority, position)
        for position, header in enumerate(normalized):
            for name, priority in index.get(header, ()):
                if name not in best or priority < best[name][0]:
                    best[name] = (priority, position)
        mapping = {name: pos for name, (_, pos) in best.items()}
        duplicates: dict[str, list[int]] = {}
        if len(set(normalized)) < len(normalized):
            for name, pos in mapping.items():
                same = [i for i, h in enumerate(normalized) if h == normalized[pos]]
                if len(same) > 1:
                    duplicates[name] = same
        return Match(kind, mapping, missing_columns(SCHEMAS[kind], mapping), duplicates)

    def classify(self, headers: list[str], kinds: tuple[str, ...] | None = None) -> Match | None:
        """The kind whose required columns are all present and which maps the most columns.

        With no complete match, the best partial one (so `inspect` can say what is missing);
        None when no header cell is known at all.
        """
        matches = [self.match(k, headers) for k in (kinds or tuple(SCHEMAS))]
        complete = [m for m in matches if m.complete]
        pool = complete or [m for m in matches if m.score > 0]
        if not pool:
            return None
        # On a tie the kind listed first in SCHEMAS wins (max keeps the first maximum).
        return max(pool, key=lambda m: (m.score, -len(m.missing)))


def missing_columns(schema: Schema, mapping: dict[str, int]) -> list[str]:
    missing = [name for name in schema.required if name not in mapping]
    if schema.one_of and not any(all(n in mapping for n in group) for group in schema.one_of):
        missing.append(
            " + ".join(schema.one_of[0])
            + "".join(f" (or {' + '.join(g)})" for g in schema.one_of[1:])
        )
    return missing
