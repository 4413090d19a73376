"""Data-quality warnings: what a figure was computed without, said where cron sees it.

A month can compute cleanly and still be wrong for someone: a 千牛 account on no roster
row (its conversations count for no one), orders credited to nobody, an orders export that
ends long before the moment a list is for, files that were not read. These are collected
once per run (`data_warnings`); `csops monthly` prints them on stderr even with --quiet,
puts them in its JSON (`warnings`) and on the summary sheet, and with --strict exits 1.
"""

from __future__ import annotations

import pandas as pd

from csops.domain.money import fen_to_yuan, money_str
from csops.jobs.month import Figures, MonthData, export_age
from csops.messages import localize
from csops.report.labels import label

# Reading notes that say a file was not read.
_SKIPPED = ("were not read", "are not read as exports", "not used:")


def data_warnings(
    figures: Figures, data: MonthData, as_of: pd.Timestamp, max_age_h: float, lang: str
) -> list[str]:
    """Every data-quality warning of a computed month, in `lang`."""
    out: list[str] = []
    if figures.chats is not None:
        staff = figures.chats.staff
        unknown = staff[staff["staff_id"].isna()]
        if len(unknown) and data.roster is not None:
            # An account handed over, messaged while nobody held it (between one 离职 and
            # the next 入职): on the roster, but nobody's at that time.
            gap = data.roster.knows_accounts(unknown["name"].astype("str"))
            if gap.any():
                held = unknown[gap]
                out.append(
                    label("warn.unheld_accounts", lang).format(
                        items=", ".join(held["name"].astype("str"))
                    )
                )
                unknown = unknown[~gap]
        if len(unknown):
            messages = (unknown["buyer_messages"] + unknown["staff_messages"]).astype("int64")
            items = ", ".join(
                f"{name} ({count:,})" for name, count in zip(unknown["name"], messages, strict=True)
            )
            out.append(
                label("warn.unknown_accounts", lang).format(
                    count=len(unknown), items=items, messages=f"{int(messages.sum()):,}"
                )
            )
    if figures.commission is not None:
        nobody = figures.commission.unattributed
        if len(nobody):
            out.append(
                label("warn.unattributed", lang).format(
                    orders=f"{nobody['order_id'].nunique():,}",
                    net=money_str(fen_to_yuan(int(nobody["net_fen"].sum()))),
                )
            )
    stale = export_age(data.orders, as_of, max_age_h, lang)
    if stale:
        out.append(stale)
    out += [localize(n, lang) for n in data.notes if any(s in n for s in _SKIPPED)]
    return out
