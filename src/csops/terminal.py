"""What input text may look like on a terminal or in a log line (below every layer: the
reading spinner, the tables, the messages and the run log all show file names and cells)."""

from __future__ import annotations


def _escapes(keep: str) -> dict[int, str]:
    codes = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]
    table = {c: f"\\x{c:02x}" for c in codes if chr(c) not in keep}
    # Bidi controls reorder what follows them on screen (a name shown backwards).
    for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)):
        table[c] = f"\\u{c:04x}"
    return table


_SHOWN = _escapes("\t\n")
_ONE_LINE = _escapes("")


def visible(text: str, *, one_line: bool = False) -> str:
    """`text` as it may reach a terminal or a log: ESC, the other C0 and C1 control
    characters and bidi overrides as visible escapes (`\\x1b`, `\\u202e`); tab and newline
    kept, unless `one_line` (a log line, where a newline would forge the next line)."""
    return text.translate(_ONE_LINE if one_line else _SHOWN)
