"""The cells of a report: sheets and columns, a value's text, and the one guard for input
text (`inert`: a cell a spreadsheet would run as a formula gets a leading `'`, the OWASP
CSV-injection rule; `visible`: control characters and bidi overrides shown as escapes on
a terminal or in a log line). Every writer — the CSV writer (`report.detail`), the workbooks
(`report.workbook`, `report.output.write_xlsx`) and the tables — takes its cells from here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

import numpy as np
import pandas as pd

from csops.terminal import visible  # noqa: F401 (the writers' guard, re-exported)

# rate: a share shown to 0.1% (98.6%); percent: an exact rate as written (0.8%, 1.25%).
ColumnType = Literal[
    "text", "int", "number", "money", "rate", "percent", "datetime", "date", "seconds"
]
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MONEY = "#,##0.00"
# Each column type's Excel number format (the workbook, its charts' data labels).
NUMBER_FORMATS: dict[ColumnType, str] = {
    "money": MONEY,
    "rate": "0.0%",
    "percent": "0.0##%",
    "datetime": "yyyy-mm-dd hh:mm:ss",
    "date": "yyyy-mm-dd",
    "seconds": "0.0",
    "int": "0",
    "number": "General",
}


@dataclass
class Column:
    key: str  # canonical name: the frame's column and the label key
    type: ColumnType = "text"
    # A result a reader looks for first (合计, 得分, 等级): in a terminal too narrow for
    # every column it is shown right after the first two.
    lead: bool = False


@dataclass
class Sheet:
    """One table of a report: a frame, which columns to show and how, optional row styles."""

    key: str  # label key of the sheet / table title
    frame: pd.DataFrame
    columns: list[Column]
    styles: pd.Series | None = None  # per row: a Rich style name (also used for xlsx fills)


# ---------------------------------------------------------------- cell values


def inert(value: str) -> str:
    """Text that a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(DANGEROUS_PREFIXES) else value


def _plain(value: Any) -> Any:
    if value is None or (not isinstance(value, str | bytes) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        # numpy int64/float64/bool_ are not int/float/bool: without this the xlsx writer
        # stores them as text.
        return value.item()
    return value


def cell_text(value: Any, type_: ColumnType) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if type_ == "money" and isinstance(value, Decimal | int | float):
        return f"{Decimal(value):.2f}" if not isinstance(value, Decimal) else f"{value:.2f}"
    if type_ == "percent" and isinstance(value, int | float | Decimal):
        return f"{(Decimal(str(value)) * 100).normalize():f}%"
    if type_ == "rate" and isinstance(value, int | float | Decimal):
        return f"{float(value) * 100:.1f}%"
    if type_ == "number" and isinstance(value, float):
        return f"{value:g}"
    if type_ == "seconds" and isinstance(value, int | float):
        return f"{value:.1f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" if type_ == "datetime" else "%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# Digit strings Excel would damage on opening a CSV: 12 digits or more (shown as 4.01E+18,
# digits past the 15th lost) or a leading zero (dropped).
LONG_DIGITS = r"^(?:[0-9]{12,}|0[0-9]+)$"
_LONG_DIGITS = re.compile(LONG_DIGITS)


def excel_text(text: str) -> str:
    """A digit string Excel would turn into a number, as Excel's own text formula
    `="4017416467503361010"` (the form Taobao's exports use). Only whole digit strings
    take this form — csops's wrapping of digits it checked, never input text: text that
    starts with = is made inert before (`inert`)."""
    return f'="{text}"' if _LONG_DIGITS.match(text) else text


def csv_cell(value: Any, type_: ColumnType) -> str:
    """A CSV cell before quoting: text is made inert; a number csops computed (−2, −0.5)
    stays a number. The writer then quotes it and keeps long digit strings as text for
    Excel (`excel_text`)."""
    text = cell_text(value, type_)
    plain = _plain(value)
    if isinstance(plain, int | float | Decimal) and not isinstance(plain, bool):
        return text
    return inert(text)
