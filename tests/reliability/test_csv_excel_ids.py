"""CSV that Excel opens without damage (issue 22): a 19-digit order ID written bare opens
as 4.01659E+18 — the corruption csops refuses on input. Long digit strings (12 digits or
more, or a leading zero) are written as Excel's own text formula `="…"`, as Taobao does;
that form is csops's, around digits it checked: input text starting with = stays inert."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from csops.cli.app import app
from csops.ingest.clean_values import clean_text
from csops.report.cells import Column, Sheet
from csops.report.detail import write_csv

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "2026-10"


def _written(values: list[str]) -> list[str]:
    sheet = Sheet("title.orders", pd.DataFrame({"order_id": values}), [Column("order_id")])
    buffer = io.StringIO()
    write_csv(sheet, "en", buffer)
    return [row[0] for row in csv.reader(io.StringIO(buffer.getvalue()))][1:]


def test_long_digit_strings_are_kept_as_text_and_input_formulas_stay_inert() -> None:
    given = ["4017416467503361010", "0571", "1001", "13812345678", '="4017416467503361010"', "=1+1"]
    assert _written(given) == [
        '="4017416467503361010"',  # 19 digits: Excel would show 4.01742E+18
        '="0571"',  # a leading zero Excel would drop
        "1001",  # a 工号: Excel shows it as it is
        "13812345678",  # 11 digits: exact in Excel
        '\'="4017416467503361010"',  # input text in that form: inert like any formula
        "'=1+1",
    ]


def test_csops_reads_its_own_form_back_as_the_digits() -> None:
    back, _ = clean_text(pd.Series(_written(["4017416467503361010", "0571", "=1+1"])))
    assert back.tolist() == ["4017416467503361010", "0571", "=1+1"]


def test_the_overdue_list_as_csv_keeps_its_order_ids(tmp_path: Path) -> None:
    out = tmp_path / "overdue.csv"
    result = CliRunner().invoke(
        app,
        ["overdue-shipments", "--data", str(SAMPLE), "--as-of", "2026-10-31 20:00",
         "--format", "csv", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    ids = [row[0] for row in rows[1:]]
    assert ids and all(i.startswith('="40') and i.endswith('"') and len(i) == 22 for i in ids)
