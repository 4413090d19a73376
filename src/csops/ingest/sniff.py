"""Probing a text file: its encoding, its delimiter, and which row is its header (one or two)."""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from csops.errors import InputError
from csops.ingest.columns import AliasIndex, Header, Match, clean_header, header_text
from csops.ingest.source import HEADER_SEARCH_ROWS, Limits, SourceFile
from csops.schemas import SCHEMAS

_DATA_LIKE = re.compile(r"\d{3}")  # a date, an amount, an ID: no header cell looks so


def _detect_encoding(display: str, head: bytes, complete: bool) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(
            f"{display}: the file is UTF-16 encoded (Excel's 'Unicode text'); "
            "save it as 'CSV UTF-8' or pass --encoding utf-16"
        )
    if b"\x00" in head[:8192]:
        raise InputError(
            f"{display}: this is not a text file (it holds binary data) although its name "
            "says CSV; export the report again as CSV or xlsx"
        )
    sample = head if complete else head[: head.rfind(b"\n") + 1] or head
    for name in ("utf-8", "gb18030"):  # never the reverse: gb18030 decodes UTF-8 silently
        try:
            sample.decode(name)
        except UnicodeDecodeError:
            continue
        return "utf-8-sig" if name == "utf-8" and head.startswith(codecs.BOM_UTF8) else name
    # A file with a few damaged bytes is read in the encoding of the rest; the cells that
    # hold the damaged bytes are reported with their rows when their column is read.
    if _mostly_decodable(sample, "utf-8"):
        return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    if _mostly_decodable(sample, "gb18030"):
        return "gb18030"
    raise InputError(
        f"{display}: the file is neither UTF-8 nor GBK/GB18030 encoded; "
        "pass its encoding with --encoding (e.g. --encoding big5)"
    )


def _mostly_decodable(sample: bytes, encoding: str) -> bool:
    """At most one in 20 non-ASCII characters undecodable (a file with a few damaged bytes,
    whose damaged cells are reported when their column is read)."""
    text = sample.decode(encoding, errors="replace")
    damaged = text.count("\ufffd")
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    return damaged > 0 and non_ascii - damaged >= 20 * damaged


def _sniff_delimiter(lines: list[str]) -> str:
    """Tab when more of the first lines hold a tab than a comma; the total counts only
    break a tie. Tabs inside a few cells (pasted text, a name of tabs) do not make a
    comma-separated file tab-separated: a delimiter is on every line."""
    with_commas = sum(1 for line in lines if "," in line)
    with_tabs = sum(1 for line in lines if "\t" in line)
    if with_tabs != with_commas:
        return "\t" if with_tabs > with_commas else ","
    commas = sum(line.count(",") for line in lines)
    tabs = sum(line.count("\t") for line in lines)
    return "\t" if tabs > commas else ","


@dataclass
class HeaderChoice:
    """Where a file's header is and what it reads as."""

    index: int  # 0-based row of the (first) header row
    headers: list[Header]
    match: Match | None
    ranked: list[Match]
    rows: int = 1  # header rows: 2 when a row of sub-headers lies below


def _two_rows(upper: list[str], lower: list[str]) -> list[Header]:
    """Two header rows as one: a group cell in the upper row spans the columns to its
    right whose upper cell is empty and lower cell is not (Excel's merged group header)."""
    width = max(len(upper), len(lower))
    upper = upper + [""] * (width - len(upper))
    lower = lower + [""] * (width - len(lower))
    out: list[Header] = []
    group = ""
    for top, sub in zip(upper, lower, strict=True):
        if top:
            group = top if sub else ""
        elif not sub:
            group = ""
        out.append((top or group, sub))
    return out


def _is_sub_header(lower: list[str], match: Match, schema_fields: tuple[str, ...]) -> bool:
    """Whether the row below a header is a row of sub-headers: it has text, none of its
    cells looks like data (a date, an amount, an ID) and the columns every data row fills
    (who, the date, the order number) are empty in it (merged from the row above)."""
    cells = [c for c in lower if c]
    if not cells or any(_DATA_LIKE.search(c) for c in cells):
        return False
    for name in schema_fields:
        pos = match.mapping.get(name)
        if pos is not None and pos < len(lower) and lower[pos]:
            return False
    return True


def _best_header(
    rows: list[list[Any]], index: AliasIndex, kinds: tuple[str, ...] | None = None
) -> HeaderChoice:
    """The row (0-based) among the first rows that reads best as a header of some kind,
    with the row below it when that is a row of sub-headers."""
    best: HeaderChoice | None = None
    best_rank: tuple[int, int] = (-1, -1)
    texts = [[clean_header(c) for c in row] for row in rows[:HEADER_SEARCH_ROWS]]
    for i, headers in enumerate(texts):
        if sum(1 for h in headers if h) < 2:
            continue
        ranked = index.rank(headers, kinds)
        if not ranked:
            continue
        match = ranked[0]
        choice = HeaderChoice(i, list(headers), match, ranked)
        if i + 1 < len(texts):
            doubled = _two_rows(headers, texts[i + 1])
            ranked2 = index.rank(doubled, kinds)
            if ranked2 and ranked2[0].complete and ranked2[0].score >= match.score:
                top = ranked2[0]
                schema = SCHEMAS[top.kind]
                must = (*schema.required, *schema.identity)
                if _is_sub_header(texts[i + 1], top, must):
                    choice = HeaderChoice(i, doubled, top, ranked2, rows=2)
        assert choice.match is not None
        rank = (1 if choice.match.complete else 0, choice.match.score)
        if rank > best_rank:
            best, best_rank = choice, rank
    if best is None:
        first = next((r for r in texts if any(r)), [])
        return HeaderChoice(0, list(first), None, [])
    return best


def _source(
    path: Path, display: str, fmt: str, size: int, choice: HeaderChoice, **kw: Any
) -> SourceFile:
    return SourceFile(
        path=path,
        display=display,
        format=fmt,
        size=size,
        header_row=choice.index + 1 if choice.match else 0,
        headers=[header_text(h) for h in choice.headers],
        match=choice.match,
        header_rows=choice.rows,
        candidates=choice.ranked[1:],
        file_name=display,
        **kw,
    )


def _probe_text(
    path: Path,
    display: str,
    size: int,
    head: bytes,
    index: AliasIndex,
    encoding: str | None,
    kinds: tuple[str, ...] | None,
    limits: Limits | None = None,
) -> SourceFile:
    complete = size <= len(head)
    enc = _encoding(display, head, complete, encoding)
    sample_bytes = head if complete else head[: head.rfind(b"\n") + 1] or head
    text = sample_bytes.decode(enc, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines()[:HEADER_SEARCH_ROWS]
    delimiter = _sniff_delimiter(lines)
    try:
        rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    except csv.Error as exc:
        raise InputError(f"{display}: the CSV cannot be parsed ({exc})") from None
    most = (limits or Limits()).columns
    wide = next((i for i, row in enumerate(rows) if len(row) > most), None)
    if wide is not None:
        cut = "" if wide + 1 < len(rows) or complete else " or more"
        raise InputError(
            f"{display}: row {wide + 1} has {len(rows[wide]):,}{cut} columns, over the limit "
            f"of {most:,} (limits.columns in rules/settings.yaml); no export csops reads has "
            "so many: check that it is the export meant"
        )
    choice = _best_header(rows, index, kinds)
    return _source(path, display, "csv", size, choice, encoding=enc, delimiter=delimiter)


def _encoding(display: str, head: bytes, complete: bool, given: str | None) -> str:
    if given:
        try:
            codecs.lookup(given)
        except LookupError:
            raise InputError(f"unknown encoding {given!r} given with --encoding") from None
        return given
    return _detect_encoding(display, head, complete)
