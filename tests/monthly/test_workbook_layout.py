"""The workbook a boss reads (issue 22): rates stored as numbers with a % format, wait
times with their seconds, the score sheet led by 工号 · 姓名 · 得分 · 等级."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from csops.cli.app import app

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "2026-10"


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    out = tmp_path_factory.mktemp("layout")
    result = CliRunner().invoke(
        app,
        ["monthly", "--month", "2026-10", "--data", str(SAMPLE), "--out", str(out),
         "--ledger", str(out / "l.sqlite"), "--quiet"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(out / "csops-2026-10.xlsx")


def _header(ws: openpyxl.worksheet.worksheet.Worksheet) -> tuple[int, list[str]]:
    row = int("".join(ch for ch in ws.freeze_panes if ch.isdigit())) - 1
    return row, [c.value for c in ws[row]]


def test_the_commission_rate_is_a_number_in_percent(book: openpyxl.Workbook) -> None:
    ws = book["提成"]
    row, header = _header(ws)
    cell = ws.cell(row=row + 2, column=header.index("提成比例") + 1)  # 1002: 0.8%
    assert cell.value == pytest.approx(0.008)
    assert cell.number_format == "0.0##%"


def test_wait_times_keep_their_seconds(book: openpyxl.Workbook) -> None:
    ws = book["等待明细"]
    row, header = _header(ws)
    formats = {ws.cell(row=row + 1, column=j + 1).number_format for j, h in enumerate(header)
               if h and "时间" in h}  # fmt: skip
    assert formats and all(f.endswith("hh:mm:ss") for f in formats)


def test_the_score_sheet_starts_with_who_and_the_score(book: openpyxl.Workbook) -> None:
    ws = book["考核分"]
    row, header = _header(ws)
    assert header[:4] == ["工号", "姓名", "得分", "等级"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=row + 1)]
    # A rule not hit is blank, not 0: 1001 lost no point this month.
    first = dict(zip(header, rows[0], strict=True))
    assert first["工号"] == "1001" and first["迟到 次数"] is None


def test_the_commission_sheet_names_the_conflict_sheets_instead_of_listing(
    book: openpyxl.Workbook,
) -> None:
    ws = book["提成"]
    row, _ = _header(ws)
    notes = [c.value for r in ws.iter_rows(max_row=row - 1, max_col=1) for c in r if c.value]
    said = " ".join(str(n) for n in notes)
    assert "备注写了多位客服 (19 单, 未计提成): 见“备注冲突”表" in said
    assert "备注中的未知工号 (22): 见“未知工号”表" in said
    assert "4017045163529922780" not in said  # the IDs are on those sheets
