"""`normalize_messages`: every export form gives one message shape, sorted once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csops.domain.chatlog import normalize_messages, stable_order
from csops.errors import InputError
from csops.rules import RuleSet
from csops.rules.vocab import ValueWords

from .chatcases import WORDS, chat_frame, roster

A = "星辰家居旗舰店:小美"


@pytest.mark.parametrize(
    ("word", "from_buyer"),
    [("买家", True), ("客服", False), ("buyer", True), ("staff", False), ("0", True), ("1", False),
     (" Buyer ", True), ("STAFF", False)],
)  # fmt: skip
def test_direction_words(word: str, from_buyer: bool) -> None:
    out = normalize_messages(chat_frame([(A, "b", "2026-10-03 10:00:00", word)]), roster(), WORDS)
    assert out["from_buyer"].tolist() == [from_buyer]
    assert out["staff_id"].tolist() == ["1001"]


def test_default_rules_know_every_direction_word(rules: RuleSet) -> None:
    words = rules.get(ValueWords).chat_direction
    rows = [(A, "b", f"2026-10-03 10:00:0{i}", w) for i, w in enumerate(["买家", "客服", "0", "1"])]
    out = normalize_messages(chat_frame(rows), roster(), words)
    assert out["from_buyer"].tolist() == [True, False, True, False]


def test_unknown_direction_is_an_error_naming_rows_and_values() -> None:
    rows = [
        (A, "b", "2026-10-03 10:00:00", "买家"),
        (A, "b", "2026-10-03 10:00:05", "系统"),
        (A, "b", "2026-10-03 10:00:09", "2"),
    ]
    with pytest.raises(InputError) as caught:
        normalize_messages(chat_frame(rows), roster(), WORDS)
    assert caught.value.message == (
        "聊天记录.csv: column 发送方: 2 messages have a direction that is neither buyer nor "
        "staff (rows 3, 4: '系统', '2') — expected one of 买家, buyer, 0 (buyer) or 客服, "
        "staff, 1 (staff); other words go in rules/values.yaml"
    )


def test_sender_receiver_form_the_roster_side_is_the_staff() -> None:
    frame = pd.DataFrame(
        {
            "sender": ["tb小鱼88", A, "小美"],
            "receiver": [A, "tb小鱼88", "tb小鱼88"],
            "time": pd.to_datetime(
                ["2026-10-03 14:00:05", "2026-10-03 14:00:20", "2026-10-03 14:00:30"]
            ),
            "_file": "c.csv",
            "_row": [2, 3, 4],
        }
    )
    out = normalize_messages(frame, roster(), WORDS)
    # `小美` (the nickname) is the same staff member, but another account string.
    assert out["account"].tolist() == ["小美", A, A]
    assert out["buyer"].tolist() == ["tb小鱼88"] * 3
    assert out["from_buyer"].tolist() == [False, True, False]
    assert out["staff_id"].tolist() == ["1001"] * 3
    assert out["_row"].tolist() == [4, 2, 3]


def test_sender_receiver_with_no_staff_side_is_an_error() -> None:
    frame = pd.DataFrame(
        {
            "sender": ["买家甲", A],
            "receiver": ["某某", "买家甲"],
            "time": pd.to_datetime(["2026-10-03 14:00:05", "2026-10-03 14:00:20"]),
            "_file": "c.csv",
            "_row": [2, 3],
        }
    )
    with pytest.raises(InputError, match=r"1 messages have neither a sender nor a receiver.*row"):
        normalize_messages(frame, roster(), WORDS)


def test_account_on_no_roster_row_is_kept_under_its_name() -> None:
    rows = [
        ("临时客服", "b", "2026-10-03 10:00:00", "买家"),
        (A, "b", "2026-10-03 09:00:00", "客服"),
    ]
    out = normalize_messages(chat_frame(rows), roster(), WORDS)
    assert out["account"].tolist() == ["临时客服", A]
    assert out["staff_id"].isna().tolist() == [True, False]
    assert out["_row"].tolist() == [2, 3]


def test_sorted_by_account_buyer_time_with_stable_ties() -> None:
    rows = [
        ("b账号", "y", "2026-10-03 10:00:00", "买家"),
        ("a账号", "z", "2026-10-03 09:00:00", "买家"),
        ("a账号", "y", "2026-10-03 11:00:00", "客服"),
        ("a账号", "y", "2026-10-03 08:00:00", "买家"),
        ("a账号", "y", "2026-10-03 11:00:00", "买家"),  # same second: file order kept
    ]
    out = normalize_messages(chat_frame(rows), roster(), WORDS)
    assert out["_row"].tolist() == [5, 4, 6, 3, 2]
    assert list(out.columns) == [
        "account", "staff_id", "buyer", "time", "from_buyer", "_file", "_row",
    ]  # fmt: skip
    assert out["account"].cat.codes.tolist() == [0, 0, 0, 0, 1]
    assert out["buyer"].cat.codes.tolist() == [0, 0, 0, 1, 0]
    assert out["time"].dtype == "datetime64[us]"


def test_buyers_are_numbered_in_order_of_first_appearance() -> None:
    """Buyer codes follow the log, not the alphabet (sorting a million nicks costs more
    than it tells): a staff member's conversations come in the order the log lists them."""
    rows = [
        (A, "zz", "2026-10-03 10:00:00", "买家"),
        (A, "aa", "2026-10-03 09:00:00", "买家"),
        (A, "zz", "2026-10-03 11:00:00", "客服"),
    ]
    out = normalize_messages(chat_frame(rows), roster(), WORDS)
    assert out["buyer"].cat.categories.tolist() == ["zz", "aa"]
    assert out["_row"].tolist() == [2, 4, 3]


def test_rating_column_is_carried_when_the_export_has_one() -> None:
    rows = [(A, "b", "2026-10-03 10:00:01", "买家"), (A, "b", "2026-10-03 10:00:00", "客服")]
    out = normalize_messages(chat_frame(rows, rating=["很满意", None]), roster(), WORDS)
    assert out["rating"].tolist()[0] is None or pd.isna(out["rating"].tolist()[0])
    assert out["rating"].tolist()[1] == "很满意"


@pytest.mark.parametrize(("column", "header"), [("buyer", "买家"), ("account", "客服账号")])
def test_message_without_buyer_or_account_is_an_error(column: str, header: str) -> None:
    frame = chat_frame(
        [(A, "b", "2026-10-03 10:00:00", "买家"), (A, "b", "2026-10-03 10:00:01", "客服")]
    )
    frame.loc[1, column] = None
    with pytest.raises(InputError, match=rf"column {header}: 1 messages have no .*\(rows 3\)"):
        normalize_messages(frame, roster(), WORDS)


def test_empty_log_gives_an_empty_frame() -> None:
    out = normalize_messages(chat_frame([]), roster(), WORDS)
    assert len(out) == 0
    assert "from_buyer" in out


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 2**40), st.integers(-(2**61), 2**61)), min_size=0, max_size=60
    ),
    st.booleans(),
)
def test_radix_order_is_lexsort_order(rows: list[tuple[int, int]], minor_sorted: bool) -> None:
    """stable_order is np.lexsort((minor, major)): by major, then minor, ties in row order;
    with the minor key already in order (the usual export) and not."""
    major = np.array([r[0] % 7 if r[0] % 3 else r[0] for r in rows], dtype=np.int64)
    minor = np.array([r[1] % 5 if r[1] % 2 else r[1] for r in rows], dtype=np.int64)
    if minor_sorted:
        minor = np.sort(minor)
    assert stable_order(major, minor).tolist() == np.lexsort((minor, major)).tolist()


def test_radix_order_mends_a_few_late_messages() -> None:
    """Mostly in time order, two conversations of one buyer overlapping: only that buyer's
    rows are sorted again."""
    major = np.array([5, 5, 1, 5, 5, 1, 3, 3, 3, 2] * 5, dtype=np.int64)
    minor = np.arange(50, dtype=np.int64)
    minor[[3, 4]] = [0, 0]  # two late messages of major 5, tied in time
    assert stable_order(major, minor).tolist() == np.lexsort((minor, major)).tolist()


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([A, "星辰家居旗舰店:阿杰", "临时客服"]),
            st.sampled_from(["b1", "b2", "b3", "买家甲"]),
            st.integers(0, 5),
            st.booleans(),
        ),
        max_size=40,
    ),
    st.booleans(),
)
def test_the_log_is_ordered_as_a_stable_sort_would_order_it(
    rows: list[tuple[str, str, int, bool]], grouped: bool
) -> None:
    """Runs found, factorized and sorted as runs give the order of a plain stable sort by
    account, buyer (first appearance), time — runs interrupted and resumed, times out of
    order, ties in file order; in a log listing conversation after conversation (few long
    runs) and in one interleaving them (a run per message or two)."""
    if grouped:
        rows = sorted(rows, key=lambda r: (r[0], r[1]))
    frame = chat_frame(
        [(a, b, f"2026-10-03 10:00:0{s}", "买家" if fb else "客服") for a, b, s, fb in rows]
    )
    out = normalize_messages(frame, roster(), WORDS)
    buyer_code = {b: i for i, b in enumerate(dict.fromkeys(frame["buyer"]))}
    expected = frame.assign(_b=frame["buyer"].map(buyer_code)).sort_values(
        ["account", "_b", "time"], kind="stable"
    )
    assert out["_row"].tolist() == expected["_row"].tolist()
    assert out["account"].astype(str).tolist() == expected["account"].tolist()
    assert out["buyer"].astype(str).tolist() == expected["buyer"].tolist()
    assert out["from_buyer"].tolist() == (expected["direction"] == "买家").tolist()
