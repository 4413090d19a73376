"""Property tests over the readers and the rule loader.

- Orders, incidents and roster frames of random values, written as csops writes a CSV
  (csv module, formula guards, UTF-8 with BOM) or as a GB18030 export, under random
  header aliases in random order with private columns between them, read back to the
  very values they were written from.
- Any CSV at all (random headers and cells: quotes, commas, newlines, CJK, guards, NUL)
  either loads or fails with a CsopsError, never another exception.
- Any YAML data in any rule file either loads or fails with a RuleError.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csops.errors import CsopsError, RuleError
from csops.ingest.discover import Inputs
from csops.report.output import inert
from csops.rules import RuleSet, load_rules
from csops.rules.loader import RULE_FILES
from csops.schemas import SCHEMAS, FieldType

RULES = load_rules(Path(__file__).parent.parent.parent / "rules")
KINDS = ("orders", "incidents", "roster")
PRIVATE = ("收货人姓名", "收货地址", "联系手机")
# Text as shop staff and buyers type it: CJK, quotes, commas, newlines, guards.
ALPHABET = st.sampled_from(
    list("abcXYZ019 ,\"'=+-@;:/()（）【】，。！？\n")
    + ["\r", "\t", "\u3000"]
    + list("王小二客服星辰家居旗舰店收纳箱赠品袜子亲在吗")
)
TEXT = st.text(ALPHABET, min_size=0, max_size=24)
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
FIRST = datetime(2020, 1, 1)
LAST = datetime(2026, 10, 31, 23, 59, 59)
PROPERTY = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def text_read_back(value: str) -> str | None:
    """What the reader makes of a text cell csops wrote from `value`."""
    trimmed = value.strip()
    if trimmed[:1] == "'" and trimmed[1:2] and trimmed[1] in "=+-@\t\r":
        trimmed = trimmed[1:].strip()
    return trimmed or None


@st.composite
def cell(draw: st.DrawFn, kind: str, name: str) -> tuple[str, Any]:
    """(text written to the file, value expected back) for one field."""
    field = SCHEMAS[kind].field(name)
    optional = field.nullable and draw(st.integers(0, 5)) == 0
    if optional:
        return draw(st.sampled_from(["", " "])), None
    if field.type is FieldType.ORDER_ID:
        digits = str(draw(st.integers(10**17, 10**19 - 1)))
        guard = draw(st.sampled_from(['="{}"', "'{}", "\t{}", "{}", " {} "]))
        return guard.format(digits), digits
    if field.type is FieldType.ID:
        staff = str(draw(st.integers(1000, 9999)))
        return draw(st.sampled_from([staff, staff + ".0", f"'{staff}", f"={staff}"])), staff
    if field.type is FieldType.MONEY:
        fen = draw(st.integers(0, 10**9))
        yuan = Decimal(fen) / 100
        shown = draw(st.sampled_from(["{:.2f}", "¥{:,.2f}", "{:.2f}元", "￥{:.2f}"]))
        return shown.format(yuan), fen
    if field.type is FieldType.DATETIME:
        moment = draw(st.datetimes(FIRST, LAST)).replace(microsecond=0)
        form = draw(
            st.sampled_from(["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"])
        )
        return moment.strftime(form), pd.Timestamp(moment)
    if field.type is FieldType.DATE:
        day = draw(st.dates(FIRST.date(), LAST.date()))
        form = draw(st.sampled_from(["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]))
        text = day.strftime(form).replace("年0", "年").replace("月0", "月")
        return text, pd.Timestamp(day)
    if field.type is FieldType.NUMBER:
        halves = draw(st.integers(0, 40))
        return f"{halves / 2:g}", halves / 2
    if field.type is FieldType.INT:
        flag = draw(st.integers(0, 5))
        return str(flag), flag
    if field.type is FieldType.FLAG:
        flag = draw(st.integers(0, 5))
        colour = ["灰", "红旗", "黄色", "绿", "蓝旗", "粉"][flag]
        return draw(st.sampled_from([str(flag), colour])), flag
    value = draw(TEXT.filter(lambda t: field.nullable or text_read_back(inert(t))))
    return value, text_read_back(inert(value))


@st.composite
def export(draw: st.DrawFn, kind: str, aliases: dict[str, list[str]]) -> dict[str, Any]:
    schema = SCHEMAS[kind]
    names = list(schema.required) + draw(
        st.lists(
            st.sampled_from([f for f in schema.field_names if f not in schema.required]),
            unique=True,
        )
    )
    if kind == "orders":  # a future date is refused: keep created/paid in the past
        names = list(dict.fromkeys(names))
    # An ERP's own order number is told from the platform's by which headers the file
    # has (docs/inputs.md): here it keeps its canonical name.
    headers = {
        n: n if n == "erp_order_id" else draw(st.sampled_from([*aliases.get(n, []), n]))
        for n in names
    }
    seen: set[str] = set()
    for n in names:  # two fields never share one header text
        if headers[n] in seen:
            headers[n] = n
        seen.add(headers[n])
    extra = draw(st.lists(st.sampled_from(PRIVATE), unique=True))
    columns = names + extra
    order = draw(st.permutations(columns))
    n_rows = draw(st.integers(1, 6))
    rows, expected = [], {n: [] for n in names}
    for i in range(n_rows):
        row = {}
        for name in names:
            written, value = draw(cell(kind, name))
            if name in ("order_id", "staff_id", "erp_order_id") and kind in ("orders", "roster"):
                # Keys are unique per file (a repeated key is a conflict, not a round trip;
                # one ERP number on two platform orders is one merged order, docs/inputs.md).
                written, value = _unique_key(name, i, written, value)
            row[name] = written
            expected[name].append(value)
        for name in extra:
            row[name] = draw(TEXT)
        rows.append([row[c] for c in order])
    header_row = [headers.get(c, c) for c in order]
    return {"header": header_row, "rows": rows, "expected": expected}


def _unique_key(name: str, i: int, written: str, value: str) -> tuple[str, str]:
    if name == "erp_order_id" and value is None:
        return written, value
    key = value[: -len(str(i))] + str(i) if name != "staff_id" else str(1000 + i)
    return written.replace(value, key), key


def write_file(path: Path, header: list[str], rows: list[list[str]], encoding: str) -> None:
    """As csops writes a CSV (formula guards; utf-8-sig) or as a shop backend (GB18030)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[inert(c) for c in row] for row in rows])
    path.write_bytes(buffer.getvalue().encode(encoding))


def plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if hasattr(value, "item") and not isinstance(value, pd.Timestamp):
        return value.item()
    return value


@pytest.mark.parametrize("kind", KINDS)
def test_written_frames_read_back_to_the_same_values(
    rules: RuleSet, tmp_path_factory: pytest.TempPathFactory, kind: str
) -> None:
    aliases = rules.columns.for_kind(kind)

    @PROPERTY
    @given(data=export(kind, aliases), encoding=st.sampled_from(["utf-8-sig", "gb18030"]))
    def round_trip(data: dict[str, Any], encoding: str) -> None:
        folder = tmp_path_factory.mktemp(kind)
        path = folder / f"{kind}.csv"
        write_file(path, data["header"], data["rows"], encoding)
        inputs = Inputs.scan(rules, explicit={kind: [path]}).load([kind])
        frame = inputs.frame(kind)
        for name, values in data["expected"].items():
            column = SCHEMAS[kind].field(name).column
            assert [plain(v) for v in frame[column]] == values, (name, data["rows"])
        assert frame["_row"].tolist() == list(range(2, 2 + len(data["rows"])))

    round_trip()


ANY_CELL = st.one_of(
    TEXT,
    st.text(min_size=0, max_size=12),
    st.sampled_from(["4.01E+18", "2026-02-30", "-5", "¥", "次日 25:00", "1e309", "\x1a"]),
    st.sampled_from(["4012345678901234567", "1001", "2026-10-03 14:05:00", "128.50", "买家",
                     "客服", "08:01", "次日 01:10", "态度投诉", "0.5", "2090-01-01"]),
)  # fmt: skip


COMPLETE_HEADERS = [
    ["订单编号", "买家实际支付金额", "订单付款时间", "买家会员名", "订单备注", "退款金额"],
    ["工号", "姓名", "入职日期", "旺旺子账号"],
    ["日期", "工号", "类型", "扣分", "金额"],
    ["客服账号", "买家", "时间", "发送方", "内容"],
    ["工号", "日期", "班次", "上班1打卡时间", "下班1打卡时间"],
]
KNOWN = sorted({h for headers in COMPLETE_HEADERS for h in headers})


@st.composite
def any_table(draw: st.DrawFn) -> list[list[str]]:
    """A header (random, or one csops knows) and rows, mostly as wide as the header."""
    header = draw(
        st.one_of(
            st.lists(st.one_of(st.sampled_from(KNOWN), TEXT), min_size=1, max_size=6),
            st.sampled_from(COMPLETE_HEADERS).flatmap(st.permutations),
        )
    )
    width = st.just(len(header)) if draw(st.integers(0, 4)) else st.integers(0, 7)
    rows = draw(st.lists(width.flatmap(lambda n: st.lists(ANY_CELL, min_size=n, max_size=n))))
    return [header, *rows]


@PROPERTY
@given(table=any_table(), encoding=st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_any_csv_loads_or_fails_with_a_csops_error(
    tmp_path_factory: pytest.TempPathFactory, table: list[list[str]], encoding: str
) -> None:
    folder = tmp_path_factory.mktemp("any")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(table)
    (folder / "export.csv").write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    try:
        Inputs.scan(RULES, folder).load(list(SCHEMAS), strict=False, lazy=True)
        Inputs.scan(RULES, folder).load(list(SCHEMAS))
    except CsopsError as exc:
        assert exc.message and "Traceback" not in exc.message


YAML_DATA = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(-10, 10**6), st.floats(allow_nan=False),
        st.text(max_size=8), st.sampled_from(["08:00", "0.8%", "abc", "whole", "-1"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["tiers", "levels", "rules", "from", "below",
                                         "rate", "id", "points", "max_score", "lang",
                                         "mode", "open", "close", "x"]), inner, max_size=4),
    ),
    max_leaves=12,
)  # fmt: skip


@PROPERTY
@given(name=st.sampled_from(sorted(RULE_FILES)), data=YAML_DATA)
def test_any_rule_file_loads_or_fails_with_a_rule_error(
    tmp_path_factory: pytest.TempPathFactory, name: str, data: Any
) -> None:
    folder = tmp_path_factory.mktemp("rules")
    (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        load_rules(folder)
    except RuleError as exc:
        assert all(p.startswith(f"{folder.name}/{name}: ") for p in exc.details or [exc.message])


def test_dates_of_the_strategy_are_in_the_past() -> None:
    assert LAST < datetime.now() - timedelta(days=1)
    assert date(2020, 1, 1) == FIRST.date()
