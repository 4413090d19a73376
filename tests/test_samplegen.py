"""The sample-month generator: every file reads back as its kind, every scenario is there."""

from __future__ import annotations

import codecs
import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest
from tools import samplegen

from csops.ingest.discover import Inputs
from csops.rules import load_rules

KINDS = ["roster", "orders", "attendance", "leave", "chats", "incidents", "qa"]
MONTH_END = pd.Timestamp("2026-10-31 23:59:59")


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Path], Inputs]:
    out = tmp_path_factory.mktemp("sample")
    paths = samplegen.generate(out, "2026-10", seed=7, orders=800, messages=8000)
    inputs = Inputs.scan(load_rules(), out).load(KINDS)
    return paths, inputs


def frame(month: tuple[dict[str, Path], Inputs], kind: str) -> pd.DataFrame:
    return month[1].frames[kind]


def test_every_file_classifies_without_problems(month: tuple[dict[str, Path], Inputs]) -> None:
    paths, inputs = month
    assert set(paths) == set(KINDS)
    by_name = {r.display: r for r in inputs.files}
    assert len(by_name) == len(KINDS)
    for kind, path in paths.items():
        report = by_name[path.name]
        assert report.error is None, report.error
        assert report.kind == kind, (path.name, report.kind)
        assert report.problems == [], report.problems
        assert report.source is not None and report.source.match is not None
        assert report.source.match.complete
        assert len(inputs.frames[kind]) > 0
    assert by_name[paths["orders"].name].source.encoding == "gb18030"  # type: ignore[union-attr]
    assert by_name[paths["chats"].name].source.encoding == "utf-8-sig"  # type: ignore[union-attr]
    assert by_name[paths["attendance"].name].source.header_row == 3  # type: ignore[union-attr]


def test_file_names_follow_the_month(month: tuple[dict[str, Path], Inputs]) -> None:
    paths = month[0]
    assert paths["orders"].name == "ExportOrderList202610.csv"
    assert paths["chats"].name == "聊天记录_2026-10.csv"
    assert paths["attendance"].name == "每日统计_2026-10.xlsx"
    assert paths["leave"].name == "审批_请假_2026-10.xlsx"


def test_order_export_looks_like_taobao(month: tuple[dict[str, Path], Inputs]) -> None:
    raw = month[0]["orders"].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gb18030")
    header, first = text.split("\r\n")[:2]
    assert header == samplegen.ORDER_HEADERS
    assert len(header.split(",")) == 48
    assert "收货地址 ," in header and "订单付款时间 ," in header
    assert re.match(r'^="4\d{18}",', first)
    assert '"买家已付款，等待卖家发货"' in text  # quoted status with the full-width comma
    assert re.search(r',="(SF|YT|\d)\w+",', text)  # guarded tracking number


def test_orders_scenarios(month: tuple[dict[str, Path], Inputs]) -> None:
    o = frame(month, "orders")
    assert o.order_id.str.fullmatch(r"4\d{18}").all()
    assert o.order_id.is_unique
    assert set(o.status) == set(samplegen.STATUSES)
    paid = o[o.paid_at.notna()]
    assert (o.paid_at == pd.Timestamp("2026-10-01 00:00:00")).any()
    assert (o.paid_at == MONTH_END).any()
    assert (o.created_at < pd.Timestamp("2026-10-01")).any()  # created the month before
    # Unpaid orders: no pay time, no money; some still waiting, some closed.
    unpaid = o[o.paid_at.isna()]
    assert set(unpaid.status) == {"等待买家付款", "交易关闭"}
    assert (unpaid.paid_amount_fen == 0).all()
    # Refunds never exceed what was paid; full and partial ones exist.
    assert (o.refund_amount_fen <= o.paid_amount_fen).all()
    refunded = paid[paid.refund_amount_fen > 0]
    assert (refunded.refund_amount_fen == refunded.paid_amount_fen).any()
    assert (refunded.refund_amount_fen < refunded.paid_amount_fen).any()
    # Unshipped paid orders at every age level, one past 72 h.
    waiting = o[o.status == "买家已付款，等待卖家发货"]
    assert waiting.shipped_at.isna().all() and waiting.paid_at.notna().all()
    ages = (MONTH_END - waiting.paid_at).dt.total_seconds() / 3600
    for hours in samplegen.UNSHIPPED_AGES_H:
        assert (ages == hours).any(), hours
    assert (ages < 24).any() and ((ages > 24) & (ages < 48)).any()
    assert ((ages > 48) & (ages < 72)).any() and (ages > 72).any()
    shipped = o[o.shipped_at.notna()]
    assert (shipped.shipped_at >= shipped.paid_at).all()
    assert (shipped.shipped_at <= MONTH_END).all()


def test_order_memos(month: tuple[dict[str, Path], Inputs]) -> None:
    o = frame(month, "orders")
    paid = o[o.paid_at.notna()]
    empty = paid.memo.isna().mean()
    assert 0.08 < empty < 0.25
    memos = paid.memo.dropna()
    assert memos.str.fullmatch(r"100[1-8]").any()
    assert memos.str.fullmatch(r"客服100[1-8] .+").any()
    assert memos.str.fullmatch(r"100[1-8]/.+").any()
    assert memos.isin(["小美", "小雅", "阿杰", "小琳", "小雪", "阿峰", "小萌", "老周"]).any()
    assert memos.str.fullmatch(r"100[1-8] 100[1-8]").any()  # two staff: a conflict
    assert memos.isin(["1099", "1065"]).any()  # unknown 工号
    assert memos.str.contains(r"\d{10,}").any()  # other long numbers
    # The red flag goes with a memo.
    assert (o[o.memo.notna()].flag == 1).all()
    assert set(o[o.memo.isna()].flag.dropna().unique()) <= {0}


def test_order_columns_hold_fake_personal_data(month: tuple[dict[str, Path], Inputs]) -> None:
    text = month[0]["orders"].read_bytes().decode("gb18030")
    assert re.search(r",1[3-9]\d{9},", text)  # 联系手机
    assert re.search(r",1\d\d\*\*\*\*\d{4},", text)  # masked 支付宝 account


def test_chat_log(month: tuple[dict[str, Path], Inputs]) -> None:
    path = month[0]["chats"]
    assert path.read_bytes().startswith(codecs.BOM_UTF8)
    c = frame(month, "chats")
    assert len(c) == 8000
    assert set(c.direction) == {"买家", "客服"}
    roster = frame(month, "roster")
    assert set(c.account) <= set(roster.accounts)
    assert (c.time >= pd.Timestamp("2026-10-01")).all() and (c.time <= MONTH_END).all()
    c = c.sort_values(["account", "buyer", "time"], kind="stable").reset_index(drop=True)
    key = [c.account, c.buyer]
    prev_dir = c.groupby(key).direction.shift()
    prev_time = c.groupby(key).time.shift()
    replies = c[(c.direction == "客服") & (prev_dir == "买家")]
    waits = (replies.time - prev_time[replies.index]).dt.total_seconds()
    assert (waits <= 40).mean() > 0.5
    assert (waits > 600).any()
    # A buyer opening a chat between midnight and 08:00 is answered after 08:00 (a chat the
    # evening shift is still in goes on past midnight).
    quiet = prev_time.isna() | ((c.time - prev_time).dt.total_seconds() > 1800)
    opens_at_night = (c.direction == "买家") & quiet & (c.time.dt.hour < 8)
    next_reply = c.time.where(c.direction == "客服").groupby(key).bfill()
    answered = next_reply[opens_at_night].dropna()
    assert len(answered) > 0
    assert (answered.dt.hour >= 8).all()
    # Some conversations run past midnight; some questions are never answered.
    spans = c.groupby(key).time.agg(["min", "max"])
    assert (spans["min"].dt.date != spans["max"].dt.date).any()
    last = c.groupby(key).direction.last()
    assert (last == "买家").any()


def test_memo_staff_chatted_before_payment(month: tuple[dict[str, Path], Inputs]) -> None:
    o, c, roster = frame(month, "orders"), frame(month, "chats"), frame(month, "roster")
    account = dict(zip(roster.staff_id, roster.accounts, strict=True))
    plain = o[o.paid_at.notna() & o.memo.str.fullmatch(r"100[1-8]", na=False)]
    first = c.groupby(["buyer", "account"]).time.min()
    hits = 0
    for row in plain.itertuples():
        when = first.get((row.buyer, account[row.memo]))
        if when is not None and when <= row.paid_at and when.date() == row.paid_at.date():
            hits += 1
    assert hits / len(plain) > 0.6


def test_roster(month: tuple[dict[str, Path], Inputs]) -> None:
    r = frame(month, "roster").set_index("staff_id")
    assert list(r.index) == [str(i) for i in range(1001, 1009)]
    assert r.accounts.str.startswith("星辰家居旗舰店:").all()
    nicks = r.accounts.str.split(":").str[1]
    assert nicks.is_unique
    assert set(r.role) == {"售前", "售后", "主管"}
    assert r.loc["1001", "role"] == "主管"
    assert r.loc["1008", "hired_on"] == pd.Timestamp("2026-10-13")
    assert r.loc["1006", "left_on"] == pd.Timestamp("2026-10-20")
    assert r.left_on.notna().sum() == 1
    assert set(r["shift"]) == {"白班", "晚班"}


def test_attendance(month: tuple[dict[str, Path], Inputs]) -> None:
    a = frame(month, "attendance")
    per_staff = a.groupby("staff_id").size()
    assert per_staff["1002"] == 31
    assert per_staff["1008"] == 31 - 12  # joined on the 13th
    assert per_staff["1006"] == 20  # left after the 20th
    rest = a[a["shift"] == "休息"].groupby("staff_id").size()
    assert rest["1002"] == 4
    work = a[a["shift"] != "休息"]
    start = work.date + pd.to_timedelta(
        work["shift"].str.extract(r"(\d\d):(\d\d)-")[0].astype(int), unit="h"
    )
    late = ((work.clock_in - start).dt.total_seconds() / 60).where(work.clock_in_result == "迟到")
    assert (late == 30).any()
    assert (late > 30).any()
    assert ((late >= 1) & (late < 30)).sum() >= 3
    assert (work.clock_in_result == "缺卡").any() and (work.clock_out_result == "缺卡").any()
    assert (work.clock_out.dt.date > work.date.dt.date).any()  # 次日 00:10
    leave, absent = work[work.clock_in_result == "请假"], work[work.clock_in_result == "旷工"]
    assert leave.clock_in.isna().all() and leave.clock_out.isna().all()
    assert len(absent) == 1 and absent.staff_id.iloc[0] == "1004"
    assert (leave.staff_id == "1005").sum() == 6


def test_leaves_match_attendance(month: tuple[dict[str, Path], Inputs]) -> None:
    lv, a = frame(month, "leave"), frame(month, "attendance")
    assert {"已完成", "已撤销", "审批中"} == set(lv.approval_status)
    assert {"同意", "拒绝"} <= set(lv.approved.dropna())
    assert set(lv.kind) == {"事假", "病假", "调休", "年假"}
    revoked = lv[lv.approval_status == "已撤销"]
    refused = lv[lv.approved == "拒绝"]
    assert len(revoked) == 1 and len(refused) == 1
    results = a.set_index(["staff_id", "date"]).clock_in_result
    for row in lv.itertuples():
        days = pd.date_range(row.start.normalize(), row.end.normalize())
        for day in days:
            got = results.get((row.staff_id, day))
            if row.approval_status == "已完成" and row.approved == "同意":
                assert got == "请假", (row.staff_id, day)
            elif row.approved == "拒绝":
                assert got == "旷工", (row.staff_id, day)
            elif row.approval_status == "已撤销":
                assert got in ("正常", "迟到"), (row.staff_id, day)
            else:
                assert got is None  # pending, next month
    approved = lv[(lv.approval_status == "已完成") & (lv.approved == "同意")]
    days = (approved.end.dt.normalize() - approved.start.dt.normalize()).dt.days + 1
    assert days[approved.staff_id == "1005"].sum() == 6


def test_incidents(month: tuple[dict[str, Path], Inputs]) -> None:
    i = frame(month, "incidents")
    counts = i.groupby(["kind", "staff_id"]).size().to_dict()
    assert counts[("千牛离线", "1004")] == 3
    assert counts[("响应投诉", "1002")] == 3
    assert counts[("响应投诉", "1006")] == 2
    assert counts[("态度投诉", "1003")] == 1
    assert counts[("态度投诉", "1007")] == 5
    assert counts[("重大失误", "1004")] == 1
    unfinished = i[i.kind == "未完成工作"]
    assert set(unfinished.points) == {0.5, 1.0}
    awards = i[i.kind == "嘉奖"]
    assert (awards.amount_fen == 20000).any()
    assert i[i.kind != "嘉奖"].amount_fen.isna().all()


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for out, seed in ((a, 7), (b, 7), (c, 8)):
        samplegen.generate(out, seed=seed, orders=200, messages=1000)
    assert _digest(a) == _digest(b)
    assert _digest(a)["ExportOrderList202610.csv"] != _digest(c)["ExportOrderList202610.csv"]


def test_other_month_and_more_staff(tmp_path: Path) -> None:
    paths = samplegen.generate(tmp_path, "2026-02", seed=3, orders=300, messages=2000, staff=60)
    assert paths["orders"].name == "ExportOrderList202602.csv"
    inputs = Inputs.scan(load_rules(), tmp_path).load(KINDS)
    assert all(not r.problems and r.error is None for r in inputs.files)
    roster = inputs.frames["roster"]
    assert list(roster.staff_id) == [str(i) for i in range(1001, 1061)]
    nicks = roster.accounts.str.split(":").str[1]
    assert nicks.is_unique and (nicks.str.len() == 2).all()
    a = inputs.frames["attendance"]
    assert a.date.min() == pd.Timestamp("2026-02-01")
    assert a.date.max() == pd.Timestamp("2026-02-28")
    o = inputs.frames["orders"]
    assert (o.paid_at == pd.Timestamp("2026-02-28 23:59:59")).any()


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="--staff"):
        samplegen.generate(tmp_path, staff=5)
    with pytest.raises(ValueError, match="--month"):
        samplegen.generate(tmp_path, month="2026/10")
    with pytest.raises(SystemExit) as exit_info:
        samplegen.main(["--out", str(tmp_path), "--month", "oct"])
    assert exit_info.value.code == 2


def test_main_writes_the_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--out", str(tmp_path), "--orders", "100", "--messages", "500", "--seed", "1"]
    assert samplegen.main(args) == 0
    out = capsys.readouterr().out
    assert "ExportOrderList202610.csv" in out
    assert len(list(tmp_path.iterdir())) == 7
