"""Binary CSV cells to text: each distinct non-ASCII value decoded once, bad bytes reported."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from csops.errors import Problem
from csops.ingest.redact import redact
from csops.ingest.source import SourceFile


def _decode(
    raw: pa.Array,
    enc: str,
    src: SourceFile,
    pos: int,
    row_numbers: pa.Array,
    problems: list[Problem],
    quote: bool = True,
) -> pa.Array:
    """Binary cells → text, decoding each distinct non-ASCII value once."""
    as_text = raw.view(pa.string())
    is_ascii = pc.string_is_ascii(as_text)
    if pc.all(is_ascii).as_py() is not False:
        return as_text
    utf = enc.startswith("utf")
    if utf:
        try:
            return pc.cast(raw, pa.string())
        except pa.ArrowInvalid:
            pass  # some cells are not UTF-8: find them below
    non_ascii_mask = pc.invert(is_ascii)
    others = pc.filter(raw, non_ascii_mask)
    encoded = pc.dictionary_encode(others)
    decoded, bad_codes = _decode_distinct(encoded.dictionary, enc)
    if utf and 2 * len(bad_codes) > len(decoded):
        # Most text is not UTF-8 although the sample was: GB18030 after the first 256 KB (a
        # few damaged cells in a UTF-8 file are reported instead, never turned to mojibake).
        enc = "gb18030"
        src.encoding = "gb18030"
        src.notes.append("encoding: not UTF-8 after the first 256 KB; read as GB18030")
        decoded, bad_codes = _decode_distinct(encoded.dictionary, enc)
    values = pa.DictionaryArray.from_arrays(encoded.indices, pa.array(decoded, pa.string()))
    plain = values.dictionary_decode()
    if bad_codes:
        bad = pc.is_in(encoded.indices, pa.array(bad_codes, encoded.indices.type))
        rows = pc.filter(pc.filter(row_numbers, non_ascii_mask), bad).to_pylist()
        problems.append(
            Problem(
                file=src.display,
                column=src.headers[pos] if pos < len(src.headers) else f"#{pos + 1}",
                message=f"{len(rows)} cells hold bytes that are not valid "
                f"{enc.upper().removesuffix('-SIG')} text",
                rows=rows[:10],
                samples=[
                    redact(encoded.dictionary[c].as_py().decode(enc, errors="backslashreplace"))
                    for c in bad_codes[:3]
                    if quote
                ],
                count=len(rows),
                expected="text in one encoding (re-export the file)",
            )
        )
    base = pc.if_else(is_ascii, as_text, pa.scalar(None, pa.string()))
    return pc.replace_with_mask(base, non_ascii_mask, plain)


def _decode_distinct(values: pa.Array, enc: str) -> tuple[list[str], list[int]]:
    """Decode distinct byte strings: joined by NUL and decoded in one call (fast), or one by
    one when that fails, to find the undecodable ones."""
    if len(values) and values.null_count == 0:
        joined = pc.binary_join(
            pa.ListArray.from_arrays(pa.array([0, len(values)], pa.int32()), values), b"\x00"
        )[0].as_py()
        try:
            parts = joined.decode(enc).split("\x00")
        except UnicodeDecodeError:
            parts = []
        if len(parts) == len(values):
            return parts, []
    decoded: list[str] = []
    bad_codes: list[int] = []
    for code, value in enumerate(values.to_pylist()):
        try:
            decoded.append(value.decode(enc))
        except UnicodeDecodeError:
            decoded.append(value.decode(enc, errors="replace"))
            bad_codes.append(code)
    return decoded, bad_codes
