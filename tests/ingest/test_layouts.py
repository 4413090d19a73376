"""Every real export layout (tests/fixtures/layouts, sources in docs/inputs.md) is read as
its kind, each field from the column that means it, to the values stated beside it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from csops.errors import InputError
from csops.ingest.discover import Inputs
from csops.rules import RuleSet
from csops.schemas import SCHEMAS

from ..conftest import FIXTURES, plain

LAYOUTS_DIR = FIXTURES / "layouts"
LAYOUTS = json.loads((LAYOUTS_DIR / "layouts.json").read_text(encoding="utf-8"))


def _load(rules: RuleSet, tmp_path: Path, name: str) -> tuple[Inputs, str]:
    # Classified by header alone: the file is copied under a meaningless name.
    source = LAYOUTS_DIR / name
    renamed = tmp_path / ("export" + source.suffix)
    renamed.write_bytes(source.read_bytes())
    inputs = Inputs.scan(rules, tmp_path)
    target = SCHEMAS[LAYOUTS[name]["kind"]].target
    return inputs, target


def test_every_layout_fixture_is_listed_in_the_docs() -> None:
    docs = (FIXTURES.parent.parent / "docs" / "inputs.md").read_text(encoding="utf-8")
    for name in LAYOUTS:
        assert name in docs, name


@pytest.mark.parametrize("name", sorted(LAYOUTS), ids=str)
def test_layout_reads_as_its_kind(rules: RuleSet, tmp_path: Path, name: str) -> None:
    case = LAYOUTS[name]
    inputs, target = _load(rules, tmp_path, name)
    kinds = {r.kind for r in inputs.files}
    expected = {case["kind"], *case.get("also", [])}
    assert kinds == expected, [r.source.candidates if r.source else r.error for r in inputs.files]
    if "problem" in case:
        with pytest.raises(InputError) as caught:
            inputs.load([target])
        assert case["problem"] in caught.value.message
        return
    inputs.load([target])
    problems = [str(p) for r in inputs.files for p in r.problems]
    assert problems == []
    notes = [n for r in inputs.files for n in r.notes]
    for note in case.get("notes", []):
        assert any(note in n for n in notes), (note, notes)
    report = next(r for r in inputs.files if r.kind == case["kind"])
    src = report.source
    assert src is not None and src.match is not None
    for field, header in case.get("mapping", {}).items():
        assert src.header_of(field) == header, field
    if case["expect"]:
        frame = inputs.frame(target)
        for column, values in case["expect"].items():
            assert [plain(v) for v in frame[column]] == values, column
