"""Nothing leaked, nothing changed: every command on the sample month, in every format.

The sample's Taobao export has receiver names, addresses, phone numbers and 支付宝
accounts; none of them may reach a report, a log line, the ledger or an error message.
With `mask_buyers: true`, no buyer nick may appear either (only `王**`). The inputs stay
byte for byte as they were, and no Python-level open of an input asks for writing.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

from .sample_run import (
    Output,
    buyer_nicks,
    digest,
    find,
    private_values,
    run_everything,
    xlsx_texts,
)

_WRITE_OPENS: list[tuple[str, Any]] = []
_WATCHED: list[Path] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    """Record a Python-level open of a watched input for anything but reading."""
    if event != "open" or not _WATCHED or not isinstance(args[0], str | Path):
        return
    path, mode, flags = args[0], args[1], args[2]
    writing = (mode is not None and any(c in str(mode) for c in "wax+")) or (
        mode is None and isinstance(flags, int) and flags & 0o3  # O_WRONLY | O_RDWR
    )
    if writing and any(Path(path).resolve().is_relative_to(w) for w in _WATCHED):
        _WRITE_OPENS.append((str(path), mode))


sys.addaudithook(_audit)  # hooks cannot be removed: it only records while _WATCHED is set


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Output], Path, dict]:
    tmp = tmp_path_factory.mktemp("sample")
    before: dict[str, Any] = {}

    def remember(data: Path) -> None:
        before.update(digest(data))
        _WATCHED.append(data.resolve())

    try:
        outputs, data = run_everything(tmp, "mask_buyers: true\n", on_copied=remember)
    finally:
        _WATCHED.clear()
    return outputs, data, before


def test_every_command_ran(sample_run: tuple[list[Output], Path, dict]) -> None:
    outputs, _, _ = sample_run
    codes = {o.command: o.exit_code for o in outputs}
    assert len(codes) >= 40
    # grade needs twelve closed months, the two last runs name an unknown 工号: errors
    # whose messages are scanned too.
    failing = {c for c, code in codes.items() if code != 0}
    assert failing == {"grade", "unknown staff", "explain unknown"}, codes


def test_no_private_data_in_any_output(
    sample_run: tuple[list[Output], Path, dict],
) -> None:
    outputs, data, _ = sample_run
    private = private_values(data)
    # A receiver may share a staff member's name (王俊杰): that name is in reports anyway.
    staff_cells = set(xlsx_texts(next(data.glob("客服名单*.xlsx"))))
    private["收货人姓名"] -= staff_cells
    needles = set().union(*private.values())
    # Phones also as bare digits (a report might strip the dash of 0571-44917393).
    needles |= {re.sub(r"\D", "", p) for c in ("联系电话", "联系手机") for p in private[c]}
    needles = {n for n in needles if len(n) >= 2}
    assert find(outputs, needles) == []
    # The scan finds each kind of value where it is (a control: the scan can fail).
    planted = [f"备注 {sorted(v)[7]}。" for v in private.values()]
    assert len(find([Output("control", 0, planted)], needles)) >= len(planted)


def test_buyer_nicks_are_masked_everywhere(
    sample_run: tuple[list[Output], Path, dict],
) -> None:
    outputs, data, _ = sample_run
    nicks = buyer_nicks(data)
    assert len(nicks) > 100
    assert find(outputs, nicks) == []
    # The masked form does appear (the lists name buyers): the scan looked at real text.
    shown = {o.command for o in outputs if re.search(r"\w\*\*", "\n".join(o.texts))}
    assert {"overdue json", "unpaid csv", "chats explain", "monthly"} <= shown


def test_inputs_never_modified(sample_run: tuple[list[Output], Path, dict]) -> None:
    _, data, before = sample_run
    assert digest(data) == before  # same files, same bytes, same mtimes
    assert _WRITE_OPENS == []
