"""Rules cannot run code: a `!!python/...` tag in any rule file is refused before anything
is built, and csops evaluates no expression text from anywhere (checked on its source)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from csops.errors import RuleError
from csops.rules import load_rules
from csops.rules.loader import RULE_FILES, SAFE_LOADER

SRC = Path(__file__).parent.parent.parent / "src" / "csops"
TAGS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
    "!!python/name:os.system",
    "!!python/module:os",
]


@pytest.mark.parametrize("tag", TAGS, ids=lambda t: t.split()[0].split(":")[0])
@pytest.mark.parametrize("name", sorted(RULE_FILES))
def test_python_tags_are_refused_in_every_rule_file(tmp_path: Path, name: str, tag: str) -> None:
    marker = tmp_path / "ran"
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / name).write_text(f"x: {tag.format(marker=marker)}\n", encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rules(rules)
    assert caught.value.message.startswith(
        f"rules/{name}: not valid YAML (line 1, column 4): could not determine a constructor "
        "for the tag 'tag:yaml.org,2002:python/"
    )
    assert not marker.exists()


def test_the_loader_only_builds_plain_data() -> None:
    assert issubclass(SAFE_LOADER, yaml.constructor.SafeConstructor)
    assert not issubclass(SAFE_LOADER, yaml.constructor.FullConstructor)  # nor Unsafe…


# Calls that run text as code or load objects: none may appear in csops' source.
FORBIDDEN_NAMES = {"eval", "exec", "compile", "__import__", "breakpoint"}
FORBIDDEN_ATTRS = {
    ("yaml", "unsafe_load"), ("yaml", "full_load"), ("yaml", "load_all"),
    ("pickle", "load"), ("pickle", "loads"), ("marshal", "loads"), ("os", "system"),
    ("os", "popen"), ("subprocess", "run"), ("subprocess", "Popen"), ("subprocess", "call"),
    ("subprocess", "check_output"), ("shelve", "open"),
}  # fmt: skip
EXPRESSION_METHODS = {"eval", "query"}  # pandas' DataFrame.eval / .query parse expressions


def offences(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in FORBIDDEN_NAMES:
            found.append(func.id)
        if isinstance(func, ast.Attribute):
            owner = func.value.id if isinstance(func.value, ast.Name) else None
            if (owner, func.attr) in FORBIDDEN_ATTRS or func.attr in EXPRESSION_METHODS:
                found.append(f"{owner}.{func.attr}")
            if (owner, func.attr) == ("yaml", "load"):
                loader = {k.arg: k.value for k in node.keywords}.get("Loader")
                if not (isinstance(loader, ast.Name) and loader.id == "SAFE_LOADER"):
                    found.append("yaml.load without SAFE_LOADER")
            if func.attr == "import_module" and not (
                node.args
                and isinstance(node.args[0], ast.Constant)
                and str(node.args[0].value).startswith("csops.")
            ):
                found.append("import_module of a computed name")
    return found


def test_no_source_file_evaluates_text() -> None:
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 40
    found = {
        str(f.relative_to(SRC)): o
        for f in files
        if (o := offences(ast.parse(f.read_text(encoding="utf-8"))))
    }
    assert found == {}


def test_the_source_check_finds_what_it_looks_for() -> None:
    bad = (
        "import yaml, os\neval(x)\nyaml.load(t, Loader=yaml.Loader)\nos.system('x')\ndf.query(q)\n"
    )
    assert offences(ast.parse(bad)) == [
        "eval", "yaml.load without SAFE_LOADER", "os.system", "df.query"
    ]  # fmt: skip
