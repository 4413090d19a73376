"""columns.yaml names kinds and fields of the schemas only: a typo is an error, not a
header silently left unread."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from csops.errors import RuleError
from csops.rules import load_rules

from ..conftest import REPO


def _rules(tmp_path: Path, columns: str) -> Path:
    folder = tmp_path / "myrules"
    shutil.copytree(REPO / "rules", folder)
    (folder / "columns.yaml").write_text(columns, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        ("orders:\n  paid_amout: [实付]\n", "orders.paid_amout: unknown field; fields of orders:"),
        ("order:\n  paid_amount: [实付]\n", "order: unknown input kind; expected one of: roster"),
    ],
)
def test_an_unknown_kind_or_field_names_the_file_read(
    tmp_path: Path, columns: str, expected: str
) -> None:
    with pytest.raises(RuleError) as caught:
        load_rules(_rules(tmp_path, columns))
    assert caught.value.message.startswith(f"myrules/columns.yaml: {expected}")
    assert caught.value.exit_code == 2
