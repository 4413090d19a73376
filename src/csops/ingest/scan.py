"""The files of a folder: walked, probed, and what each header says (kind, missing columns)."""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from csops.errors import InputError, Problem
from csops.ingest.columns import AliasIndex, Match
from csops.ingest.read import SUPPORTED_SUFFIXES, Limits, SourceFile, probe
from csops.ingest.redact import redact
from csops.rules.base import normalize_word
from csops.rules.loader import RuleSet
from csops.schemas import KINDS, SCHEMAS

_DATA_LIKE = re.compile(r"\d{3}")  # a date, an amount, an ID: no header cell looks so


@dataclass
class FileReport:
    """One file as `inspect` shows it."""

    source: SourceFile | None
    display: str
    error: str | None = None  # the file cannot be read at all
    problems: list[Problem] = field(default_factory=list)
    rows: int | None = None
    date_range: tuple[str, str] | None = None

    @property
    def kind(self) -> str | None:
        return self.source.kind if self.source else None

    @property
    def target(self) -> str | None:
        """The kind this file's rows become (a punch record's: attendance)."""
        kind = self.kind
        return SCHEMAS[kind].target if kind else None

    @property
    def skipped(self) -> bool:
        """Recognised as an export csops does not use (a DingTalk 月度汇总)."""
        kind = self.kind
        return bool(
            kind
            and SCHEMAS[kind].skip
            and self.source
            and self.source.match
            and self.source.match.complete
        )

    @property
    def notes(self) -> list[str]:
        return self.source.notes if self.source else []


_OWN_NAME = re.compile(r"csops-\d{4}-\d{2}(\..+)?\.(xlsx|csv|json)", re.IGNORECASE)


def written_by_csops(path: Path) -> bool:
    """A file csops wrote (the month-end workbook and its detail files by name, any
    workbook by its author property): never read back as an export."""
    if _OWN_NAME.fullmatch(path.name):
        return True
    if path.suffix.lower() != ".xlsx":
        return False
    try:
        with zipfile.ZipFile(path) as book:
            core = book.read("docProps/core.xml")[:4096]
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return b"<dc:creator>csops</dc:creator>" in core


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = Path(root) / name
            if name.startswith((".", "~$")) or path.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            yield path


def _probe_reports(
    path: Path,
    display: str,
    index: AliasIndex,
    encoding: str | None,
    kinds: tuple[str, ...] | None = None,
    limits: Limits | None = None,
) -> list[FileReport]:
    try:
        sources = probe(path, display, index, encoding, kinds, limits)
    except InputError as exc:
        return [FileReport(None, display, error=exc.message)]
    return [_report(src) for src in sources]


def _report(src: SourceFile) -> FileReport:
    display = src.display
    if src.match is None:
        cells = [h for h in src.headers if h]
        if any(_DATA_LIKE.search(c) for c in cells):
            # A data row, not a header (e.g. the header row was deleted): its cells are a
            # customer's record and are not quoted.
            seen = "its first row holds data (dates, amounts, IDs), not column names"
        else:
            seen = f"first cells: {', '.join(redact(h) for h in cells[:6])}"
        return FileReport(
            src,
            display,
            error=f"{display}: no known header found in its first rows ({seen}); it is none "
            f"of: {', '.join(KINDS)}. If it is an export csops should read, add its headers "
            "to rules/columns.yaml",
        )
    report = FileReport(src, display)
    schema = SCHEMAS[src.match.kind]
    if not src.match.complete:
        report.problems.append(_missing_problem(src, None))
    elif schema.skip:
        src.notes.append(f"{display}: a {schema.label_zh}; not used: {schema.skip}")
        return report
    rival = _rival(src)
    if rival is not None:
        report.problems.append(
            Problem(
                file=display,
                message=f"the header fits both {src.match.kind} and {rival.kind} equally well; "
                f"pass the file as --{SCHEMAS[src.match.kind].target} FILE or "
                f"--{SCHEMAS[rival.kind].target} FILE to say which it is",
            )
        )
    if src.match.duplicates:
        report.problems.append(_duplicate_problem(src))
    return report


def _rival(src: SourceFile) -> Match | None:
    """A second kind the header fits just as well, which feeds another kind."""
    assert src.match is not None
    for other in src.candidates:
        if not other.complete or other.score < src.match.score:
            return None
        if SCHEMAS[other.kind].target != SCHEMAS[src.match.kind].target:
            return other
    return None


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _duplicate_problem(src: SourceFile) -> Problem:
    """Two columns share the header a field is read from: reading either could be wrong."""
    assert src.match is not None
    parts = []
    for name, positions in src.match.duplicates.items():
        where = ", ".join(_column_letter(p) for p in positions)
        parts.append(f"{src.headers[positions[0]]} ({name}) in columns {where}")
    return Problem(
        file=src.display,
        message=f"the header has the same name twice: {'; '.join(parts)}; csops cannot tell "
        "which column to read: delete or rename the extra column and save the file again",
    )


# Headers that look like the paid amount but are not what the buyer paid: a file with
# only these is refused, and the message says why (docs/inputs.md, "Meaning over name").
NOT_PAID = {
    "应付金额": "JD: the part paid beyond the JD balance; 聚水潭: the amount due",
    "应收金额": "旺店通: the receivable (goods + postage − discount), not what was paid",
    "款到发货金额": "旺店通: 0 for cash-on-delivery orders",
    "商家实收金额(元)": "拼多多: what the shop receives, platform discounts included",
    "买家应付货款": "Taobao: the goods before discounts and postage",
    "总金额": "Taobao: the list price total",
    "订单金额": "JD: the order total before discounts",
}


def _missing_problem(src: SourceFile, rules: RuleSet | None) -> Problem:
    assert src.match is not None
    missing = ", ".join(src.match.missing)
    headers = ", ".join(h for h in src.headers if h)
    what = (
        f"the required column {missing} is missing"
        if src.match.missing
        else f"it has {', '.join(src.match.excluded)}"
    )
    text = f"looks like {src.match.kind} but {what}; headers found: {headers[:300]}" + "".join(
        f"; it could also be {m.describe()}" for m in src.candidates[:1]
    )
    shown = {normalize_word(h): h for h in src.headers if h}
    not_paid = [f"{h} ({why})" for h, why in NOT_PAID.items() if normalize_word(h) in shown]
    if "paid_amount" in src.match.missing and not_paid:
        text += "; not read as the amount paid: " + "; ".join(not_paid)
    return Problem(
        file=src.display,
        message=f"{text}; if the missing column is there under another name, add that name "
        f"to rules/columns.yaml under {src.match.kind}",
    )
