"""Write samples/2026-10-platforms: the sample month of samples/2026-10 as a shop on
three order layouts and two chat layouts exports it.

    python tools/make_platform_sample.py [--source DIR] [--out DIR]

The same orders and messages, split between the layouts csops reads (headers from
tests/fixtures/layouts/make_layouts.py, sources in docs/inputs.md):

- Taobao classic `ExportOrderList202610.csv`: a third of the orders, lines copied as they are;
- 千牛 current `千牛订单导出_202610.xlsx`: a third, a 订单 sheet and its 宝贝 (子订单) sheet,
  some orders in two items;
- JD `京东订单_202610.csv` (GB18030): the rest of the orders without a refund or a closed
  status (a JD export has no refund column), a row per SKU for every fourth, the order's
  amounts repeated, some paid partly from the JD balance (结算金额 = 余额支付 + 应付金额);
- 千牛 `聊天记录_2026-10.csv` (客服账号, 买家, 时间, 发送方) and `咚咚聊天记录_2026-10.csv`
  (GB18030; 发送人, 接收人): each conversation in one of the two.

The roster, attendance, leave, incident and QA files are copied. Every figure csops
computes from this folder equals the one from the source month (tests/test_samples.py).
The same source always gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import shutil
import sys
from datetime import datetime
from pathlib import Path

import pandas as pd
import xlsxwriter

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "fixtures" / "layouts"))
sys.path.insert(0, str(REPO / "src"))

from make_layouts import JD_30, QIANNIU_ITEMS_27, QIANNIU_MAIN  # noqa: E402

from csops.ingest.discover import Inputs  # noqa: E402
from csops.rules import load_rules  # noqa: E402

COPIED = (
    "客服名单.xlsx",
    "每日统计_2026-10.xlsx",
    "审批_请假_2026-10.xlsx",
    "奖惩登记.xlsx",
    "质检抽查.xlsx",
)
JD_STATUS = {
    "交易成功": "完成",
    "卖家已发货，等待买家确认": "等待确认收货",
    "买家已付款，等待卖家发货": "等待出库",
    "等待买家付款": "等待付款",
}
FIXED = datetime(2026, 11, 1, 8, 0, 0)


def bucket(key: str, n: int) -> int:
    """A stable choice among `n` from a text (not Python's per-process hash)."""
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) % n


def yuan(fen: object) -> str:
    return "" if pd.isna(fen) else f"{int(fen) // 100}.{int(fen) % 100:02d}"  # type: ignore[call-overload]


def when(value: object) -> str:
    return "" if pd.isna(value) else f"{value:%Y-%m-%d %H:%M:%S}"


def text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)  # type: ignore[arg-type]


def split_orders(orders: pd.DataFrame) -> pd.Series:
    """taobao / qianniu / jd per order: JD only for orders a JD export can hold."""
    choice = orders["order_id"].map(lambda o: bucket(o, 3))
    jd_ok = (orders["refund_amount_fen"].fillna(0) == 0) & (orders["status"] != "交易关闭")
    layout = choice.map({0: "taobao", 1: "jd", 2: "qianniu"})
    return layout.where((layout != "jd") | jd_ok, "taobao")


def write_taobao(source: Path, out: Path, rows: set[int]) -> None:
    raw = source.read_bytes().decode("gb18030")
    lines = raw.split("\r\n")
    kept = [lines[0]] + [line for n, line in enumerate(lines[1:], 2) if n in rows]
    (out / "ExportOrderList202610.csv").write_bytes(("\r\n".join(kept) + "\r\n").encode("gb18030"))


# 千牛's order export is column-configurable: this shop ticks the buyer's nick too (the
# chat KPIs match orders to chats by it).
QIANNIU_WITH_BUYER = [*QIANNIU_MAIN, "买家会员名"]


def write_qianniu(out: Path, orders: pd.DataFrame) -> None:
    main = [QIANNIU_WITH_BUYER]
    items = [QIANNIU_ITEMS_27]
    for o in orders.itertuples(index=False):
        common = {
            "订单状态": text(o.status),
            "订单创建时间": when(o.created_at),
            "订单付款时间": when(o.paid_at),
            "商家备注": text(o.memo),
        }
        row = dict(
            common,
            订单编号=o.order_id,
            买家实付金额=yuan(o.paid_amount_fen),
            商品标题=text(o.title),
            退款金额=yuan(o.refund_amount_fen),
            发货时间=when(o.shipped_at),
            买家会员名=text(o.buyer),
        )
        main.append([row.get(h, "") for h in QIANNIU_WITH_BUYER])
        paid = int(o.paid_amount_fen)
        parts = (
            [paid] if paid < 2 or bucket(o.order_id + "items", 2) else [paid // 2, paid - paid // 2]
        )
        for k, part in enumerate(parts, 1):
            item = dict(
                common,
                子订单编号=f"{o.order_id[:-1]}{k}",
                主订单编号=o.order_id,
                商品标题=text(o.title),
                购买数量="1",
                买家实付金额=yuan(part),
                退款状态="没有申请退款",
                退款金额="无退款申请",
            )
            items.append([item.get(h, "") for h in QIANNIU_ITEMS_27])
    wb = xlsxwriter.Workbook(str(out / "千牛订单导出_202610.xlsx"), {"strings_to_numbers": False})
    wb.set_properties({"created": FIXED})
    for name, rows in (("订单", main), ("宝贝", items)):
        ws = wb.add_worksheet(name)
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                if value != "":
                    ws.write_string(r, c, value)
    wb.close()


def write_jd(out: Path, orders: pd.DataFrame) -> None:
    rows = [JD_30]
    for o in orders.itertuples(index=False):
        paid = int(o.paid_amount_fen)
        balance = paid // 10 if paid and bucket(o.order_id + "balance", 5) == 0 else 0
        row = {
            "订单号": o.order_id,
            "商品名称": text(o.title),
            "订购数量": "1",
            "支付方式": "在线支付",
            "下单时间": when(o.created_at),
            "订单金额": yuan(paid),
            "结算金额": yuan(paid),
            "余额支付": yuan(balance),
            "应付金额": yuan(paid - balance),
            "订单状态": JD_STATUS.get(text(o.status), text(o.status)),
            "订单类型": "销售订单",
            "下单帐号": text(o.buyer),
            "商家备注": text(o.memo),
            "商家备注等级（等级1-5为由高到低）": text(o.flag),
            "运费金额": "0.00",
            "付款确认时间": when(o.paid_at),
            "订单来源": "移动端订单",
        }
        lines = 2 if bucket(o.order_id + "sku", 4) == 0 else 1
        for _ in range(lines):
            rows.append([row.get(h, "") for h in JD_30])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    (out / "京东订单_202610.csv").write_bytes(buffer.getvalue().encode("gb18030"))


def write_chats(out: Path, chats: pd.DataFrame, staff_accounts: set[str]) -> None:
    pair = chats["account"].astype(str) + "\0" + chats["buyer"].astype(str)
    dongdong = pair.map(lambda p: bucket(p, 2) == 1) & chats["account"].isin(staff_accounts)
    qianniu = io.StringIO()
    writer = csv.writer(qianniu, lineterminator="\r\n")
    writer.writerow(["客服账号", "买家", "时间", "发送方", "内容"])
    other = io.StringIO()
    other_writer = csv.writer(other, lineterminator="\r\n")
    other_writer.writerow(["发送人", "接收人", "消息时间", "消息内容"])
    for m, to_other in zip(chats.itertuples(index=False), dongdong, strict=True):
        if to_other:
            sender, receiver = (
                (m.buyer, m.account) if m.direction == "买家" else (m.account, m.buyer)
            )
            other_writer.writerow([sender, receiver, f"{m.time:%Y/%m/%d %H:%M:%S}", text(m.text)])
        else:
            writer.writerow([m.account, m.buyer, when(m.time), m.direction, text(m.text)])
    (out / "聊天记录_2026-10.csv").write_bytes(qianniu.getvalue().encode("utf-8-sig"))
    (out / "咚咚聊天记录_2026-10.csv").write_bytes(other.getvalue().encode("gb18030"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=REPO / "samples" / "2026-10")
    parser.add_argument("--out", type=Path, default=REPO / "samples" / "2026-10-platforms")
    args = parser.parse_args()
    inputs = Inputs.scan(load_rules(REPO / "rules"), args.source)
    inputs.load(["orders", "chats", "roster"], lazy=True)
    out: Path = args.out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in COPIED:
        shutil.copy(args.source / name, out / name)
    orders = inputs.frame("orders").sort_values("_row", kind="stable")
    layout = split_orders(orders)
    write_taobao(
        args.source / "ExportOrderList202610.csv", out, set(orders["_row"][layout == "taobao"])
    )
    write_qianniu(out, orders[layout == "qianniu"])
    write_jd(out, orders[layout == "jd"])
    roster = inputs.frame("roster")
    accounts = {a for cell in roster["accounts"].dropna() for a in str(cell).split(",")}
    write_chats(out, inputs.frame("chats").sort_values("_row", kind="stable"), accounts)


if __name__ == "__main__":
    main()
