"""A quarter over the month folders docs/cron.md sets up (issue 22): each folder has its
own copy of the roster, which used to be "21 roster rows share a 工号"."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from csops.domain.roster import Roster

YEAR = Path(__file__).resolve().parents[2] / "samples" / "2025"


def test_a_quarter_reads_three_month_folders_with_a_roster_each(tmp_path: Path) -> None:
    from csops.cli.app import app

    exports = tmp_path / "exports"
    for month in ("2025-10", "2025-11", "2025-12"):
        shutil.copytree(YEAR / month, exports / month)
    result = CliRunner().invoke(
        app, ["kpi", "--quarter", "2025Q4", "--data", str(exports), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["months"] == ["2025-10", "2025-11", "2025-12"]
    assert len({s["staff_id"] for s in doc["staff"]}) == len(doc["staff"]) == 8
    assert any("the roster is in 3 files" in n for n in doc["notes"])


def _roster(**rows: list[object]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "staff_id": ["1001", "1002", "1001", "1002"],
            "name": ["周建国", "林小美", "周建国", "林小美"],
            "left_on": pd.to_datetime([None, None, None, "2025-12-20"]),
            "_file": ["2025-10/客服名单.xlsx"] * 2 + ["2025-12/客服名单.xlsx"] * 2,
            "_row": [2, 3, 2, 3],
        }
        | rows
    )


def test_the_last_file_row_stands_and_a_change_is_said() -> None:
    roster = Roster.from_frame(_roster())
    assert roster.staff["staff_id"].tolist() == ["1001", "1002"]
    assert str(roster.staff.loc[1, "left_on"].date()) == "2025-12-20"  # December's row
    assert roster.notes[0].endswith("工号 whose rows differ between the files: 1002")


def test_two_rows_of_one_file_sharing_a_staff_id_stay_an_error() -> None:
    frame = _roster(_file=["2025-10/客服名单.xlsx"] * 4)
    with pytest.raises(Exception, match="4 roster rows share a 工号"):
        Roster.from_frame(frame)


def test_two_rosters_in_one_folder_sharing_a_staff_id_stay_an_error() -> None:
    """Which of two roster files of one month is the roster is the shop's to say."""
    frame = _roster(_file=["10/客服名单.xlsx"] * 2 + ["10/客服名单_旧.xlsx"] * 2)
    with pytest.raises(Exception, match="4 roster rows share a 工号"):
        Roster.from_frame(frame)
