"""`csops rules init` (issue 22): a shop's rules folder with comments in Chinese for a
shop manager, the same values as the built-in rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from csops.cli.app import app
from csops.rules import load_rules
from csops.rules.loader import RULE_FILES, packaged_rules_dir
from csops.rules.scoring import ScoringRules

runner = CliRunner()


@pytest.mark.parametrize("name", list(RULE_FILES))
def test_each_file_holds_the_built_in_values_with_chinese_comments(name: str) -> None:
    init = packaged_rules_dir() / "init" / name
    built_in = packaged_rules_dir() / name
    assert yaml.safe_load(init.read_text(encoding="utf-8")) == yaml.safe_load(
        built_in.read_text(encoding="utf-8")
    )
    comments = [
        line.split("#", 1)[1] for line in init.read_text(encoding="utf-8").splitlines()
        if line.lstrip().startswith("#") and line.split("#", 1)[1].strip()
    ]  # fmt: skip
    assert comments and all(re.search(r"[\u4e00-\u9fff]", c) for c in comments[:3]), comments[:3]
    # No comment cites a document a shop does not have.
    assert "seed" not in init.read_text(encoding="utf-8").lower()


def test_init_writes_the_folder_and_keeps_what_is_there(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "scoring.yaml").write_text("base: 12\n", encoding="utf-8")
    result = runner.invoke(app, ["rules", "init", str(folder)])
    assert result.exit_code == 0, result.output
    assert "已有、未改动：scoring.yaml" in result.stdout
    assert (folder / "scoring.yaml").read_text(encoding="utf-8") == "base: 12\n"
    assert sorted(p.name for p in folder.iterdir()) == sorted(RULE_FILES)
    rules = load_rules(folder)
    assert rules.get(ScoringRules).base == 12  # the shop's own file, merged over the rest
    assert (
        rules.get(ScoringRules).levels == load_rules(packaged_rules_dir()).get(ScoringRules).levels
    )
    check = runner.invoke(app, ["rules", "check", str(folder)])
    assert check.exit_code == 0, check.output
