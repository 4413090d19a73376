"""HTML tables that back ends save under an .xls name: spotting one, its encoding, its cells."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from csops.errors import InputError
from csops.ingest.columns import AliasIndex
from csops.ingest.sniff import _best_header, _detect_encoding, _encoding, _source
from csops.ingest.source import HEADER_SEARCH_ROWS, SourceFile

_HTML_START = re.compile(rb"^(\xef\xbb\xbf)?\s*<", re.S)
_HTML_TAG = re.compile(rb"<(table|html|tr)[\s>]", re.I)
_META_CHARSET = re.compile(rb"charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", re.I)


def _looks_like_html(head: bytes) -> bool:
    """Many back ends save an HTML table under an .xls name; Excel opens it as a sheet."""
    return bool(_HTML_START.match(head[:64])) and bool(_HTML_TAG.search(head[:8192]))


def _html_encoding(display: str, head: bytes, complete: bool, given: str | None) -> str:
    if given:
        return _encoding(display, head, complete, given)
    declared = _META_CHARSET.search(head[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        try:
            codecs.lookup(name)
        except LookupError:
            pass
        else:
            # GB2312 and GBK pages hold GB18030 characters as often as not.
            return "gb18030" if name in ("gb2312", "gbk") else name
    return _detect_encoding(display, head, complete)


def html_rows(path: Path, display: str, encoding: str) -> list[list[str]]:
    """The cells of the largest table of an HTML file, a list per row: a cell spanning
    columns or rows (colspan, rowspan) leaves empty cells where it spans, as a merged
    Excel cell does, so columns keep their places."""
    from lxml import etree, html

    try:
        text = path.read_bytes().decode(encoding, errors="replace")
        document = html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"{display}: the HTML table cannot be read ({exc})") from None
    tables = document.xpath("//table")
    if not tables:
        raise InputError(f"{display}: an HTML file without a table; export it again as xlsx")
    # The table with the most rows: pages sometimes wrap the data in a layout table.
    table = max(tables, key=lambda t: len(t.xpath(".//tr[not(ancestor::tr)]")))
    rows: list[list[str]] = []
    below: dict[int, int] = {}  # column → rows a cell above still covers (rowspan)
    for tr in table.xpath(".//tr[not(ancestor::tr)]"):
        row: list[str] = []
        for cell in tr.xpath("./td|./th"):
            _skip_covered(row, below)
            wide = _span(cell.get("colspan"))
            tall = _span(cell.get("rowspan"))
            for k in range(wide):
                if tall > 1:
                    below[len(row) + k] = tall - 1
            row.append(" ".join(cell.text_content().split()))
            row.extend([""] * (wide - 1))
        _skip_covered(row, below)
        rows.append(row)
    return rows


def _skip_covered(row: list[str], below: dict[int, int]) -> None:
    """Empty cells where a cell above spans down, as Excel shows a merged cell (its text
    in the first row only)."""
    while below.get(len(row), 0) > 0:
        below[len(row)] -= 1
        row.append("")


def _span(value: str | None) -> int:
    return min(int(value), 1000) if value and value.isdigit() and int(value) > 0 else 1


def _probe_html(
    path: Path,
    display: str,
    size: int,
    head: bytes,
    index: AliasIndex,
    encoding: str | None,
    kinds: tuple[str, ...] | None,
) -> SourceFile:
    enc = _html_encoding(display, head, size <= len(head), encoding)
    rows = html_rows(path, display, enc)
    choice = _best_header(rows[:HEADER_SEARCH_ROWS], index, kinds)
    return _source(path, display, "html", size, choice, encoding=enc)
