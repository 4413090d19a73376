"""A probed file (`SourceFile`), the text columns read from it (`RawColumns`), probing's limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from csops.errors import Problem
from csops.ingest.columns import Match

SAMPLE_BYTES = 256 * 1024
HEADER_SEARCH_ROWS = 30
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | EXCEL_SUFFIXES


@dataclass(frozen=True)
class Limits:
    """What a file may be before it is refused (settings.yaml `limits`), in bytes/columns."""

    workbook_bytes: int = 2048 << 20
    csv_row_bytes: int = 4 << 20
    columns: int = 2000


@dataclass
class SourceFile:
    """What probing found out about one file; enough to read it fully later."""

    path: Path
    display: str
    format: str  # csv | xlsx | xls
    size: int
    encoding: str | None = None
    delimiter: str = ","
    sheet: str | None = None
    header_row: int = 0  # 1-based spreadsheet row of the header; 0 when none was found
    headers: list[str] = field(default_factory=list)  # as shown: `上班1/打卡时间`
    match: Match | None = None
    rows: int | None = None  # data rows, once read
    notes: list[str] = field(default_factory=list)
    header_rows: int = 1  # 2: a group row above the header (DingTalk, 企业微信)
    # The file's own display name; `display` adds the sheet when a workbook holds two
    # exports (`订单.xlsx [子订单]`).
    file_name: str = ""
    # The other kinds the header could be, best first (for `inspect` and messages).
    candidates: list[Match] = field(default_factory=list)
    limits: Limits = field(default_factory=Limits)

    @property
    def kind(self) -> str | None:
        return self.match.kind if self.match else None

    @property
    def data_row(self) -> int:
        """1-based spreadsheet row of the first data row."""
        return max(self.header_row, 1) + self.header_rows

    def header_of(self, name: str) -> str:
        """The export's own header of a canonical field (the field name if unmapped)."""
        if self.match and name in self.match.mapping:
            return self.headers[self.match.mapping[name]]
        return name


@dataclass
class RawColumns:
    """Text columns of one file, by canonical field, with each row's spreadsheet number."""

    # Text (string or large_string, chunked as read); "" for an empty cell.
    columns: dict[str, pa.Array | pa.ChunkedArray]
    row_numbers: pa.Array  # int64
    problems: list[Problem] = field(default_factory=list)
