"""The evidence's words live in one catalogue (`report.evidence`); the domain fills them in
and chooses no language itself."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from csops.report.evidence import TEXT, phrases

from ..conftest import REPO

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_phrase_in_both_languages_with_the_same_fields() -> None:
    for key, (zh, en) in TEXT.items():
        fields = [{n for _, n, _, _ in string.Formatter().parse(t) if n} for t in (zh, en)]
        assert fields[0] == fields[1], key
        assert zh and en, key
    assert sum(bool(CJK.search(zh)) for zh, _ in TEXT.values()) > len(TEXT) * 0.8
    assert phrases("zh").lang == "zh" and phrases("fr").lang == "en"


def test_points_read_as_before() -> None:
    zh, en = phrases("zh"), phrases("en")
    assert [zh.points(v) for v in (-2, 1.5, 0)] == ["扣 2 分", "加 1.5 分", "不扣分"]
    assert [en.points(v) for v in (-2, 1.5, 0)] == ["-2 points", "+1.5 points", "0 points"]


def test_no_domain_function_takes_a_language_or_compares_one() -> None:
    """No `lang` parameter and no `== "zh"` in domain/: the words come in as `Phrases`."""
    for path in sorted((REPO / "src" / "csops" / "domain").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                names = [a.arg for a in node.args.args + node.args.kwonlyargs]
                assert "lang" not in names, f"{Path(path).name}: {node.name}(lang)"
            if isinstance(node, ast.Compare):
                consts = [c.value for c in node.comparators if isinstance(c, ast.Constant)]
                assert "zh" not in consts and "en" not in consts, f"{path.name}:{node.lineno}"
