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
    assert "rules/settings.yaml: lang: expected 'zh' or 'en', got 'fr'" in text
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


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("base: 10 ", "base: .nan ", "scoring.yaml: base: .nan (line 13) is not a number"),
        ("points: -0.5 ", "points: -.inf ", "(line 37) is not a number a rule can use"),
        ("base: 10 ", 'base: "nan" ', "scoring.yaml: base: "),  # quoted: pydantic refuses it
    ],
)
def test_a_rule_number_that_is_not_finite_is_refused(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    """`.nan` gave every staff member NaN and level "ok"; `-.inf` made lates cost nothing."""
    folder = copy_rules(tmp_path)
    path = folder / "scoring.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rules(folder)
    assert expected in caught.value.message


def test_a_key_given_twice_is_refused_with_both_lines(tmp_path: Path) -> None:
    """A second `tiers:` block silently won over the first."""
    folder = copy_rules(tmp_path)
    path = folder / "commission.yaml"
    text = path.read_text(encoding="utf-8")
    line = text.splitlines().index(next(x for x in text.splitlines() if x.startswith("tiers:")))
    path.write_text(text + "tiers:\n  - {from: 0, rate: 0.5}\n", encoding="utf-8")
    last = len(text.splitlines()) + 1
    with pytest.raises(RuleError) as caught:
        load_rules(folder)
    assert caught.value.message == (
        f"{folder.name}/commission.yaml: tiers: the key is given twice (lines {line + 1} and "
        f"{last}); only one may stay: delete or merge the other"
    )


def test_json_never_holds_nan_or_infinity() -> None:
    import json
    from decimal import Decimal

    from csops.report.output import to_json

    text = to_json({"a": float("nan"), "b": [float("inf"), 1.5], "c": Decimal("NaN"), "d": "NaN"})
    assert json.loads(text) == {"a": None, "b": [None, 1.5], "c": None, "d": "NaN"}
    assert "NaN" not in text.replace('"NaN"', "") and "Infinity" not in text
