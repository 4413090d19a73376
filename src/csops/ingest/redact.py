"""Keep contact details out of messages that quote cells csops did not choose to read.

Messages quote export cells to help a manager find a problem. Most quoted cells belong to
mapped columns (amounts, dates, IDs), but two kinds of message may quote anything: the
first cells of a file whose header is not recognised (they may be a data row of a
headerless order export, with the buyer's phone and 支付宝 account) and undecodable
text. Those quotes go through `redact`.
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+*-]+@[\w-]+(?:\.[\w-]+)+")
# Phone numbers, masked accounts (138****2222), landlines (0571-88001111), long IDs.
_DIGITS = re.compile(r"\+?\d[\d*\s-]{5,}\d")


def redact(text: str, limit: int = 24) -> str:
    """`text` with e-mail addresses and long digit runs replaced by `…`, cut to `limit`."""
    text = _DIGITS.sub("…", _EMAIL.sub("…@…", text))
    return text if len(text) <= limit else text[: limit - 1] + "…"
