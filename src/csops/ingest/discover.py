"""Find the exports in a folder, classify each by its header, load the kinds a command needs.

`scan()` probes every file (cheap: the first 256 KB or 30 rows); `Inputs.load()` reads
the kinds asked for, concatenates the parts of a kind (a month exported in pieces),
drops rows repeated across parts and turns every unreadable value into a `Problem`.
"""

from __future__ import annotations

import codecs
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from csops.errors import InputError, Problem, UsageError, raise_problems
from csops.ingest.clean import clean_columns, empty_frame
from csops.ingest.columns import AliasIndex, Match
from csops.ingest.read import SUPPORTED_SUFFIXES, SourceFile, probe, read_columns
from csops.ingest.redact import redact
from csops.ingest.reshape import (
    Reshaped,
    collapse_order_lines,
    days_from_punches,
    messages_from_transcripts,
    orders_from_items,
)
from csops.rules.base import normalize_word
from csops.rules.commission import CommissionRules
from csops.rules.loader import RuleSet
from csops.rules.scoring import ScoringRules
from csops.rules.shipping import ShippingRules
from csops.rules.vocab import ValueWords
from csops.schemas import KINDS, SCHEMAS, feeders

_DATA_LIKE = re.compile(r"\d{3}")  # a date, an amount, an ID: no header cell looks so
PROGRESS_BYTES = 32 << 20  # files above this take a second or more: show a spinner

# The field that gives a kind's date range in `inspect`.
TIME_FIELD = {
    "orders": "paid_at",
    "order_items": "paid_at",
    "attendance": "date",
    "punches": "time",
    "chat_sessions": "start",
    "leave": "start",
    "schedule": "date",
    "chats": "time",
    "incidents": "date",
    "qa": "date",
}


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


@dataclass
class Inputs:
    """The shop's exports as typed canonical frames, one per kind."""

    rules: RuleSet
    files: list[FileReport]
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    data_dir: Path | None = None
    # The run's clock, for "dated in the future" (csops.ingest.clean.PAST_FIELDS); None:
    # this machine's clock when the files are read.
    now: pd.Timestamp | None = None

    # ------------------------------------------------------------ building

    @classmethod
    def scan(
        cls,
        rules: RuleSet,
        data_dir: Path | None = None,
        explicit: Mapping[str, Sequence[Path]] | None = None,
        encoding: str | None = None,
        now: pd.Timestamp | None = None,
    ) -> Inputs:
        """Probe the files of `data_dir` and the files given per kind. `now`: the run's
        clock for the future-date check (default: this machine's clock)."""
        if encoding:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise UsageError(
                    f"--encoding {encoding!r}: unknown encoding; "
                    "e.g. utf-8, gb18030, big5 or utf-16"
                ) from None
        index = AliasIndex(rules.columns)
        explicit = {k: list(v) for k, v in (explicit or {}).items() if v}
        given = {p.resolve() for paths in explicit.values() for p in paths}
        reports: list[FileReport] = []
        if data_dir is not None:
            if not data_dir.is_dir():
                raise UsageError(f"data folder {data_dir} does not exist")
            found = [p for p in _walk(data_dir) if p.resolve() not in given]
            if not found and not explicit:
                raise UsageError(
                    f"data folder {data_dir} holds no CSV or Excel files "
                    f"({', '.join(sorted(SUPPORTED_SUFFIXES))})"
                )
            for path in found:
                reports.extend(
                    _probe_reports(path, str(path.relative_to(data_dir)), index, encoding)
                )
        for kind, paths in explicit.items():
            for path in paths:
                if not path.is_file():
                    raise UsageError(f"--{kind} {path}: no such file")
                reports.extend(_probe_reports(path, str(path), index, encoding, feeders(kind)))
        return cls(rules=rules, files=reports, data_dir=data_dir, now=now)

    def load(
        self,
        kinds: Sequence[str],
        *,
        strict: bool = True,
        lazy: bool = False,
        on_loaded: Callable[[str], None] | None = None,
    ) -> Inputs:
        """Read every file of the given kinds, in that order. With `strict`, any problem is
        an InputError (raised once every kind is read). `lazy` also reads the fields marked
        lazy in the schemas (chat message text). `on_loaded(kind)` is called as soon as a
        kind's frame is in `frames`, before the next kind is read: work on one export can
        start while the others are read (it must not raise, and must not rely on the
        frame being free of problems: those are raised at the end).

        Each file is read and mapped on its own, reshaped into the rows of its kind (a
        子订单 sheet into orders, punches into days, transcripts into messages), and only
        then are a kind's files combined. A file that cannot be read at all is always
        fatal, whatever its kind: it might hold the orders a commission depends on.
        """
        unreadable = [
            f"{r.display}: {r.error}" if not r.error.startswith(r.display) else r.error
            for r in self.files
            if r.error
        ]
        if unreadable and strict:
            raise InputError(
                unreadable[0]
                if len(unreadable) == 1
                else f"{len(unreadable)} files cannot be read:\n"
                + "\n".join(f"  - {u}" for u in unreadable)
            )
        problems: list[Problem] = []
        for kind in kinds:
            if kind in self.frames:
                continue
            read: dict[str, list[tuple[FileReport, pd.DataFrame]]] = {}
            for source_kind in feeders(kind):
                for report in self.files:
                    if report.kind != source_kind or report.source is None or report.skipped:
                        continue
                    df = self._read(report, lazy)
                    if df is not None:
                        shaped = self._reshape(source_kind, report, df, lazy)
                        report.problems.extend(shaped.problems)
                        report.source.notes.extend(shaped.notes)
                        read.setdefault(source_kind, []).append((report, shaped.frame))
                    problems.extend(report.problems)
            parts = self._combine(kind, read)
            if parts:
                frame = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
                if len(parts) > 1:
                    frame["_file"] = frame["_file"].astype("category")
                frame, dedupe_problems = self._dedupe(kind, frame, multi=len(parts) > 1)
                problems.extend(dedupe_problems)
                frame.attrs["headers"] = {
                    report.display: _target_headers(source_kind, report.source)
                    for source_kind, pairs in read.items()
                    for report, _ in pairs
                    if report.source is not None
                }
                self.frames[kind] = frame
                if on_loaded is not None:
                    on_loaded(kind)
        if strict:
            raise_problems(problems)
        return self

    def _reshape(
        self, source_kind: str, report: FileReport, df: pd.DataFrame, lazy: bool
    ) -> Reshaped:
        """One file's rows as rows of the kind it feeds."""
        src = report.source
        assert src is not None
        if source_kind == "orders":
            shaped = collapse_order_lines(df, report.display)
        elif source_kind == "order_items":
            closed = self.rules.get(CommissionRules).closed_statuses
            shaped = orders_from_items(
                df, report.display, frozenset(normalize_word(w) for w in closed)
            )
        elif source_kind == "punches":
            attendance = self.rules.get(ScoringRules).attendance
            shaped = days_from_punches(
                df, report.display, attendance.night_minutes(), attendance.punch_repeat_minutes
            )
        elif source_kind == "chat_sessions":
            words = self.rules.get(ValueWords).chat_direction
            shaped = messages_from_transcripts(
                df, report.display, src.header_of("transcript"), words.buyer[0], words.staff[0]
            )
            if not lazy:  # message text is read only when asked for, as from a chat log
                shaped.frame = shaped.frame.drop(columns=["text"])
        else:
            return Reshaped(df)
        if source_kind in ("orders", "order_items"):
            self._payment_checks(report, shaped)
        return shaped

    def _payment_checks(self, report: FileReport, shaped: Reshaped) -> None:
        """Notes on what an order export says about payment: JD's 结算金额 against 余额支付
        + 应付金额, and a payment time the export does not have."""
        src = report.source
        assert src is not None
        frame = shaped.frame
        parts = ("paid_amount_fen", "balance_amount_fen", "payable_amount_fen")
        if all(c in frame for c in parts):
            paid, balance, payable = (frame[c] for c in parts)
            differ = (balance.fillna(0) + payable.fillna(0) != paid).fillna(False).astype(bool)
            if differ.any():
                rows = ", ".join(str(r) for r in frame["_row"][differ].head(5))
                shaped.notes.append(
                    f"{report.display}: {int(differ.sum())} orders whose "
                    f"{src.header_of('paid_amount')} is not {src.header_of('balance_amount')} "
                    f"+ {src.header_of('payable_amount')} (rows {rows}); "
                    f"{src.header_of('paid_amount')} was taken as what the buyer paid"
                )
        if "paid_at" in frame:
            return
        if self.rules.settings.paid_time_fallback == "created_at" and "created_at" in frame:
            unpaid_words = {normalize_word(w) for w in self._unpaid_statuses()}
            status = frame["status"] if "status" in frame else pd.Series(pd.NA, index=frame.index)
            unpaid = status.map(
                lambda v: isinstance(v, str) and normalize_word(v) in unpaid_words
            ).astype(bool)
            frame["paid_at"] = frame["created_at"].where(~unpaid)
            shaped.notes.append(
                f"{report.display}: the export has no payment time (订单付款时间); as "
                "settings.yaml allows (paid_time_fallback: created_at), each order not "
                f"waiting for payment was taken as paid when it was created "
                f"({src.header_of('created_at')})"
            )
        else:
            shaped.notes.append(
                f"{report.display}: the export has no payment time (订单付款时间, 付款时间, "
                "支付时间): commission and the overdue list cannot use its orders; export "
                "it with the payment time, or set paid_time_fallback: created_at in "
                "settings.yaml to take the order's creation time instead"
            )

    def _unpaid_statuses(self) -> list[str]:

        return list(self.rules.get(ShippingRules).status.unpaid)

    def _combine(
        self, kind: str, read: dict[str, list[tuple[FileReport, pd.DataFrame]]]
    ) -> list[pd.DataFrame]:
        """A kind's frames, its feeders' reshaped frames after its own: items of orders an
        order export lists are dropped (the order export wins). (Punch days a daily export
        lists are dropped by the scoring, once names are resolved through the roster.)"""
        own = [frame for _, frame in read.get(kind, [])]
        parts = list(own)
        for source_kind in feeders(kind)[1:]:
            for report, frame in read.get(source_kind, []):
                if kind == "orders" and own:
                    listed = pd.concat([f["order_id"] for f in own], ignore_index=True)
                    also = frame["order_id"].isin(set(listed.dropna()))
                    if also.any():
                        assert report.source is not None
                        if also.all():  # nothing of this sheet is added up after all
                            report.source.notes[:] = [
                                n for n in report.source.notes if "added up per order" not in n
                            ]
                        report.source.notes.append(
                            f"{report.display}: {int(also.sum())} orders are also in the "
                            "order export; their items were not counted again"
                        )
                        frame = frame[~also.to_numpy()].reset_index(drop=True)
                if len(frame):
                    parts.append(frame)
        return parts

    def _read(self, report: FileReport, lazy: bool) -> pd.DataFrame | None:
        src = report.source
        assert src is not None and src.match is not None
        schema = SCHEMAS[src.kind or ""]
        if src.match.missing or src.match.duplicates:
            return None  # the problem was recorded when the file was probed
        wanted = {
            name: pos
            for name, pos in src.match.mapping.items()
            if lazy or not schema.field(name).lazy
        }
        with _progress(src):
            lazy_fields = frozenset(n for n in wanted if schema.field(n).lazy)
            raw = read_columns(src, wanted, unquoted=lazy_fields)
        colours = self.rules.get(ValueWords).flag_codes()
        df, problems = clean_columns(src, schema, raw, self.now, colours)
        src.rows = len(df)
        report.rows = len(df)
        report.problems.extend(problems)
        if len(df) == 0:
            report.problems.append(
                Problem(
                    src.display,
                    "the file has a header but no data rows; "
                    "export it again with the date range that holds data",
                )
            )
        time_field = TIME_FIELD.get(src.kind or "")
        if time_field and time_field in df and df[time_field].notna().any():
            col = df[time_field]
            report.date_range = (f"{col.min():%Y-%m-%d}", f"{col.max():%Y-%m-%d}")
        return df

    def _dedupe(
        self, kind: str, frame: pd.DataFrame, multi: bool
    ) -> tuple[pd.DataFrame, list[Problem]]:
        schema = SCHEMAS[kind]
        canon = [c for c in frame.columns if not c.startswith("_")]
        problems: list[Problem] = []
        if schema.dedupe_key:
            key = list(schema.dedupe_key)
            repeated = frame.duplicated(subset=key, keep=False)
            if not repeated.any():
                return frame, problems
            same = frame.duplicated(subset=canon, keep="first")
            if same.any():
                self.notes.append(
                    f"{kind}: {int(same.sum())} rows repeated exactly (same {', '.join(key)}, "
                    "same values) were counted once"
                )
                frame = frame[~same].reset_index(drop=True)
            clash = frame.duplicated(subset=key, keep=False)
            if clash.any():
                rows = frame[clash]
                first_key = rows[key[0]].iloc[0]
                header = self._header(kind, key[0], str(rows["_file"].iloc[0]))
                problems.append(
                    Problem(
                        file=", ".join(sorted(set(rows["_file"].astype(str)))),
                        column=header,
                        message=f"{int(clash.sum())} rows have the same {header} but differ in "
                        f"other values (e.g. {first_key}); remove the outdated copy",
                        rows=rows["_row"].head(10).tolist(),
                        samples=[str(v) for v in rows[key[0]].head(3)],
                        count=int(clash.sum()),
                    )
                )
            return frame, problems
        if multi:
            dup = frame.duplicated(subset=canon, keep="first")
            if dup.any():
                first_file = frame.groupby(canon, dropna=False, observed=True, sort=False)[
                    "_file"
                ].transform("first")
                across = dup & (frame["_file"].astype(str) != first_file.astype(str))
                if across.any():
                    self.notes.append(
                        f"{kind}: {int(across.sum())} rows repeated exactly in two export "
                        "parts were counted once"
                    )
                    frame = frame[~across].reset_index(drop=True)
        return frame, problems

    def _header(self, kind: str, name: str, display: str) -> str:
        """The export's own header of a field in one file (the field name if unknown)."""
        for report in self.files:
            src = report.source
            if report.display == display and src and src.match and name in src.match.mapping:
                return src.headers[src.match.mapping[name]]
        return name

    # ------------------------------------------------------------ access

    def has(self, kind: str) -> bool:
        return kind in self.frames and len(self.frames[kind]) > 0

    def frame(self, kind: str) -> pd.DataFrame:
        """The kind's frame; a zero-row frame with every column when no file had it."""
        if kind in self.frames:
            return self.frames[kind]
        schema = SCHEMAS[kind]
        return empty_frame(schema, list(schema.field_names))

    def require(self, kind: str, fields: Sequence[str] = (), command: str = "") -> pd.DataFrame:
        """The kind's frame, or an InputError saying which export or column is missing."""
        files = [r for r in self.files if r.target == kind and not r.skipped]
        if not files:
            where = f"in {self.data_dir}" if self.data_dir else "among the given files"
            seen = ", ".join(r.display for r in self.files[:8]) or "none"
            hint = "".join(
                f"; {r.display} is a {SCHEMAS[r.kind or ''].label_zh}, which csops does not "
                f"use: {SCHEMAS[r.kind or ''].skip}"
                for r in self.files
                if r.skipped and r.target == kind
            )
            raise InputError(
                f"no {SCHEMAS[kind].label_zh} ({kind}) export found {where} (files seen: "
                f"{seen}){hint}; add one or pass --{kind} FILE"
            )
        frame = self.frame(kind)
        schema = SCHEMAS[kind]
        for name in fields:
            if schema.field(name).column not in frame.columns:
                aliases = self.rules.columns.for_kind(kind).get(name, [])
                headers = files[0].source.headers if files[0].source else []
                raise InputError(
                    f"{files[0].display}: column {name} ({' / '.join(aliases[:4])}) is needed"
                    f"{' by ' + command if command else ''} but not found; headers found: "
                    f"{', '.join(h for h in headers if h)[:300]}; add the file's header for it "
                    f"to rules/columns.yaml under {kind}.{name}"
                )
        return frame


# How each field of a feeding kind appears in the kind it feeds: for messages about a
# combined frame to name the column each file has.
_FEEDS_AS: dict[str, dict[str, tuple[str, ...]]] = {
    "punches": {
        "time": ("clock_in", "clock_out"),
        "result": ("clock_in_result", "clock_out_result"),
    },
    "chat_sessions": {"transcript": ("time", "direction", "text"), "start": ()},
}


def _target_headers(source_kind: str, src: SourceFile | None) -> dict[str, str]:
    """field of the target kind → the file's own header (for messages)."""
    if src is None or src.match is None:
        return {}
    renames = _FEEDS_AS.get(source_kind, {})
    out: dict[str, str] = {}
    for name, pos in src.match.mapping.items():
        for target in renames.get(name, (name,)):
            out[target] = src.headers[pos]
    return out


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
) -> list[FileReport]:
    try:
        sources = probe(path, display, index, encoding, kinds)
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


@contextmanager
def _progress(src: SourceFile) -> Iterator[None]:
    """A spinner on stderr while a big file is read; never on stdout or a non-terminal."""
    if src.size < PROGRESS_BYTES or not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    console = Console(stderr=True)
    with console.status(f"reading {src.display} ({src.size >> 20} MB)…"):
        yield
