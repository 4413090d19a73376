"""Rules that merge, and say so (issue 22, first bullet).

A `./rules` folder holding only an edited scoring.yaml used to be ignored (it was used
only when settings.yaml was there too), and a columns.yaml with one added alias replaced
the whole alias table. Now whatever folder is used, each of its files merges over the
built-in default, and every output says which rules are in force."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from csops.cli.app import app
from csops.rules import load_rules

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "2026-10"
runner = CliRunner()


def _edited_scoring(folder: Path) -> None:
    """The default scoring.yaml with a late costing 1 point instead of 0.5."""
    folder.mkdir(exist_ok=True)
    text = (ROOT / "rules" / "scoring.yaml").read_text(encoding="utf-8")
    assert "    points: -0.5                # seed 000 item 2" in text
    edited = text.replace(
        "    points: -0.5                # seed 000 item 2", "    points: -1  #", 1
    )
    (folder / "scoring.yaml").write_text(edited, encoding="utf-8")


def _score(args: list[str]) -> tuple[dict[str, float], dict]:
    """Each staff member's score, and which rules were in force."""
    result = runner.invoke(
        app, ["score", "--month", "2026-10", "--data", str(SAMPLE), *args, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    return {s["staff_id"]: s["score"] for s in doc["staff"]}, doc["rules_in_force"]


def test_a_rules_folder_with_only_scoring_yaml_is_used_and_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default, default_rules = _score(["--rules", str(ROOT / "rules")])
    _edited_scoring(tmp_path / "rules")
    monkeypatch.chdir(tmp_path)  # ./rules holds scoring.yaml and nothing else
    edited, edited_rules = _score([])
    assert edited["1002"] < default["1002"]  # 1002 was late: a late now costs more
    explicit, explicit_rules = _score(["--rules", str(tmp_path / "rules")])
    assert edited == explicit
    assert edited_rules["files"] == explicit_rules["files"] == ["scoring.yaml"]
    assert edited_rules["sha256"] == explicit_rules["sha256"] != default_rules["sha256"]
    assert default_rules["files"] == []
    table = runner.invoke(app, ["score", "--month", "2026-10", "--data", str(SAMPLE)])
    said = " ".join(table.stdout.split())
    assert "使用的规则: rules (scoring.yaml 覆盖内置默认规则); 规则集" in said


def test_one_added_alias_adds_to_the_defaults(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    roster = pd.read_excel(data / "客服名单.xlsx", engine="calamine", dtype={"工号": str})
    roster = roster.rename(columns={"旺旺子账号": "客服旺旺号"})
    for column in ("入职日期", "离职日期"):
        roster[column] = pd.to_datetime(roster[column]).dt.strftime("%Y-%m-%d")
    roster.to_excel(data / "客服名单.xlsx", index=False, engine="xlsxwriter")
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "columns.yaml").write_text("roster:\n  accounts: [客服旺旺号]\n", encoding="utf-8")
    result = runner.invoke(
        app, ["chats", "--month", "2026-10", "--data", str(data), "--rules", str(rules)]
    )
    assert result.exit_code == 0, result.output  # every other export is still recognised
    loaded = load_rules(rules)
    accounts = loaded.columns.for_kind("roster")["accounts"]
    assert accounts[0] == "客服旺旺号" and "旺旺子账号" in accounts
    assert loaded.columns.for_kind("orders")["order_id"]  # the other kinds are untouched


def test_a_kind_that_says_replace_keeps_only_its_own(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "columns.yaml").write_text(
        "roster:\n  replace: true\n  staff_id: [员工号]\n  name: [姓名]\n", encoding="utf-8"
    )
    roster = load_rules(rules).columns.for_kind("roster")
    assert roster == {"staff_id": ["员工号"], "name": ["姓名"]}


def test_a_partial_file_keeps_the_other_defaults(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "settings.yaml").write_text("lang: en\n", encoding="utf-8")
    (rules / "commission.yaml").write_text("", encoding="utf-8")  # empty: the defaults
    loaded = load_rules(rules)
    defaults = load_rules(ROOT / "rules")
    assert loaded.settings.lang == "en"
    assert loaded.settings.service_hours == defaults.settings.service_hours
    assert loaded.settings.detail_row_limit == defaults.settings.detail_row_limit
    from csops.rules.commission import CommissionRules

    assert loaded.get(CommissionRules) == defaults.get(CommissionRules)
    assert loaded.overrides == ["settings.yaml", "commission.yaml"]
    assert loaded.digest() != defaults.digest()


def test_the_month_end_run_says_which_rules(tmp_path: Path) -> None:
    _edited_scoring(tmp_path / "rules")
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["monthly", "--month", "2026-10", "--data", str(SAMPLE), "--out", str(out),
         "--rules", str(tmp_path / "rules"), "--ledger", str(tmp_path / "l.sqlite"), "--quiet"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "csops-2026-10.json").read_text(encoding="utf-8"))
    assert doc["rules_in_force"]["files"] == ["scoring.yaml"]
    first = pd.read_excel(out / "csops-2026-10.xlsx", engine="calamine", header=None, nrows=14)
    texts = " ".join(str(v) for v in first.to_numpy().ravel() if isinstance(v, str))
    assert "scoring.yaml 覆盖内置默认规则" in texts


def test_rules_check_lists_each_value_and_where_it_came_from(tmp_path: Path) -> None:
    _edited_scoring(tmp_path / "rules")
    result = runner.invoke(app, ["rules", "check", str(tmp_path / "rules"), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    values = {(v["file"], v["key"]): v for v in doc["values"]}
    assert values[("scoring.yaml", "base")]["from_folder"] is True
    assert values[("settings.yaml", "lang")] == {
        "file": "settings.yaml", "key": "lang", "value": "zh", "from_folder": False
    }  # fmt: skip
    assert doc["files"] == ["scoring.yaml"]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("base：10\n", "line 1 has a full-width colon (：) where YAML needs a half-width one"),
        ("lang: zh\nbase：10\n", "line 2 has a full-width colon (：): YAML needs `key: value`"),
    ],
)
def test_a_full_width_colon_is_named(tmp_path: Path, text: str, said: str) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "settings.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["rules", "check", str(rules)])
    assert result.exit_code == 2
    assert said in result.stderr and "rules/settings.yaml" in result.stderr


def test_a_new_rule_needs_no_english_label(tmp_path: Path) -> None:
    """label.en is optional: an English report shows the Chinese name."""
    from csops.rules.scoring import ScoringRules

    rules = tmp_path / "rules"
    rules.mkdir()
    text = (ROOT / "rules" / "scoring.yaml").read_text(encoding="utf-8")
    (rules / "scoring.yaml").write_text(
        text.replace("label: {zh: 迟到, en: Late}", "label: {zh: 迟到}"), encoding="utf-8"
    )
    late = load_rules(rules).get(ScoringRules).rules[0]
    assert late.text("en") == late.text("zh") == "迟到"
