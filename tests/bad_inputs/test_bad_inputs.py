"""Every case of the bad-input corpus (cases.yaml) through the real command line.

A failing case must give its one message and exit code, print no traceback, quote no
receiver name, address, phone or 支付宝 account, write no report (not even a partial file)
and leave every input byte for byte as it was; a case with exit 0 must work and write its
report.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from csops.cli.app import app

HERE = Path(__file__).parent
CASES: list[dict[str, Any]] = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))
runner = CliRunner()


def digest(folder: Path) -> dict[str, str]:
    """Relative path → SHA-256 of every file under `folder`."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


PRIVATE = ("收货人姓名", "收货地址", "联系电话", "联系手机", "买家支付宝账号")


def private_values(data: Path) -> set[str]:
    """Receiver names, addresses, phones and 支付宝 accounts of the order exports in `data`
    (read with the csv module; damaged bytes replaced)."""
    found: set[str] = set()
    for path in data.glob("*.csv"):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030", errors="replace")
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error:  # the binary and UTF-16 cases
            continue
        if not rows:
            continue
        header = [h.strip() for h in rows[0]]
        for row in rows[1:]:
            found |= {v for h, v in zip(header, row, strict=False) if h in PRIVATE and len(v) >= 3}
    return found


def build(case: dict[str, Any], tmp: Path) -> tuple[Path, Path]:
    """The case's data and rules folders under `tmp`."""
    data, rules = tmp / "data", tmp / "rules"
    data.mkdir()
    rules.mkdir()
    if case.get("base", "all") == "all":
        for path in sorted((HERE / "base").iterdir()):
            if path.name not in case.get("drop", []):
                shutil.copy(path, data / path.name)
    for name in case["files"]:
        source = HERE / "files" / name
        shutil.copy(source, (rules if source.parent.name == "rules" else data) / source.name)
    return data, rules


def test_the_corpus_is_big_and_every_file_is_used() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 30
    listed = {name for c in CASES for name in c["files"]}
    on_disk = {str(p.relative_to(HERE / "files")) for p in (HERE / "files").rglob("*.*")}
    assert listed == on_disk
    assert all(c["exit"] in (0, 1, 2) and c["message"] for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_input(case: dict[str, Any], tmp_path: Path) -> None:
    data, rules = build(case, tmp_path)
    suffix = {"json": ".json", "csv": ".csv", "xlsx": ".xlsx"}
    args = shlex.split(case["run"])
    fmt = args[args.index("--format") + 1] if "--format" in args else "table"
    out_dir = tmp_path / "out"
    out = out_dir / f"report{suffix.get(fmt, '.txt')}"
    places = {"data": data, "rules": rules, "out": out, "ledger": tmp_path / "ledger.sqlite"}
    args = [a.format(**places) for a in args]
    before = {"data": digest(data), "rules": digest(rules)}
    private = private_values(data)

    result = runner.invoke(app, args)

    assert result.exit_code == case["exit"], result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    assert [v for v in private if v in result.output] == []  # no contact details quoted
    assert {"data": digest(data), "rules": digest(rules)} == before  # inputs unchanged
    if case["exit"] == 0:
        assert case["message"] in out.read_text(encoding="utf-8")
        assert [p.name for p in out_dir.iterdir()] == [out.name]
        return
    assert case["message"] in result.stderr
    assert result.stderr.startswith("Error: ")
    assert result.stdout == ""
    assert not out_dir.exists() or list(out_dir.iterdir()) == []  # no report, no part
