"""The one check a question passes before anything is searched or generated.

Questions arrive from a shell (whose argv holds bytes that were not UTF-8 as surrogate escapes,
e.g. from a Latin-1 terminal), from the chat, or from a script. They are normalised here, once:
undecodable bytes read as Windows-1252/Latin-1 (what such a terminal sent), other lone surrogates,
NUL, control and bidirectional-override characters dropped, Unicode in NFC, whitespace collapsed.
"""

from __future__ import annotations

import unicodedata

from rag.errors import QuestionError

# Python's surrogateescape maps an undecodable byte 0xXY to the lone surrogate U+DCXY.
_ESCAPED_BYTES = range(0xDC80, 0xDD00)
# Invisible characters that reorder or hide text (a question is plain text): dropped.
_HIDDEN = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u2060\ufeff")
# Read far enough to tell that a question is too long, without normalising megabytes of it.
_READ_FACTOR = 4


def _undecodable_byte(char: str) -> str:
    """U+DCXY (the byte 0xXY that was not UTF-8) as the Windows-1252 / Latin-1 character it
    most likely was: 0xEF -> 'ï'. Bytes without a printable meaning become nothing."""
    byte = bytes([ord(char) - 0xDC00])
    decoded = byte.decode("cp1252", errors="ignore") or byte.decode("latin-1")
    return decoded if decoded.isprintable() else ""


def _clean_char(char: str) -> str:
    if ord(char) in _ESCAPED_BYTES:
        return _undecodable_byte(char)
    if char.isspace():
        return " "
    category = unicodedata.category(char)
    if category in ("Cc", "Cs") or char in _HIDDEN:  # control characters, NUL, lone surrogates
        return ""
    return char


def normalise_question(question: str) -> str:
    """The question as plain, printable, valid Unicode (NFC) with its whitespace collapsed."""
    cleaned = "".join(_clean_char(char) for char in question)
    return " ".join(unicodedata.normalize("NFC", cleaned).split())


def _too_long(length: int, max_chars: int) -> QuestionError:
    return QuestionError(
        f"the question is {length} characters long; the limit is {max_chars} "
        "(shorten it, or raise RAG_MAX_QUESTION_CHARS)"
    )


def check_question(question: str, max_chars: int) -> str:
    """The normalised question (see normalise_question); QuestionError (naming the fix) when it
    is empty, longer than `max_chars`, or has no letter or digit (only emoji or punctuation)."""
    if not isinstance(question, str):  # a script passing bytes or None: say so, not a TypeError
        kind = type(question).__name__
        raise QuestionError(f"the question must be text (str), not {kind}; decode bytes with .decode()")
    if len(question) > max_chars * _READ_FACTOR:
        raise _too_long(len(question), max_chars)
    text = normalise_question(question)
    if not text:
        raise QuestionError("the question is empty; type a question about the documents")
    if len(text) > max_chars:
        raise _too_long(len(text), max_chars)
    if not any(char.isalnum() for char in text):
        raise QuestionError(
            "the question has no words (only symbols, emoji or punctuation); "
            "type a question about the documents in Dutch or English"
        )
    return text
