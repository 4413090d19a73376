"""Each named fixture file reads to the values stated beside it (NAME.expected.json)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from csops.errors import InputError
from csops.ingest.discover import Inputs
from csops.rules import RuleSet

from ..conftest import FIXTURES, plain

GOOD = sorted(p for p in FIXTURES.iterdir() if p.name.endswith(".expected.json"))
BAD = json.loads((FIXTURES / "bad_expected.json").read_text(encoding="utf-8"))


def _source(expected: Path) -> Path:
    stem = expected.name.removesuffix(".expected.json")
    return next(p for p in FIXTURES.glob(stem + ".*") if not p.name.endswith(".json"))


@pytest.mark.parametrize("expected_file", GOOD, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_fixture_reads_to_expected_values(
    rules: RuleSet, tmp_path: Path, expected_file: Path
) -> None:
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    source = _source(expected_file)
    # Classified by header alone: the file is copied under a meaningless name.
    renamed = tmp_path / ("a" + source.suffix)
    renamed.write_bytes(source.read_bytes())
    inputs = Inputs.scan(rules, tmp_path).load([expected["kind"]])
    [report] = inputs.files
    assert report.kind == expected["kind"]
    assert report.problems == []
    src = report.source
    assert src is not None
    if "encoding" in expected:
        assert src.encoding == expected["encoding"]
    if "sheet" in expected:
        assert src.sheet == expected["sheet"]
    assert src.header_row == expected["header_row"]
    frame = inputs.frame(expected["kind"])
    for column, values in expected["columns"].items():
        assert [plain(v) for v in frame[column]] == values, column
    for forbidden in expected.get("absent", []):
        assert forbidden not in frame.columns


@pytest.mark.parametrize("name", sorted(BAD), ids=str)
def test_bad_file_gives_one_clear_error(rules: RuleSet, tmp_path: Path, name: str) -> None:
    case = BAD[name]
    path = tmp_path / name
    path.write_bytes((FIXTURES / name).read_bytes())
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(InputError) as caught:
        Inputs.scan(rules, tmp_path).load(["orders", "roster"])
    message = caught.value.message
    assert case["message"] in message
    assert name in message
    assert "Traceback" not in message
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # input never modified


def test_chat_text_is_read_only_when_asked(rules: RuleSet, tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_bytes((FIXTURES / "chats_qianniu.csv").read_bytes())
    assert "text" not in Inputs.scan(rules, tmp_path).load(["chats"]).frame("chats")
    lazy = Inputs.scan(rules, tmp_path).load(["chats"], lazy=True).frame("chats")
    assert lazy["text"].tolist() == ["在吗？这个有货吗", "亲，在的，有货哦"]


@pytest.mark.parametrize(
    ("text", "first_name"),
    [
        # Comma-separated, with more tabs inside names than commas in the file (hypothesis
        # found a roster like this read as tab-separated): still commas.
        ("工号,姓名\n1000,小\t\t美\n1001,阿\t\t杰\n", ("小", "美")),
        # Tab-separated, with commas inside one name: still tabs.
        ("工号\t姓名\n1000\t小美,,, 客服\n1001\t阿杰\n", ("小美,,,", "客服")),
    ],
)
def test_the_delimiter_is_the_one_on_every_line(
    rules: RuleSet, tmp_path: Path, text: str, first_name: tuple[str, str]
) -> None:
    (tmp_path / "roster.csv").write_text(text, encoding="utf-8")
    frame = Inputs.scan(rules, tmp_path).load(["roster"]).frame("roster")
    assert frame["staff_id"].tolist() == ["1000", "1001"]
    name = frame["name"].iloc[0]
    assert name.startswith(first_name[0]) and name.endswith(first_name[1])


def test_on_loaded_hears_of_each_kind_before_the_next_is_read(
    rules: RuleSet, tmp_path: Path
) -> None:
    for name in ("chats_qianniu.csv", "orders_taobao_gb18030.csv"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    inputs = Inputs.scan(rules, tmp_path)
    heard: list[tuple[str, list[str]]] = []
    inputs.load(
        ["chats", "roster", "orders"], on_loaded=lambda k: heard.append((k, list(inputs.frames)))
    )
    # In the order asked for; a kind with no file (roster) is not heard of.
    assert heard == [("chats", ["chats"]), ("orders", ["chats", "orders"])]
