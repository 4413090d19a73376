"""Run every csops command on a copy of the sample month, in every format, and keep what
each printed and wrote: the material of the leak, masking and input-safety tests.

The private values are collected from the raw Taobao export with the csv module, never
through csops: receiver names, addresses, phone numbers, 支付宝 accounts; and the buyer
nicks (orders and chat log), which must be masked when `mask_buyers: true`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from typer.testing import CliRunner

from csops.cli.app import app

REPO = Path(__file__).parent.parent.parent
SAMPLE = REPO / "samples" / "2026-10"
PRIVATE_COLUMNS = ("收货人姓名", "收货地址", "联系电话", "联系手机", "买家支付宝账号")
FORMATS = ("table", "json", "csv", "xlsx")
AS_OF = "2026-10-31 20:00"


@dataclass
class Output:
    command: str
    exit_code: int
    texts: list[str] = field(default_factory=list)  # stdout, stderr, files, xlsx cells


def orders_file(folder: Path) -> Path:
    return next(folder.glob("ExportOrderList*.csv"))


def read_rows(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("gb18030")
    rows = list(csv.reader(io.StringIO(text)))
    header = [h.strip() for h in rows[0]]
    return [dict(zip(header, r, strict=False)) for r in rows[1:]]


def private_values(folder: Path) -> dict[str, set[str]]:
    """Column → the distinct non-empty private values of the folder's order export."""
    rows = read_rows(orders_file(folder))
    found: dict[str, set[str]] = {c: set() for c in PRIVATE_COLUMNS}
    for row in rows:
        for column in PRIVATE_COLUMNS:
            value = row.get(column, "").strip().strip('="')
            if value:
                found[column].add(value)
    assert all(found.values()), f"the sample lacks private values: {found}"
    return found


def buyer_nicks(folder: Path) -> set[str]:
    nicks = {r["买家会员名"].strip() for r in read_rows(orders_file(folder))}
    chats = read_rows(next(folder.glob("聊天记录*.csv")))
    nicks |= {r.get("买家", r.get("顾客", "")).strip() for r in chats}
    return {n for n in nicks if len(n) >= 4}


def xlsx_texts(path: Path) -> list[str]:
    """Every cell of every sheet as text (formulas as written, values as stored)."""
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [
            str(cell)
            for ws in book.worksheets
            for row in ws.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        ]
    finally:
        book.close()


def file_texts(folder: Path) -> Iterator[str]:
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".xlsx":
            yield from xlsx_texts(path)
        else:
            yield path.read_bytes().decode("utf-8", errors="replace")


def digest(folder: Path) -> dict[str, tuple[str, int]]:
    """Name → (SHA-256, mtime in ns) of every file in `folder`."""
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
    }


def commands(data: Path, rules: Path, ledger: Path) -> Iterator[tuple[str, list[str]]]:
    common = ["--data", str(data), "--rules", str(rules)]
    month = ["--month", "2026-10"]
    for fmt in FORMATS:
        yield f"inspect {fmt}", ["inspect", *common, "--format", fmt]
        yield f"score {fmt}", ["score", *month, *common, "--ledger", str(ledger), "--format", fmt]
        yield f"commission {fmt}", ["commission", *month, *common, "--format", fmt]
        yield f"chats {fmt}", ["chats", *month, *common, "--format", fmt]
        yield f"kpi {fmt}", ["kpi", *month, *common, "--format", fmt]
        as_of = ["--as-of", AS_OF]
        yield f"overdue {fmt}", ["overdue-shipments", *as_of, *common, "--format", fmt]
        yield f"unpaid {fmt}", ["unpaid-orders", *as_of, *common, "--format", fmt]
    score = ["score", *month, *common, "--ledger", str(ledger)]
    yield "score explain", [*score, "--explain"]
    yield "score explain csv", [*score, "--explain", "--format", "csv"]
    yield "commission explain", ["commission", *month, *common, "--explain", "--staff", "1002"]
    yield "chats explain", ["chats", *month, *common, "--explain", "--staff", "1002"]
    yield "kpi explain", ["kpi", *month, *common, "--explain", "--staff", "1002"]
    yield "close", ["close", *month, *common, "--ledger", str(ledger), "--format", "json"]
    yield "history", ["history", "--ledger", str(ledger), "--rules", str(rules), "--format", "json"]
    yield "grade", ["grade", "--year", "2026", "--ledger", str(ledger), "--rules", str(rules)]
    # Error messages that quote the data.
    yield "unknown staff", [*score, "--staff", "9999"]
    yield "explain unknown", ["commission", *month, *common, "--explain", "--staff", "9999"]


def run_everything(
    tmp: Path, settings: str, on_copied: Callable[[Path], None] | None = None
) -> tuple[list[Output], Path]:
    """Copy the sample, run every command (settings.yaml replaced by `settings`); return
    the outputs and the copied data folder (`on_copied` sees it before any run)."""
    data = tmp / "data"
    shutil.copytree(SAMPLE, data)
    if on_copied is not None:
        on_copied(data)
    rules = tmp / "rules"
    rules.mkdir()
    (rules / "settings.yaml").write_text(settings, encoding="utf-8")
    ledger = tmp / "ledger.sqlite"
    runner = CliRunner()
    outputs: list[Output] = []
    for n, (name, args) in enumerate(commands(data, rules, ledger)):
        fmt = args[args.index("--format") + 1] if "--format" in args else "table"
        out = tmp / "out" / f"{n}.{ {'table': 'txt'}.get(fmt, fmt) }"
        if fmt != "table" or n % 2 == 0:  # tables both to the terminal and to a file
            args = [*args, "--out", str(out)]
        outputs.append(_invoke(runner, name, args, out))
    monthly_out = tmp / "monthly"
    log = tmp / "monthly.log"
    monthly = [
        "monthly", "--month", "2026-10", "--data", str(data), "--rules", str(rules),
        "--out", str(monthly_out), "--log", str(log), "--ledger", str(tmp / "m.sqlite"),
        "--close",
    ]  # fmt: skip
    result = _invoke(runner, "monthly", monthly, None)
    result.texts += list(file_texts(monthly_out)) + [log.read_text(encoding="utf-8")]
    outputs.append(result)
    for name, path in (("ledger", ledger), ("monthly ledger", tmp / "m.sqlite")):
        outputs.append(Output(name, 0, [path.read_bytes().decode("utf-8", errors="replace")]))
    return outputs, data


def _invoke(runner: CliRunner, name: str, args: list[str], out: Path | None) -> Output:
    result = runner.invoke(app, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{name}: {result.exception!r}") from result.exception
    texts = [result.stdout, result.stderr]
    if out is not None and out.exists():
        texts += xlsx_texts(out) if out.suffix == ".xlsx" else [out.read_text(encoding="utf-8")]
    return Output(name, result.exit_code, texts)


def find(outputs: list[Output], needles: set[str]) -> list[tuple[str, str]]:
    """(command, needle) for every needle (two characters or more) found in any output.

    Ten thousand needles in forty outputs, so a needle is searched for only when it may
    be there: its first and last k characters (k = 2 to 4) occur in the output, and a
    phone number's digit runs are digit runs of the output (set lookups).
    """
    hits = []
    for output in outputs:
        blob = "\n".join(output.texts)
        grams = {k: {blob[i : i + k] for i in range(len(blob) - k + 1)} for k in (2, 3, 4)}
        runs = set(_DIGIT_RUN.findall(blob))
        for needle in sorted(needles):
            seen = grams[min(len(needle), 4)]
            if needle[:4] not in seen or needle[-4:] not in seen:
                continue
            if _PHONE.fullmatch(needle) and not set(_DIGIT_RUN.findall(needle)) <= runs:
                continue
            if needle in blob:
                hits.append((output.command, needle))
    return hits


_DIGIT_RUN = re.compile(r"\d{3,}")
_PHONE = re.compile(r"[\d\s+-]+")


def describe(outputs: list[Output]) -> Any:
    return {o.command: o.exit_code for o in outputs}


if __name__ == "__main__":  # pragma: no cover - a manual look at what ran
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        outs, _ = run_everything(Path(tmp), "mask_buyers: true\n")
        print(describe(outs), file=sys.stderr)
