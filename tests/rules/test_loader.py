"""Rule files: every problem of every file reported at once, with file and key path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from csops.errors import RuleError
from csops.rules import load_rules
from csops.rules.loader import packaged_rules_dir

from ..conftest import REPO


def copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(REPO / "rules", target)
    return target


def test_default_rules_load(tmp_path: Path) -> None:
    rules = load_rules(REPO / "rules")
    assert rules.settings.lang == "zh"
    assert "订单付款时间" in rules.columns.for_kind("orders")["paid_at"]
    assert len(rules.digest()) == 64


def test_packaged_defaults_are_the_repo_rules() -> None:
    assert (packaged_rules_dir() / "columns.yaml").read_bytes() == (
        REPO / "rules" / "columns.yaml"
    ).read_bytes()


def test_missing_file_falls_back_to_default(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "settings.yaml").write_text("lang: en\n", encoding="utf-8")
    rules = load_rules(folder)
    assert rules.settings.lang == "en"
    assert rules.sources["columns.yaml"].parent == packaged_rules_dir()


def test_all_problems_reported_with_key_paths(tmp_path: Path) -> None:
    folder = copy_rules(tmp_path)
    (folder / "settings.yaml").write_text(
        "lang: fr\ndetail_row_limt: 5\nservice_hours: {open: '25:00', close: '23:00'}\n",
        encoding="utf-8",
    )
    (folder / "columns.yaml").write_text("orders:\n  paid_amout: [实付]\n", encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rules(folder)
    text = caught.value.message
    assert "rules/settings.yaml: lang: Input should be 'zh' or 'en', got 'fr'" in text
    assert "rules/settings.yaml: detail_row_limt: unknown key (a typo?)" in text
    assert "rules/settings.yaml: service_hours.open: expected a clock time like 08:00" in text
    assert "rules/columns.yaml: orders.paid_amout: unknown field" in text
    assert caught.value.exit_code == 2


def test_yaml_cannot_construct_python_objects(tmp_path: Path) -> None:
    folder = copy_rules(tmp_path)
    (folder / "settings.yaml").write_text(
        "lang: !!python/object/apply:os.system ['echo pwned']\n", encoding="utf-8"
    )
    with pytest.raises(RuleError, match=r"rules/settings.yaml: not valid YAML \(line 1"):
        load_rules(folder)


def test_unquoted_clock_time_is_understood(tmp_path: Path) -> None:
    folder = copy_rules(tmp_path)
    (folder / "settings.yaml").write_text(
        "service_hours:\n  open: 08:00\n  close: 23:00\n", encoding="utf-8"
    )
    hours = load_rules(folder).settings.service_hours
    assert (hours.open.hour, hours.close.hour) == (8, 23)
