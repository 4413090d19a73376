"""samples/2026-10-platforms: the sample month as a shop on Taobao classic, 千牛 current and
JD order exports and two chat layouts exports it. The same orders and messages give the
same figures as samples/2026-10, and the folder is what tools/make_platform_sample.py
writes."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from csops.cli.app import app

from .conftest import REPO

SAMPLES = REPO / "samples"
runner = CliRunner()


def _monthly(data: Path, out: Path) -> dict:
    result = runner.invoke(
        app,
        [
            "monthly",
            "--month",
            "2026-10",
            "--data",
            str(data),
            "--out",
            str(out),
            "--ledger",
            str(out / "ledger.sqlite"),
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    return json.loads((out / "csops-2026-10.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    classic = _monthly(SAMPLES / "2026-10", tmp_path_factory.mktemp("classic"))
    platforms = _monthly(SAMPLES / "2026-10-platforms", tmp_path_factory.mktemp("platforms"))
    return classic, platforms


def test_the_layouts_are_the_ones_the_sample_is_meant_to_show(both: tuple[dict, dict]) -> None:
    _, platforms = both
    kinds = {f["file"]: f["kind"] for f in platforms["inputs"]["files"]}
    assert kinds["千牛订单导出_202610.xlsx [订单]"] == "orders"
    assert kinds["千牛订单导出_202610.xlsx [宝贝]"] == "order_items"
    assert kinds["京东订单_202610.csv"] == "orders"
    assert kinds["咚咚聊天记录_2026-10.csv"] == "chats"
    columns = {f["file"]: f["columns"] for f in platforms["inputs"]["files"]}
    assert columns["京东订单_202610.csv"]["paid_amount"] == "结算金额"
    assert columns["千牛订单导出_202610.xlsx [订单]"]["paid_amount"] == "买家实付金额"
    assert columns["咚咚聊天记录_2026-10.csv"]["sender"] == "发送人"


def test_the_same_month_in_other_layouts_gives_the_same_figures(both: tuple[dict, dict]) -> None:
    classic, platforms = both
    for section in ("score", "chats", "kpi", "overdue"):
        assert platforms[section] == classic[section], section
    for key in ("staff", "unattributed"):
        assert platforms["commission"][key] == classic["commission"][key], key
    for key in ("conflicts", "unknown_ids"):  # listed in the order of the files' rows
        assert _sorted(platforms["commission"][key]) == _sorted(classic["commission"][key]), key


def _sorted(items: list[dict]) -> list[str]:
    return sorted(json.dumps(item, sort_keys=True) for item in items)


def test_the_folder_is_what_the_tool_writes(tmp_path: Path) -> None:
    out = tmp_path / "platforms"
    subprocess.run(
        [sys.executable, str(REPO / "tools" / "make_platform_sample.py"), "--out", str(out)],
        check=True,
    )
    bundled = SAMPLES / "2026-10-platforms"
    names = sorted(p.name for p in bundled.iterdir())
    assert names == sorted(p.name for p in out.iterdir())
    for name in names:
        digest = hashlib.sha256((bundled / name).read_bytes()).hexdigest()
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest, name
