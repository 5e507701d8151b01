"""Bytes of a file to text: the encodings news files come in, and what is not text at all.

Kept apart from :mod:`dateline.ingest` (which reads files and records) because it is a pure
function of the bytes: UTF-8 with or without BOM, UTF-16 with a BOM, cp1252, then a guess.
"""

from __future__ import annotations

import re

#: Control characters that do not occur in text files (NUL to US, except tab and line breaks).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f]")


def decode_text(data: bytes) -> tuple[str | None, str]:
    """Decode file bytes: ``(text, encoding)``, or ``(None, why)`` for binary data.

    UTF-8 (with or without BOM) first, UTF-16 when a BOM says so, then cp1252 (Windows' Latin-1,
    which also covers ISO-8859-1 text in practice), then charset-normalizer's best guess.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            return (
                None,
                f"undecodable file: not valid UTF-16 despite its byte-order mark ({exc.reason})",
            )
    if b"\x00" in data[:65536]:
        return None, "binary file: contains NUL bytes"
    for encoding in ("utf-8", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return _reject_control_chars(text, encoding)
    from charset_normalizer import from_bytes

    best = from_bytes(data[:262144]).best()
    if best is None:
        return None, "binary file: no text encoding fits"
    return _reject_control_chars(data.decode(best.encoding, errors="replace"), best.encoding)


def _reject_control_chars(text: str, encoding: str) -> tuple[str | None, str]:
    sample = text[:65536]
    controls = len(_CONTROL_CHARS.findall(sample))
    if sample and controls / len(sample) > 0.01:
        return None, f"binary file: {controls} control characters in the first {len(sample)}"
    return text, encoding
