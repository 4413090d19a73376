"""The import contract of pyproject.toml holds, and an arrow back up breaks it: CI
(`lint-imports` in .ci/run) fails on a domain module importing a report module."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

LINT = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [str(LINT), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "src" / "csops", tmp_path / "src" / "csops",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contract_is_kept(copy: Path) -> None:
    result = _lint(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("domain/scoring.py", "from csops.report.labels import label  # noqa: F401\n"),
        ("domain/roster.py", "import csops.ingest.read  # noqa: F401\n"),
        ("rules/base.py", "from csops.domain.money import money_str  # noqa: F401\n"),
        ("report/output.py", "from csops.jobs import runner  # noqa: F401\n"),
    ],
)
def test_an_arrow_back_up_breaks_it(copy: Path, module: str, line: str) -> None:
    path = copy / "src" / "csops" / module
    text = path.read_text(encoding="utf-8")
    head, rest = text.split("from __future__ import annotations\n", 1)
    path.write_text(head + "from __future__ import annotations\n" + line + rest, "utf-8")
    result = _lint(copy)
    assert result.returncode != 0
    assert " broken" in result.stdout and "0 broken" not in result.stdout
