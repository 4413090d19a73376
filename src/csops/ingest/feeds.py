"""A file's rows as rows of the kind it feeds: reshaped, notes on payment, headers by field."""

from __future__ import annotations

import pandas as pd

from csops.ingest.read import SourceFile
from csops.ingest.reshape import (
    Reshaped,
    collapse_order_lines,
    days_from_punches,
    messages_from_transcripts,
    orders_from_items,
)
from csops.ingest.scan import FileReport
from csops.messages import Msg
from csops.rules.base import normalize_word
from csops.rules.commission import CommissionRules
from csops.rules.loader import RuleSet
from csops.rules.scoring import ScoringRules
from csops.rules.shipping import ShippingRules
from csops.rules.vocab import ValueWords


def reshape_file(
    rules: RuleSet, source_kind: str, report: FileReport, df: pd.DataFrame, lazy: bool
) -> Reshaped:
    """One file's rows as rows of the kind it feeds."""
    src = report.source
    assert src is not None
    if source_kind == "orders":
        shaped = collapse_order_lines(df, report.display)
    elif source_kind == "order_items":
        closed = rules.get(CommissionRules).closed_statuses
        shaped = orders_from_items(df, report.display, frozenset(normalize_word(w) for w in closed))
    elif source_kind == "punches":
        attendance = rules.get(ScoringRules).attendance
        shaped = days_from_punches(
            df, report.display, attendance.night_minutes(), attendance.punch_repeat_minutes
        )
    elif source_kind == "chat_sessions":
        words = rules.get(ValueWords).chat_direction
        shaped = messages_from_transcripts(
            df, report.display, src.header_of("transcript"), words.buyer[0], words.staff[0]
        )
        if not lazy:  # message text is read only when asked for, as from a chat log
            shaped.frame = shaped.frame.drop(columns=["text"])
    else:
        return Reshaped(df)
    if source_kind in ("orders", "order_items"):
        _payment_checks(rules, report, shaped)
    return shaped


def _payment_checks(rules: RuleSet, report: FileReport, shaped: Reshaped) -> None:
    """Notes on what an order export says about payment: JD's 结算金额 against 余额支付
    + 应付金额, and a payment time the export does not have."""
    src = report.source
    assert src is not None
    frame = shaped.frame
    parts = ("paid_amount_fen", "balance_amount_fen", "payable_amount_fen")
    if all(c in frame for c in parts):
        paid, balance, payable = (frame[c] for c in parts)
        differ = (balance.fillna(0) + payable.fillna(0) != paid).fillna(False).astype(bool)
        if differ.any():
            rows = ", ".join(str(r) for r in frame["_row"][differ].head(5))
            shaped.notes.append(
                f"{report.display}: {int(differ.sum())} orders whose "
                f"{src.header_of('paid_amount')} is not {src.header_of('balance_amount')} "
                f"+ {src.header_of('payable_amount')} (rows {rows}); "
                f"{src.header_of('paid_amount')} was taken as what the buyer paid"
            )
    if "paid_at" in frame:
        return
    if rules.settings.paid_time_fallback == "created_at" and "created_at" in frame:
        unpaid_words = {normalize_word(w) for w in _unpaid_statuses(rules)}
        status = frame["status"] if "status" in frame else pd.Series(pd.NA, index=frame.index)
        unpaid = status.map(
            lambda v: isinstance(v, str) and normalize_word(v) in unpaid_words
        ).astype(bool)
        frame["paid_at"] = frame["created_at"].where(~unpaid)
        shaped.notes.append(
            Msg(
                "read.paid_at_from_created", file=report.display, header=src.header_of("created_at")
            )
        )
    else:
        shaped.notes.append(Msg("read.no_paid_at", file=report.display))


def _unpaid_statuses(rules: RuleSet) -> list[str]:
    return list(rules.get(ShippingRules).status.unpaid)


# How each field of a feeding kind appears in the kind it feeds: for messages about a
# combined frame to name the column each file has.
_FEEDS_AS: dict[str, dict[str, tuple[str, ...]]] = {
    "punches": {
        "time": ("clock_in", "clock_out"),
        "result": ("clock_in_result", "clock_out_result"),
    },
    "chat_sessions": {"transcript": ("time", "direction", "text"), "start": ()},
}


def _target_headers(source_kind: str, src: SourceFile | None) -> dict[str, str]:
    """field of the target kind → the file's own header (for messages)."""
    if src is None or src.match is None:
        return {}
    renames = _FEEDS_AS.get(source_kind, {})
    out: dict[str, str] = {}
    for name, pos in src.match.mapping.items():
        for target in renames.get(name, (name,)):
            out[target] = src.headers[pos]
    return out
