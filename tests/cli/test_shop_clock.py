"""Dates and clocks (issue 21, class 8): periods outside 2000–2099 are refused, and "now"
is the shop's clock (settings.yaml `timezone`), not the server's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from csops.cli.app import app
from csops.domain.period import Month, Quarter, shop_now
from csops.errors import UsageError

from ..conftest import REPO

runner = CliRunner()


@pytest.mark.parametrize("text", ["0000-01", "0001-01", "1999-12", "2100-01"])
def test_a_month_outside_the_years_is_refused(text: str) -> None:
    with pytest.raises(UsageError, match="outside 2000–2099"):
        Month.parse(text)
    result = runner.invoke(app, ["score", "--month", text, "--data", str(REPO / "samples/2026-10")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "outside 2000–2099" in result.stderr


def test_a_quarter_outside_the_years_is_refused() -> None:
    with pytest.raises(UsageError, match="outside 2000–2099"):
        Quarter.parse("0001Q1")


def test_the_shop_clock_is_its_time_zone() -> None:
    utc = datetime.now(ZoneInfo("UTC")).replace(tzinfo=None)
    assert abs(shop_now("Asia/Shanghai") - utc - timedelta(hours=8)) < timedelta(minutes=1)


def test_an_order_80_hours_unshipped_is_80_hours_on_a_server_in_utc(tmp_path: Path) -> None:
    """Before, "now" was the server's local clock: on UTC an order 80 h unshipped in
    Shanghai read as 72 h and missed the 72 h alarm."""
    paid = shop_now("Asia/Shanghai") - timedelta(hours=80, minutes=30)
    data = tmp_path / "data"
    data.mkdir()
    (data / "ExportOrderList.csv").write_text(
        "订单编号,买家会员名,买家实际支付金额,订单状态,订单创建时间,订单付款时间,订单备注\n"
        f"T1,tb小鱼88,10.00,买家已付款，等待卖家发货,{paid:%Y-%m-%d %H:%M:%S},"
        f"{paid:%Y-%m-%d %H:%M:%S},\n",
        encoding="utf-8",
    )
    env = {**os.environ, "TZ": "UTC"}
    done = subprocess.run(
        [sys.executable, "-m", "csops", "overdue-shipments", "--data", str(data),
         "--format", "json"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 3), done.stderr
    orders = json.loads(done.stdout)["orders"]
    assert [round(o["hours_unshipped"]) for o in orders] == [80]
