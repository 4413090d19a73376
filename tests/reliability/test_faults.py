"""Nothing lost: a report file is replaced whole or not at all.

- a process killed (SIGKILL) while it builds a large xlsx leaves the previous report
  byte for byte and no partial file;
- a run that fails (bad input, disk full while writing) leaves the previous report;
- parts left by a killed writer are removed by the next write to the same file, never
  those of a writer still running;
- `--out` naming an input file is refused before anything runs.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from csops.cli.app import app
from csops.errors import UsageError
from csops.report.output import atomic_path

runner = CliRunner()
AS_OF = "2026-10-31 20:00"
HEADER = [
    "订单编号",
    "买家会员名",
    "买家实际支付金额",
    "订单状态",
    "订单付款时间",
    "宝贝标题",
    "订单备注",
]
ROSTER = "工号,姓名,旺旺子账号\n1001,张敏,店:小敏\n1002,李娜,店:小娜\n"


def write_month(folder: Path, orders: int) -> Path:
    """`orders` paid, unshipped orders (all on the overdue list) and a roster."""
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for n in range(orders):
        paid = f"2026-10-{1 + n % 28:02d} {n % 24:02d}:{n % 60:02d}:00"
        status = "买家已付款，等待卖家发货"
        memo = "1001" if n % 2 else "1002"
        writer.writerow([f"4012{n:015d}", f"买家{n}", "99.00", status, paid, "纯棉四件套", memo])
    (folder / "orders.csv").write_bytes(buffer.getvalue().encode("gb18030"))
    (folder / "roster.csv").write_text(ROSTER, encoding="utf-8")
    return folder


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def overdue(data: Path, out: Path, fmt: str = "xlsx") -> list[str]:
    return ["overdue-shipments", "--as-of", AS_OF, "--data", str(data), "--format", fmt,
            "--out", str(out)]  # fmt: skip


# The child announces on stderr when the workbook starts being built, so the kill lands
# inside the slow part whatever the machine's speed.
CHILD = """
import sys
import csops.report.output as output
from csops.cli.app import app
real = output.write_xlsx
def announced(*args, **kwargs):
    print("BUILDING", file=sys.stderr, flush=True)
    return real(*args, **kwargs)
output.write_xlsx = announced
app(sys.argv[1:])
"""


def test_killed_during_a_large_xlsx_write_leaves_the_previous_report(tmp_path: Path) -> None:
    small = write_month(tmp_path / "small", 3)
    big = write_month(tmp_path / "big", 30_000)
    out_dir = tmp_path / "reports"
    report = out_dir / "overdue.xlsx"
    first = runner.invoke(app, overdue(small, report))
    assert first.exit_code == 0, first.output
    before = sha(report)

    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, *overdue(big, report)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert child.stderr is not None
        line = child.stderr.readline()
        assert line.strip() == "BUILDING", line
        time.sleep(0.3)  # well inside the build of 30,000 rows (seconds)
        assert child.poll() is None, "the write finished before the kill: use more rows"
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=60)
        if child.stderr is not None:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    assert sha(report) == before
    assert sorted(p.name for p in out_dir.iterdir()) == ["overdue.xlsx"]  # no partial file
    book = openpyxl.load_workbook(report, read_only=True)
    assert book.sheetnames  # still a workbook
    book.close()


def test_a_failed_run_leaves_the_previous_report(tmp_path: Path) -> None:
    data = write_month(tmp_path / "data", 3)
    report = tmp_path / "reports" / "overdue.json"
    assert runner.invoke(app, overdue(data, report, "json")).exit_code == 0
    before, mtime = sha(report), report.stat().st_mtime_ns
    (data / "orders.csv").write_bytes(b"")  # the next export came out empty
    failed = runner.invoke(app, overdue(data, report, "json"))
    assert failed.exit_code == 1
    assert failed.stderr.startswith("Error: orders.csv: the file is empty")
    assert (sha(report), report.stat().st_mtime_ns) == (before, mtime)
    assert [p.name for p in report.parent.iterdir()] == ["overdue.json"]


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "table"])
def test_disk_full_while_writing_is_one_message_and_keeps_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    data = write_month(tmp_path / "data", 3)
    report = tmp_path / "reports" / f"overdue.{fmt}"
    assert runner.invoke(app, overdue(data, report, fmt)).exit_code == 0
    before = sha(report)

    def full(self: Path, *args: object, **kwargs: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Path, "write_bytes", full)
    monkeypatch.setattr(Path, "write_text", full)
    failed = runner.invoke(app, overdue(data, report, fmt))
    assert failed.exit_code == 2
    assert failed.stderr.strip() == (
        f"Error: cannot write {report} (No space left on device); "
        "any earlier file there is unchanged"
    )
    assert "Traceback" not in failed.output
    assert sha(report) == before
    assert [p.name for p in report.parent.iterdir()] == [report.name]


def test_parts_of_dead_writers_are_cleaned_not_those_of_live_ones(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    stale = tmp_path / f".report.json.{dead.stdout.strip()}.x1.part"
    live = tmp_path / f".report.json.{os.getppid()}.x2.part"  # pytest's parent: alive
    other = tmp_path / f".other.json.{dead.stdout.strip()}.x3.part"
    for path in (stale, live, other):
        path.write_text("half a report", encoding="utf-8")
    with atomic_path(target) as tmp:
        tmp.write_text("{}", encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["report.json", live.name, other.name]
    )


def test_a_scratch_folder_a_killed_run_left_goes_with_the_next_write(tmp_path: Path) -> None:
    """Earlier versions wrote the workbook through a scratch folder beside it; one a killed
    run left is removed like its parts."""
    target = tmp_path / "book.xlsx"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    left = tmp_path / f".book.xlsx.{dead.stdout.strip()}.k1.part"
    left.mkdir()
    (left / "rows").write_text("half a sheet", encoding="utf-8")
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"PK")
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]


def test_an_error_inside_the_block_keeps_the_target(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(UsageError, match="Permission denied"):
        with atomic_path(target) as tmp:
            tmp.write_text("new", encoding="utf-8")
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


@pytest.mark.parametrize(
    ("option", "name"),
    [("--data", "data/orders.csv"), ("--orders", "data/orders.csv"), ("--rules", "r/x.yaml")],
)
def test_out_may_not_overwrite_an_input(tmp_path: Path, option: str, name: str) -> None:
    data = write_month(tmp_path / "data", 3)
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "x.yaml").write_text("a: 1\n", encoding="utf-8")
    source = {"--data": data, "--orders": data / "orders.csv", "--rules": tmp_path / "r"}
    target = tmp_path / name
    before = sha(target)
    args = ["overdue-shipments", "--as-of", AS_OF, option, str(source[option])]
    if option != "--data":
        args += ["--roster", str(data / "roster.csv")]
    result = runner.invoke(app, [*args, "--format", "csv", "--out", str(target)])
    assert result.exit_code == 2
    assert f"--out {target}: that file is an input" in result.stderr
    assert sha(target) == before


def test_reports_get_the_mode_of_a_plain_file(tmp_path: Path) -> None:
    import os

    from csops.report.output import write_text_atomic

    target = tmp_path / "report.csv"
    write_text_atomic(target, "a\n")
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
