"""Find the exports in a folder, classify each by its header, load the kinds a command needs.

`scan()` probes every file (cheap: the first 256 KB or 30 rows; `csops.ingest.scan`);
`Inputs.load()` reads the kinds asked for, reshapes each file into rows of the kind it
feeds (`csops.ingest.feeds`), concatenates the parts of a kind (a month exported in
pieces), drops rows repeated across parts and turns every unreadable value into a
`Problem`.
"""

from __future__ import annotations

import codecs
import stat
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from csops.errors import InputError, Problem, UsageError, raise_problems
from csops.ingest.clean import clean_columns, empty_frame
from csops.ingest.columns import AliasIndex
from csops.ingest.feeds import _target_headers, reshape_file
from csops.ingest.private_text import mask_column, masked_note
from csops.ingest.read import (
    SUPPORTED_SUFFIXES,
    Limits,
    SourceFile,
    not_regular,
    not_regular_kind,
    read_columns,
)
from csops.ingest.scan import FileReport, _probe_reports, _walk, written_by_csops
from csops.messages import Msg
from csops.rules.loader import RuleSet
from csops.rules.vocab import ValueWords
from csops.schemas import SCHEMAS, feeders

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
        limits = limits_of(rules)
        explicit = {k: list(v) for k, v in (explicit or {}).items() if v}
        given = {p.resolve() for paths in explicit.values() for p in paths}
        reports: list[FileReport] = []
        notes: list[str] = []
        if data_dir is not None:
            if not data_dir.is_dir():
                raise UsageError(f"data folder {data_dir} does not exist")
            found = [p for p in _walk(data_dir) if p.resolve() not in given]
            # Only regular files: a named pipe would block the run forever (and its lock).
            special = [(p, m) for p in found if not stat.S_ISREG(m := p.stat().st_mode)]
            if special:
                notes.append(
                    Msg(
                        "read.not_regular",
                        count=len(special),
                        data=data_dir,
                        items=[
                            Msg(
                                "read.not_regular_item",
                                path=p.relative_to(data_dir),
                                what=Msg(f"read.what.{not_regular_kind(m)}"),
                            )
                            for p, m in special[:5]
                        ],
                    )
                )
                found = [p for p in found if p not in {s for s, _ in special}]
            own = [p for p in found if written_by_csops(p)]
            if own:
                names = ", ".join(str(p.relative_to(data_dir)) for p in own[:5])
                notes.append(
                    Msg(
                        "read.own_files",
                        count=len(own),
                        data=data_dir,
                        items=f"{names}{', …' if len(own) > 5 else ''}",
                    )
                )
                found = [p for p in found if p not in own]
            if not found and not explicit:
                raise UsageError(
                    f"data folder {data_dir} holds no CSV or Excel files "
                    f"({', '.join(sorted(SUPPORTED_SUFFIXES))})"
                )
            for path in found:
                reports.extend(
                    _probe_reports(
                        path, str(path.relative_to(data_dir)), index, encoding, limits=limits
                    )
                )
        for kind, paths in explicit.items():
            for path in paths:
                if path.exists() and not path.is_file() or path.is_fifo():
                    raise UsageError(
                        f"--{kind} {path}: {not_regular(path.stat().st_mode)}, not a file; give an "
                        "export file"
                    )
                if not path.is_file():
                    raise UsageError(f"--{kind} {path}: no such file")
                reports.extend(
                    _probe_reports(path, str(path), index, encoding, feeders(kind), limits)
                )
        return cls(rules=rules, files=reports, data_dir=data_dir, now=now, notes=notes)

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
                        shaped = reshape_file(self.rules, source_kind, report, df, lazy)
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
        with _progress(src, self.rules.settings.lang):
            lazy_fields = frozenset(n for n in wanted if schema.field(n).lazy)
            raw = read_columns(src, wanted, unquoted=lazy_fields)
        colours = self.rules.get(ValueWords).flag_codes()
        df, problems = clean_columns(src, schema, raw, self.now, colours)
        for name in wanted:
            if schema.field(name).private and name in df:
                df[name], found = mask_column(df[name])
                if found:
                    header = src.headers[src.match.mapping[name]]
                    self.notes.append(masked_note(src.display, header, found))
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


@contextmanager
def _progress(src: SourceFile, lang: str = "zh") -> Iterator[None]:
    """A spinner on stderr while a big file is read, in the report's language; never on
    stdout or a non-terminal."""
    if src.size < PROGRESS_BYTES or not sys.stderr.isatty():
        yield
        return
    from rich.console import Console
    from rich.text import Text

    from csops.terminal import visible

    console = Console(stderr=True)
    name, size = visible(src.display), src.size >> 20
    text = f"正在读取 {name}（{size} MB）…" if lang == "zh" else f"reading {name} ({size} MB)…"
    with console.status(Text(text)):
        yield


def limits_of(rules: RuleSet) -> Limits:
    """settings.yaml `limits` in the reader's units."""
    limits = rules.settings.limits
    return Limits(
        workbook_bytes=limits.workbook_mb << 20,
        csv_row_bytes=limits.csv_row_mb << 20,
        columns=limits.columns,
    )
