"""The error hierarchy, row-problem records and the exit codes the CLI maps them to.

A `CsopsError` carries a message written for a shop manager: what is wrong, what was
found, what to do. The CLI prints it as one line on stderr and exits with `exit_code`;
nothing else in csops catches exceptions broadly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

EXIT_OK = 0
EXIT_DATA = 1  # bad input data or a failed validation
EXIT_USAGE = 2  # bad command line or rule file
EXIT_ALERT = 3  # the command ran and found something a cron job should act on
EXIT_BUSY = 4  # another run holds the lock of the output folder (csops monthly)


class CsopsError(Exception):
    """Base of every error csops reports to the user."""

    exit_code = EXIT_DATA

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details)

    def __str__(self) -> str:
        return self.message


class InputError(CsopsError):
    """An input file cannot be read or holds values that cannot be used."""

    exit_code = EXIT_DATA


class RuleError(CsopsError):
    """A rule or settings file is invalid."""

    exit_code = EXIT_USAGE


class LedgerError(CsopsError):
    """The ledger refuses (a month already closed) or cannot be used (locked, damaged), or
    the months a figure reads from it are not closed."""


class UsageError(CsopsError):
    """The command line asks for something impossible (a bad --month, a missing folder)."""

    exit_code = EXIT_USAGE


@dataclass
class Problem:
    """Values of one column of one file that could not be used, collected rather than raised.

    `rows` are spreadsheet row numbers (1-based, header row counted) as a person sees them
    when opening the file; `samples` are the offending values for the first few rows.
    """

    file: str
    message: str
    column: str | None = None
    rows: list[int] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)
    count: int = 0
    expected: str | None = None
    fatal: bool = True

    @classmethod
    def at(
        cls,
        rows: pd.DataFrame,
        message: str,
        *,
        column: str | None = None,
        field: str | None = None,
        samples: Any = None,
        expected: str | None = None,
    ) -> Problem:
        """The problem of the offending `rows` of a cleaned frame: their files (`_file`),
        first spreadsheet row numbers (`_row`), how many, and the first sample values
        (`samples`: a sequence or Series aligned with `rows`). With `field` (a canonical
        name) the column is named as each file's own header calls it (`column` when the
        frame does not say)."""
        shown = [] if samples is None else [str(v) for v in list(samples)[:3]]
        if field is not None:
            column = header_in(rows, field) or column or field
        return cls(
            file=", ".join(sorted(set(rows["_file"].astype(str)))) or "(no file)",
            message=message,
            column=column,
            rows=[int(r) for r in rows["_row"].head(10)],
            samples=shown,
            count=len(rows),
            expected=expected,
        )

    def __str__(self) -> str:
        where = self.file + (f": column {self.column}" if self.column else "")
        text = f"{where}: {self.message}"
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:3])
            more = ", …" if self.count > 3 else ""
            if self.samples:
                quoted = ", ".join(repr(s) for s in self.samples[:3])
                text += f" (rows {shown}{more}: {quoted}{more})"
            else:
                text += f" (rows {shown}{more})"
        if self.expected:
            text += f" — expected {self.expected}"
        return text


def header_in(rows: pd.DataFrame, field: str) -> str | None:
    """How the files of `rows` head the column of a canonical field (`发送方`, or
    `发送方 / 消息方向` across two layouts): a frame read by `Inputs` keeps each file's
    headers in `attrs["headers"]`; None when it does not."""
    headers = rows.attrs.get("headers") or {}
    if "_file" not in rows or not headers:
        return None
    names = []
    for file in dict.fromkeys(rows["_file"].astype(str)):
        name = headers.get(file, {}).get(field)
        if name and name not in names:
            names.append(name)
    return " / ".join(names) or None


def files_lacking(rows: pd.DataFrame, field: str) -> list[str]:
    """The files of `rows` whose export has no column for a canonical field (a JD export
    among Taobao ones has no 退款金额), by the headers a frame read by `Inputs` keeps."""
    headers = rows.attrs.get("headers") or {}
    if "_file" not in rows or not headers:
        return []
    files = dict.fromkeys(rows["_file"].astype(str))
    return [f for f in files if f in headers and field not in headers[f]]


def raise_problems(problems: Sequence[Problem], error: type[CsopsError] = InputError) -> None:
    """Raise one error listing every fatal problem, if there is any."""
    fatal = [p for p in problems if p.fatal]
    if not fatal:
        return
    if len(fatal) == 1:
        raise error(str(fatal[0]))
    head = f"{len(fatal)} problems in the input files:"
    raise error(head + "\n" + "\n".join(f"  - {p}" for p in fatal), details=[str(p) for p in fatal])
