"""`csops close` and `csops monthly --close` keep the same rows: one computation of the
month (`csops.jobs.month.compute`) stands behind both."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from csops.cli.app import app

from ..conftest import REPO

runner = CliRunner()


def _kept(ledger: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the ledger but the moment of closing."""
    with sqlite3.connect(ledger) as db:
        return {
            "results": db.execute(
                "SELECT month, revision, section, staff_id, data FROM results "
                "ORDER BY month, revision, section, staff_id"
            ).fetchall(),
            "inputs": db.execute(
                "SELECT month, revision, file, sha256, size FROM inputs ORDER BY file"
            ).fetchall(),
            "revisions": db.execute(
                "SELECT month, revision, rules_sha256, csops_version FROM revisions"
            ).fetchall(),
        }


@pytest.mark.parametrize("sample", ["2026-10", "2026-10-platforms"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_close_and_monthly_close_keep_byte_identical_rows(
    tmp_path: Path, sample: str, lang: str
) -> None:
    data = REPO / "samples" / sample
    common = ["--month", "2026-10", "--data", str(data), "--lang", lang]
    alone = runner.invoke(app, ["close", *common, "--ledger", str(tmp_path / "close.sqlite")])
    assert alone.exit_code == 0, alone.output
    month_end = runner.invoke(
        app,
        ["monthly", *common, "--out", str(tmp_path / "out"), "--close", "--quiet",
         "--ledger", str(tmp_path / "monthly.sqlite")],
    )  # fmt: skip
    assert month_end.exit_code == 0, month_end.output
    close_rows, monthly_rows = _kept(tmp_path / "close.sqlite"), _kept(tmp_path / "monthly.sqlite")
    assert len(close_rows["results"]) > 20 and close_rows["inputs"]
    assert close_rows == monthly_rows
