"""Buyers' private data in free text is masked as it is read, before any figure or report.

A memo (订单备注), a leave reason, the 说明/备注 of the incident and spot-check sheets and a
chat message are typed by people, and people type a buyer's phone number, address, ID
number, receiver name or 支付宝 account into them. The columns that hold such data on
purpose are never read (`csops.schemas`); these free-text fields (`Field.private`) are
read, so each of their cells is masked here, once, and every output (table, JSON, CSV,
xlsx, the ledger) only ever sees the masked text:

| found | becomes |
|---|---|
| a mobile number `13812345678` (also `+86`, `138-1234-5678`) | `138****5678` |
| a landline `0571-88001111` | `0571-****1111` |
| an 18-digit ID-card number | `110101********1234` |
| an e-mail (a 支付宝 account is often one) | `a***@example.com` |
| what follows `支付宝:` / `支付宝账号` | `支付宝:***` |
| a name after `收货人` / `收件人` / `联系人` | `收货人:徐*` |
| an address, from its province / city / district word on | `浙江省****` |

A masked value stays one token for the memo matcher (`*` joins it: `138****1003` never
reads as 工号 1003). Each distinct text is examined once; cells with nothing that could be
private (no digit run, `@`, address word or label) are not examined at all.
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from csops.messages import MASKED_ZH, Msg

_CJK = "\u4e00-\u9fff"

_MOBILE = re.compile(
    r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?(1[3-9][0-9])[- ]?([0-9]{4})[- ]?([0-9]{4})(?![0-9])"
)
# Not after a letter: 顺丰 SF0571234567 is a tracking number.
_LANDLINE = re.compile(r"(?<![0-9A-Za-z])(0[0-9]{2,3})[- ]?([0-9]{3,4})[- ]?([0-9]{4})(?![0-9])")
_ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])([1-9][0-9]{5})((?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])"
    r"(?:0[1-9]|[12][0-9]|3[01]))([0-9]{3}[0-9Xx])(?![0-9A-Za-z])"
)
_EMAIL = re.compile(r"([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_ALIPAY = re.compile(r"(支付宝(?:账号|账户|帐号)?\s*[:：]?\s*)(?![*]{3}(?:\s|$))([^\s,，;；。]+)")
_RECEIVER = re.compile(
    rf"((?:收货人|收件人|联系人)(?:姓名)?\s*[:：]?\s*)([{_CJK}])[{_CJK}·]{{1,4}}"
)
# An address: a province / city / district word, then (words and single spaces) a road and
# its number (文化路615号), or a building's number (5栋, 302室). A 号 with no number before
# it (工号) is no address, and a word after a space is no longer part of it unless the
# address goes on: `送货到小区门口 工号1003` stays as it is.
_ADDRESS = re.compile(
    rf"([{_CJK}]{{2,8}}?(?:省|自治区|市|区|县))"
    rf"(?:\s?[{_CJK}0-9A-Za-z()（）\-]){{0,40}}?"
    rf"(?:(?:路|街|道|巷|弄|村|里)[0-9]+(?:号|弄)|[0-9]+(?:号楼|栋|幢|室|单元))"
    r"[0-9A-Za-z#\-号栋幢室层楼单元]*"
)

# Cells that may hold any of the above (one pyarrow pass over the column).
_MAYBE = r"[0-9][0-9 \-]{8,}[0-9]|@|支付宝|收货人|收件人|联系人|省|市|区|县"


# In this order: an ID number before the phone numbers inside it, labels before what
# they label is masked further. Each: what it is, its pattern, the masked form (groups).
MASKS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("ID numbers", _ID_CARD, r"\1********\3"),
    ("e-mail addresses", _EMAIL, r"\1***@\2"),
    ("支付宝 accounts", _ALIPAY, r"\1***"),
    ("mobile numbers", _MOBILE, r"\1****\3"),
    ("landline numbers", _LANDLINE, r"\1-****\3"),
    ("receiver names", _RECEIVER, r"\1\2*"),
    ("addresses", _ADDRESS, r"\1****"),
)


def mask_text(text: str) -> tuple[str, Counter[str]]:
    """`text` with every private value masked, and how many of each kind were."""
    found: Counter[str] = Counter()
    for what, pattern, replace in MASKS:
        text, n = pattern.subn(replace, text)
        if n:
            found[what] += n
    return text, found


def mask_column(values: pd.Series) -> tuple[pd.Series, Counter[str]]:
    """The column with private values masked in every cell; counts per kind (per cell)."""
    found: Counter[str] = Counter()
    if len(values) == 0:
        return values, found
    arr = pa.array(values.astype("str"), type=pa.large_string(), from_pandas=True)
    maybe = pc.fill_null(pc.match_substring_regex(arr, _MAYBE), False).to_numpy(
        zero_copy_only=False
    )
    if not maybe.any():
        return values, found
    subset = values[maybe]
    codes, uniques = pd.factorize(subset)
    masked: list[str] = []
    per_unique: list[Counter[str]] = []
    for text in uniques:
        new, counts = mask_text(str(text))
        masked.append(new)
        per_unique.append(counts)
    changed = [i for i, c in enumerate(per_unique) if c]
    if not changed:
        return values, found
    cells = pd.Series(codes).value_counts()
    for i in changed:
        for what, n in per_unique[i].items():
            found[what] += n * int(cells.get(i, 0))
    out = values.copy()
    out[maybe] = pd.Series(masked, dtype=values.dtype).take(codes).to_numpy()
    return out, found


def masked_note(file: str, header: str, found: Counter[str]) -> str:
    """One reading note: what was masked in one column of one file."""
    kinds = [kind for kind, _, _ in MASKS if found[kind]]
    return Msg(
        "read.masked",
        file=file,
        header=header,
        what="、".join(f"{found[k]} 个{MASKED_ZH[k]}" for k in kinds),
        what_en=", ".join(f"{found[k]} {k}" for k in kinds),
    )
