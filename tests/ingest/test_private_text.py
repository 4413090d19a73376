"""The masks of `csops.ingest.private_text`, one kind at a time, and what they leave alone."""

from __future__ import annotations

import pandas as pd
import pytest

from csops.domain.memo import MemoMatcher
from csops.domain.roster import Roster
from csops.ingest.private_text import mask_column, mask_text


@pytest.mark.parametrize(
    ("text", "masked", "kind"),
    [
        ("电话13812341003 客服1002", "电话138****1003 客服1002", "mobile numbers"),
        ("买家说 138-1234-5678 改地址", "买家说 138****5678 改地址", "mobile numbers"),
        ("+86 13912345678", "139****5678", "mobile numbers"),
        ("座机0571-44917393", "座机0571-****7393", "landline numbers"),
        ("身份证110101199003071234", "身份证110101********1234", "ID numbers"),
        ("邮箱 buyer_88@163.com", "邮箱 b***@163.com", "e-mail addresses"),
        ("退款到支付宝13800001111", "退款到支付宝***", "支付宝 accounts"),
        ("收货人:徐强 已改", "收货人:徐* 已改", "receiver names"),
        ("改发 浙江省 杭州市 西湖区 文化路615号3栋275室 1002", "改发 浙江省**** 1002", "addresses"),
    ],
)
def test_each_kind_is_masked(text: str, masked: str, kind: str) -> None:
    out, found = mask_text(text)
    assert out == masked
    assert found[kind] == 1


@pytest.mark.parametrize(
    "text",
    [
        "客服1003 赠品袜子",
        "补发 4017416467503361010 顺丰",
        "SF1234567890 小雪",
        "发上海市区仓库",
        "1004",
    ],
)
def test_memo_text_without_private_data_is_unchanged(text: str) -> None:
    assert mask_text(text) == (text, {})


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("电话138-1234-5678 客服1003", "电话138****5678 客服1003"),
        ("138 1234 5678", "138****5678"),
        ("座机0571 8800 1111", "座机0571-****1111"),
        ("改到朝阳区望京SOHO T1 5栋302室", "改到朝阳区****"),
    ],
)
def test_numbers_with_separators_are_masked_in_a_column(text: str, masked: str) -> None:
    """The column's quick look for candidates sees numbers written with dashes or spaces."""
    out, found = mask_column(pd.Series([text], dtype="str"))
    assert out.iloc[0] == masked and sum(found.values()) == 1


def test_a_memo_with_a_quantity_still_names_its_staff_member() -> None:
    roster = Roster.from_frame(
        pd.DataFrame({"staff_id": ["1003"], "name": ["陈雅婷"], "_file": "r", "_row": [2]})
    )
    assert MemoMatcher(roster).match(pd.Series(["1003*2"], dtype="str"))["staff_id"].tolist() == [
        "1003"
    ]


def test_a_masked_number_is_no_staff_id() -> None:
    """138****1003 ends in a 工号: the memo matcher must not credit 1003 for it."""
    roster = Roster.from_frame(
        pd.DataFrame(
            {
                "staff_id": ["1002", "1003"],
                "name": ["林小美", "陈雅婷"],
                "_file": "r",
                "_row": [2, 3],
            }
        )
    )
    memos, _ = mask_column(pd.Series(["客服1002 买家电话13812341003"], dtype="str"))
    assert memos.iloc[0] == "客服1002 买家电话138****1003"
    assert MemoMatcher(roster).match(memos)["staff_id"].tolist() == ["1002"]


def test_a_column_counts_per_cell_and_keeps_empty_cells() -> None:
    column = pd.Series(["13812345678", None, "13812345678", "1004"], dtype="str")
    out, found = mask_column(column)
    assert out.tolist()[0] == "138****5678" and out.tolist()[2] == "138****5678"
    assert pd.isna(out.iloc[1]) and out.iloc[3] == "1004"
    assert found == {"mobile numbers": 2}
