"""Plain text and Markdown in any common encoding.

Order: a byte order mark (UTF-8, UTF-16, UTF-32); UTF-16 without a BOM, recognised by its NUL
bytes in every other position (plain ASCII in UTF-16 is valid UTF-8 too, and decoding it as UTF-8
or an 8-bit code page would give NUL-laced garbage); valid UTF-8; other bytes with NULs are a
binary file; then Windows-1252 (a superset of Latin-1 for text) when charset-normalizer finds it
plausible, else charset-normalizer's best guess (cp1251, cp1250, ...). Windows-1252 decodes every
byte, so a Latin-1 file never fails. The text keeps universal newlines.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from rag.corpus.readers.base import Extracted, ReaderError, require

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WESTERN = {"cp1252", "latin_1", "iso8859_15"}
_NUL_SHARE = 0.3  # of the odd (or even) bytes: text in UTF-16 has a NUL beside every ASCII letter


def read_text(path: Path, data: bytes) -> Extracted:
    return Extracted(text=decode(data))


def decode(data: bytes) -> str:
    """`data` as text with universal newlines; see the module docstring for the order."""
    return _newlines(_decode(data))


def _decode(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    # Before UTF-8: UTF-16 of plain ASCII letters is valid UTF-8 too (NUL is a UTF-8 character),
    # and would be read as NUL-laced text.
    utf16 = _utf16_without_bom(data) if b"\x00" in data else None
    if utf16 is not None:
        return utf16
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise ReaderError("is a binary file, not text: remove it from the corpus folder")
    charset_normalizer = require("charset_normalizer", "charset-normalizer")
    matches = charset_normalizer.from_bytes(data)
    plausible = [m.encoding for m in matches]
    # Short Dutch or English text fits several Western code pages equally well (cp1250, cp1257,
    # cp775...); Windows-1252 is by far the likeliest, so it wins whenever it fits at all.
    if not plausible or any(name in _WESTERN for name in plausible):
        return data.decode("cp1252", errors="replace")
    return str(matches.best())


def _utf16_without_bom(data: bytes) -> str | None:
    if len(data) < 4:
        return None
    even, odd = data[0::2], data[1::2]
    for zeros, encoding in ((odd, "utf-16-le"), (even, "utf-16-be")):
        if zeros.count(0) >= _NUL_SHARE * len(zeros):
            try:
                return data[: len(data) // 2 * 2].decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
