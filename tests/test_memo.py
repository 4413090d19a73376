"""Memo matching: whole-token 工号, nicknames, conflicts, unknown IDs."""

from __future__ import annotations

import pandas as pd
import pytest

from csops.domain.memo import MemoMatcher
from csops.domain.roster import Roster


@pytest.fixture
def matcher() -> MemoMatcher:
    frame = pd.DataFrame(
        {
            "staff_id": ["1002", "1003", "1005"],
            "name": ["阿杰", "王美丽", "李娜"],
            "accounts": ["星辰家居旗舰店:阿杰", "星辰家居旗舰店:小美", None],
            "hired_on": pd.NaT,
            "left_on": pd.NaT,
            "_file": "roster.xlsx",
            "_row": [2, 3, 4],
        }
    )
    return MemoMatcher(Roster.from_frame(frame))


@pytest.mark.parametrize(
    ("memo", "staff", "candidates", "unknown"),
    [
        ("1003", "1003", "1003", None),
        ("客服1003 赠品袜子", "1003", "1003", None),
        ("1003/已核对", "1003", "1003", None),
        ("10035", None, None, None),
        ("订单4012345678901234567", None, None, None),
        ("顺丰 SF1234567890", None, None, None),
        ("小美", "1003", "1003", None),
        ("李娜跟进", "1005", "1005", None),
        ("1002 1005", None, "1002 1005", None),
        ("1003 小美", "1003", "1003", None),
        ("1099", None, None, "1099"),
        ("1099 1003", "1003", "1003", "1099"),
    ],
)
def test_memo_cases(
    matcher: MemoMatcher, memo: str, staff: str | None, candidates: str | None, unknown: str | None
) -> None:
    row = matcher.match(pd.Series([memo], dtype="str")).iloc[0]
    assert (None if pd.isna(row["staff_id"]) else row["staff_id"]) == staff
    assert (None if pd.isna(row["candidates"]) else row["candidates"]) == candidates
    assert (None if pd.isna(row["unknown_ids"]) else row["unknown_ids"]) == unknown


def test_empty_memos_and_index_kept(matcher: MemoMatcher) -> None:
    memos = pd.Series([None, "1003", None, "1003"], index=[10, 11, 12, 13], dtype="str")
    found = matcher.match(memos)
    assert found.index.tolist() == [10, 11, 12, 13]
    assert found["staff_id"].isna().tolist() == [True, False, True, False]
