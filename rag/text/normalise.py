"""Folding, word tokens and numbers: the plain text operations every analysis starts from."""

from __future__ import annotations

import re
import unicodedata

# Index tokens split compounds ('NAVO-landen' -> 'navo', 'landen'); content words keep them
# whole and the analyser adds their parts, so a check sees both the compound and its parts.
_TOKEN = re.compile(r"[^\W_]+")
_COMPOUND = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def fold(text: str) -> str:
    """Casefold and strip accents: 'Oekraïne' -> 'oekraine'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """Folded word tokens split at hyphens; single letters are dropped (the 's' of "Russia's",
    initials), single digits kept."""
    return [w for w in _TOKEN.findall(fold(text)) if len(w) > 1 or w.isdigit()]


def compound_words(text: str) -> list[str]:
    """Folded words with hyphenated and apostrophed compounds kept whole ('navo-landen')."""
    return _COMPOUND.findall(fold(text))


def numbers(text: str) -> set[str]:
    """Numbers as digit strings without separators: '1.550' and '1550' are the same number."""
    return {re.sub(r"[.,]", "", n) for n in _NUMBER.findall(text)}


# A footnote mark glued to the end of a word in PDF-extracted text ("gebruikt.43", "NAVO,1").
_GLUED_FOOTNOTE = re.compile(r"(?<=[^\W\d_][.,;:’”\"'])\d{1,3}\b")
# In a footnote block, each note starts with its number: at the start, or after the previous
# note's end ("169-182. 54 E. Colby, ...").
_NOTE_START = re.compile(r"(?:^|(?<=[.…]\s)|(?<=\n))\s*\d{1,3}(?=\s+[^\W\d_])")


def without_footnote_marks(text: str, footnotes: bool = False) -> str:
    """The text without its footnote marks (numbers that count nothing), and, when `footnotes`
    (a block of notes), without the numbers the notes start with."""
    text = _GLUED_FOOTNOTE.sub("", text)
    return _NOTE_START.sub("", text) if footnotes else text
