"""Closed months, kept in SQLite so year-end grades and three-month levels can use them.

A month is closed once: `close_month` writes every staff member's results of the month
(one JSON document per staff and section: `score`, `commission`, `chats`, …) together
with the rule set's SHA-256, each input file's name and SHA-256, and the time — all in
one transaction. Closing a closed month again is refused unless it is a reopen with a
reason; a reopen writes a new revision and keeps the earlier one, with the reason in
the `audit` table. `BEGIN IMMEDIATE` takes the write lock before anything is read, so a
second process closing at the same time waits (up to `timeout` seconds) and then sees
the month closed, or fails cleanly; it never half-writes.

A closed month proves it was not changed: every row a close writes is sealed in the
`seals` table, in order, each seal the SHA-256 of the row's content and the seal before
it (a hash chain). Every read of the ledger checks the whole chain first (`verify`); a
row edited, added or deleted by hand afterwards is one `LedgerError` naming the ledger,
the month and the staff member. A ledger written before seals existed is sealed as it is
when first opened, and the audit table says so.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from csops import __version__
from csops.errors import InputError, LedgerError

SCHEMA = """
CREATE TABLE IF NOT EXISTS months (
    month TEXT PRIMARY KEY,          -- YYYY-MM
    revision INTEGER NOT NULL,       -- the revision in force
    closed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS revisions (
    month TEXT NOT NULL,
    revision INTEGER NOT NULL,
    closed_at TEXT NOT NULL,
    rules_sha256 TEXT NOT NULL,
    csops_version TEXT NOT NULL,
    PRIMARY KEY (month, revision)
);
CREATE TABLE IF NOT EXISTS inputs (
    month TEXT NOT NULL,
    revision INTEGER NOT NULL,
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS results (
    month TEXT NOT NULL,
    revision INTEGER NOT NULL,
    section TEXT NOT NULL,           -- score, commission, chats, ...
    staff_id TEXT NOT NULL,
    data TEXT NOT NULL,              -- JSON document of that staff member's figures
    PRIMARY KEY (month, revision, section, staff_id)
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    month TEXT NOT NULL,
    action TEXT NOT NULL,            -- close, reopen, seal
    revision INTEGER NOT NULL,
    previous_revision INTEGER,
    reason TEXT
);
CREATE TABLE IF NOT EXISTS seals (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    month TEXT NOT NULL,
    revision INTEGER NOT NULL,
    section TEXT NOT NULL,           -- a results section, or '' for the revision itself
    staff_id TEXT NOT NULL,          -- '' for the revision itself
    digest TEXT NOT NULL             -- sha256(previous seal's digest, this row's content)
);
"""
_GENESIS = "csops-ledger"


@dataclass(frozen=True)
class InputFile:
    name: str
    sha256: str
    size: int

    @classmethod
    def of(cls, path: Path, name: str | None = None) -> InputFile:
        digest = hashlib.sha256()
        try:
            with path.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
        except OSError as exc:
            raise InputError(f"{name or path}: cannot be read ({exc.strerror})") from None
        return cls(name or str(path), digest.hexdigest(), path.stat().st_size)


@dataclass(frozen=True)
class Closed:
    month: str
    revision: int
    closed_at: str
    rules_sha256: str


class Ledger:
    def __init__(self, path: Path, timeout: float = 30.0) -> None:
        self.path = path
        self.timeout = timeout
        self._verified = 0

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        except (sqlite3.Error, OSError) as exc:
            raise LedgerError(f"ledger {self.path}: cannot be opened ({exc})") from None
        with closing(conn):
            try:
                conn.execute("PRAGMA foreign_keys = ON")
                conn.executescript(SCHEMA)
            except sqlite3.DatabaseError as exc:
                raise LedgerError(
                    f"ledger {self.path}: not a csops ledger or damaged ({exc}); "
                    "restore it from a backup or pass another --ledger"
                ) from None
            self._seal_legacy(conn)
            self._verified = verify(conn, self.path)
            yield conn

    def _seal_legacy(self, conn: sqlite3.Connection) -> None:
        """Seal the revisions of a ledger written before seals existed, once."""
        if conn.execute("SELECT 1 FROM seals LIMIT 1").fetchone() is not None:
            return
        revisions = conn.execute(
            "SELECT month, revision FROM revisions ORDER BY closed_at, month, revision"
        ).fetchall()
        if not revisions:
            return
        stamp = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        conn.execute("BEGIN IMMEDIATE")
        try:
            _seal(conn, revisions)
            conn.execute(
                "INSERT INTO audit (at, month, action, revision, previous_revision, reason) "
                "VALUES (?, '*', 'seal', 0, NULL, ?)",
                (stamp, f"rows closed before csops {__version__} sealed as they were"),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def verify(self) -> int:
        """Check the whole chain (every read does); the number of sealed rows."""
        if not self.path.exists():
            return 0
        with self._connect():
            return self._verified

    # ------------------------------------------------------------ writing

    def close_month(
        self,
        month: str,
        results: Mapping[str, Mapping[str, Mapping[str, Any]]],
        rules_sha256: str,
        inputs: Sequence[InputFile],
        *,
        reopen_reason: str | None = None,
        now: datetime | None = None,
        _between_writes: Any = None,
    ) -> Closed:
        """Store `results` (section → staff_id → figures) as the month's closed result."""
        stamp = (now or datetime.now()).strftime("%Y-%m-%d %H:%M:%S")
        with self._connect() as conn:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise LedgerError(
                    f"ledger {self.path} is busy ({exc}) — another csops run is closing a "
                    "month; try again when it has finished"
                ) from None
            try:
                row = conn.execute(
                    "SELECT revision, closed_at FROM months WHERE month = ?", (month,)
                ).fetchone()
                refusal = _refusal(month, row[1] if row else None, reopen_reason is not None)
                if refusal is not None:
                    raise LedgerError(refusal)
                previous = row[0] if row else None
                revision = (previous or 0) + 1
                conn.execute(
                    "INSERT INTO revisions VALUES (?, ?, ?, ?, ?)",
                    (month, revision, stamp, rules_sha256, __version__),
                )
                conn.executemany(
                    "INSERT INTO inputs VALUES (?, ?, ?, ?, ?)",
                    [(month, revision, f.name, f.sha256, f.size) for f in inputs],
                )
                if _between_writes is not None:
                    _between_writes()
                conn.executemany(
                    "INSERT INTO results VALUES (?, ?, ?, ?, ?)",
                    _result_rows(month, revision, results),
                )
                conn.execute(
                    "INSERT INTO months VALUES (?, ?, ?) ON CONFLICT(month) DO UPDATE SET "
                    "revision = excluded.revision, closed_at = excluded.closed_at",
                    (month, revision, stamp),
                )
                conn.execute(
                    "INSERT INTO audit (at, month, action, revision, previous_revision, reason) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        stamp,
                        month,
                        "reopen" if previous else "close",
                        revision,
                        previous,
                        reopen_reason,
                    ),
                )
                _seal(conn, [(month, revision)])
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return Closed(month, revision, stamp, rules_sha256)

    # ------------------------------------------------------------ reading

    def check_closable(self, month: str, *, reopening: bool) -> None:
        """Raise the refusal `close_month` would raise, before any work is done (the
        transaction checks again)."""
        closed_at = next((c.closed_at for c in self.closed_months() if c.month == month), None)
        refusal = _refusal(month, closed_at, reopening)
        if refusal is not None:
            raise LedgerError(refusal)

    def closed_months(self) -> list[Closed]:
        if not self.path.exists():
            return []
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT m.month, m.revision, m.closed_at, r.rules_sha256 FROM months m "
                "JOIN revisions r USING (month, revision) ORDER BY m.month"
            ).fetchall()
        return [Closed(*row) for row in rows]

    def results(
        self, section: str, months: Iterable[str] | None = None, staff_id: str | None = None
    ) -> list[dict[str, Any]]:
        """The in-force results of `section`: one dict per (month, staff) with `month` and
        `staff_id` added, ordered by month then staff."""
        if not self.path.exists():
            return []
        query = (
            "SELECT r.month, r.staff_id, r.data FROM results r JOIN months m "
            "ON m.month = r.month AND m.revision = r.revision WHERE r.section = ?"
        )
        params: list[Any] = [section]
        wanted = list(months) if months is not None else None
        if wanted is not None:
            query += f" AND r.month IN ({', '.join('?' * len(wanted))})"
            params += wanted
        if staff_id is not None:
            query += " AND r.staff_id = ?"
            params.append(staff_id)
        with self._connect() as conn:
            rows = conn.execute(query + " ORDER BY r.month, r.staff_id", params).fetchall()
        return [{"month": m, "staff_id": s, **json.loads(d)} for m, s, d in rows]

    def audit(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with self._connect() as conn:
            conn.row_factory = sqlite3.Row
            return [dict(r) for r in conn.execute("SELECT * FROM audit ORDER BY id")]

    def inputs(self, month: str) -> list[InputFile]:
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT i.file, i.sha256, i.size FROM inputs i JOIN months m "
                "ON m.month = i.month AND m.revision = i.revision WHERE i.month = ? "
                "ORDER BY i.file",
                (month,),
            ).fetchall()
        return [InputFile(*r) for r in rows]


def _refusal(month: str, closed_at: str | None, reopening: bool) -> str | None:
    if closed_at is not None and not reopening:
        return (
            f"{month} was closed on {closed_at} and closed months do not change; "
            'to replace it, run again with --reopen --reason "why"'
        )
    if closed_at is None and reopening:
        return f"{month} is not closed yet, so it cannot be reopened"
    return None


def _result_rows(
    month: str, revision: int, results: Mapping[str, Mapping[str, Mapping[str, Any]]]
) -> list[tuple[str, int, str, str, str]]:
    rows = []
    for section, by_staff in results.items():
        for staff_id, data in by_staff.items():
            text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
            rows.append((month, revision, section, str(staff_id), text))
    return rows


# ---------------------------------------------------------------- the seals


def _revision_content(conn: sqlite3.Connection, month: str, revision: int) -> str:
    """A revision's own rows (when, rules, version, input files, the audit entry)."""
    head = conn.execute(
        "SELECT closed_at, rules_sha256, csops_version FROM revisions "
        "WHERE month = ? AND revision = ?",
        (month, revision),
    ).fetchone()
    files = conn.execute(
        "SELECT file, sha256, size FROM inputs WHERE month = ? AND revision = ? "
        "ORDER BY file, sha256, size",
        (month, revision),
    ).fetchall()
    audit = conn.execute(
        "SELECT at, action, previous_revision, reason FROM audit "
        "WHERE month = ? AND revision = ? AND action != 'seal' ORDER BY id",
        (month, revision),
    ).fetchall()
    return json.dumps([month, revision, head, files, audit], ensure_ascii=False)


def _result_content(month: str, revision: int, section: str, staff_id: str, data: str) -> str:
    return json.dumps([month, revision, section, staff_id, data], ensure_ascii=False)


def _chain(previous: str, content: str) -> str:
    return hashlib.sha256(f"{previous}\0{content}".encode()).hexdigest()


def _seal(conn: sqlite3.Connection, revisions: Sequence[tuple[str, int]]) -> None:
    """Append the seals of `revisions` (in this order) to the chain."""
    row = conn.execute("SELECT digest FROM seals ORDER BY seq DESC LIMIT 1").fetchone()
    last = row[0] if row else _GENESIS
    for month, revision in revisions:
        last = _chain(last, _revision_content(conn, month, revision))
        conn.execute(
            "INSERT INTO seals (month, revision, section, staff_id, digest) "
            "VALUES (?, ?, '', '', ?)",
            (month, revision, last),
        )
        rows = conn.execute(
            "SELECT section, staff_id, data FROM results WHERE month = ? AND revision = ? "
            "ORDER BY section, staff_id",
            (month, revision),
        ).fetchall()
        for section, staff_id, data in rows:
            last = _chain(last, _result_content(month, revision, section, staff_id, data))
            conn.execute(
                "INSERT INTO seals (month, revision, section, staff_id, digest) "
                "VALUES (?, ?, ?, ?, ?)",
                (month, revision, section, staff_id, last),
            )


def verify(conn: sqlite3.Connection, path: Path) -> int:
    """Recompute the chain over the ledger's rows; raise on the first row that differs
    from what was sealed, or on a row no seal covers. Returns the rows checked."""
    results = {
        (m, r, sec, sid): data
        for m, r, sec, sid, data in conn.execute(
            "SELECT month, revision, section, staff_id, data FROM results"
        )
    }
    last, count = _GENESIS, 0
    sealed_revisions: dict[str, int] = {}
    for month, revision, section, staff_id, digest in conn.execute(
        "SELECT month, revision, section, staff_id, digest FROM seals ORDER BY seq"
    ).fetchall():
        if section == "":
            content = _revision_content(conn, month, revision)
            sealed_revisions[month] = max(sealed_revisions.get(month, 0), revision)
        else:
            data = results.pop((month, revision, section, staff_id), None)
            if data is None:
                raise _tampered(path, month, staff_id, section, "was deleted")
            content = _result_content(month, revision, section, staff_id, data)
        last = _chain(last, content)
        if last != digest:
            if section == "":
                raise _tampered(path, month, None, "closing record", "was changed")
            raise _tampered(path, month, staff_id, section, "was changed")
        count += 1
    if results:
        month, _, section, staff_id = min(results)
        raise _tampered(path, month, staff_id, section, "was added")
    for month, revision in conn.execute("SELECT month, revision FROM months"):
        if sealed_revisions.get(month) != revision:
            raise _tampered(path, month, None, "revision in force", "was changed")
    return count


def _tampered(path: Path, month: str, staff_id: str | None, what: str, how: str) -> LedgerError:
    who = f", staff {staff_id}" if staff_id else ""
    return LedgerError(
        f"ledger {path}: {month}{who}: the closed {what} {how} after closing (the ledger's "
        "seals do not match); closed months do not change: restore the ledger from a "
        "backup (csops history --verify checks it)"
    )
