"""Map export headers to canonical fields and decide which kind of export a file is."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from csops.rules.columns import ColumnAliases
from csops.schemas import SCHEMAS, Schema

_SPACE = re.compile(r"\s+")

# A header cell of a two-row header: the group cell above (carried across its merged
# columns) and the cell below. `上班1` over `打卡时间` reads as 上班1打卡时间, else as 打卡时间.
Header = str | tuple[str, str]


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


def header_text(header: Header) -> str:
    """A header as shown to people: `上班1/打卡时间` for a two-row one."""
    if isinstance(header, tuple):
        return "/".join(part for part in header if part)
    return header


@functools.lru_cache(maxsize=1 << 16)
def _spellings(header: Header) -> tuple[str, ...]:
    """The normalized names a header cell answers to, the most specific first (each cell
    once: a file's header rows are matched against every kind)."""
    if isinstance(header, tuple):
        group, sub = header
        if not sub:
            return (normalize_header(group),)
        if not group:
            return (normalize_header(sub),)
        return (normalize_header(group + sub), normalize_header(sub))
    return (normalize_header(header),)


@dataclass
class Match:
    kind: str
    mapping: dict[str, int]  # canonical field → column position
    missing: list[str] = field(default_factory=list)  # required columns not found
    # field → positions of two or more columns with the same header, the one that field
    # would be read from: which of them holds the field cannot be told.
    duplicates: dict[str, list[int]] = field(default_factory=dict)
    excluded: list[str] = field(default_factory=list)  # fields that rule this kind out

    @property
    def complete(self) -> bool:
        return not self.missing and not self.excluded

    @property
    def score(self) -> int:
        return len(self.mapping)

    def describe(self) -> str:
        """`orders (missing paid_amount)` for messages about candidates."""
        if self.excluded:
            return f"{self.kind} (but it has {', '.join(self.excluded)})"
        if self.missing:
            return f"{self.kind} (missing {', '.join(self.missing)})"
        return self.kind


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

    def match(self, kind: str, headers: Sequence[Header]) -> Match:
        index = self.by_kind[kind]
        spelled = [_spellings(h) for h in headers]
        # field → (priority, spelling level, position); a whole two-row name beats its
        # lower cell alone, whatever the alias's priority.
        found: dict[str, list[tuple[int, int, int]]] = {}
        for position, names in enumerate(spelled):
            for level, name_text in enumerate(names):
                for name, priority in index.get(name_text, ()):
                    found.setdefault(name, []).append((level, priority, position))
        best = {name: min(ranks) for name, ranks in found.items()}
        schema = SCHEMAS[kind]
        for name, other in schema.distinct_from:
            # Not the column the other field is read from: the file has one number there.
            if name in best and other in best:
                taken = best[other][2]
                rest = sorted(r for r in found[name] if r[2] != taken)
                if rest:
                    best[name] = rest[0]
                else:
                    del best[name]
        mapping = {name: pos for name, (_, _, pos) in best.items()}
        duplicates: dict[str, list[int]] = {}
        for name, (level, _, pos) in best.items():
            if name not in mapping:
                continue
            text = spelled[pos][level]
            same = [i for i, n in enumerate(spelled) if len(n) > level and n[level] == text]
            if len(same) > 1:
                duplicates[name] = same
        excluded = [name for name in schema.excludes if name in mapping]
        return Match(kind, mapping, missing_columns(schema, mapping), duplicates, excluded)

    def rank(self, headers: Sequence[Header], kinds: Sequence[str] | None = None) -> list[Match]:
        """Every kind's match that maps at least one column, best first: complete ones,
        then by columns mapped; on a tie the kind listed first in SCHEMAS."""
        matches = [self.match(k, headers) for k in (kinds or tuple(SCHEMAS))]
        found = [m for m in matches if m.score > 0]
        return sorted(
            found, key=lambda m: (not m.complete, bool(m.excluded), -m.score, len(m.missing))
        )

    def classify(
        self, headers: Sequence[Header], kinds: Sequence[str] | None = None
    ) -> Match | None:
        """The kind whose required columns are all present and which maps the most columns.

        With no complete match, the best partial one (so `inspect` can say what is missing);
        None when no header cell is known at all.
        """
        ranked = self.rank(headers, kinds)
        return ranked[0] if ranked else None


def missing_columns(schema: Schema, mapping: dict[str, int]) -> list[str]:
    missing = [name for name in schema.required if name not in mapping]
    for groups in schema.any_of:
        if not any(all(n in mapping for n in group) for group in groups):
            missing.append(
                " + ".join(groups[0]) + "".join(f" (or {' + '.join(g)})" for g in groups[1:])
            )
    if schema.identity and not any(n in mapping for n in schema.identity):
        missing.append(" or ".join(schema.identity))
    return missing
