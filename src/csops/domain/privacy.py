"""What may appear in a report about a buyer."""

from __future__ import annotations

import pandas as pd


def mask_buyers(nicks: pd.Series) -> pd.Series:
    """`王小二88` → `王**`: the first character and two stars (empty stays empty)."""
    text = nicks.astype("str")
    return (
        text.str.slice(0, 1)
        .str.cat(pd.Series("**", index=text.index))
        .where(nicks.notna() & (text != ""))
    )
