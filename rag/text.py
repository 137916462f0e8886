"""Small text helpers shared by prompting and citation checks: folding, content words, numbers."""

from __future__ import annotations

import functools
import re
import unicodedata

import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_EXTRA_STOP = {
    "wat", "welke", "welk", "wie", "waarom", "hoe", "hoeveel", "wanneer", "waar", "volgens",
    "what", "which", "who", "why", "how", "when", "where", "according", "does", "did", "zei",
    "said", "tekst", "text", "document", "documenten", "documents", "artikel", "article",
}  # fmt: skip
STOPWORDS = frozenset(STOPWORDS_DUTCH) | frozenset(STOPWORDS_EN) | _EXTRA_STOP


def fold(text: str) -> str:
    """Casefold and strip accents: 'Oekraïne' -> 'oekraine'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@functools.cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english" if language == "en" else "dutch")


def content_terms(text: str, language: str = "nl") -> set[str]:
    """Stemmed words that carry meaning (no stopwords, no one-letter words).

    Hyphenated compounds also contribute their parts, so 'NAVO-landen' meets 'NAVO'.
    """
    out: set[str] = set()
    stem = _stemmer(language).stemWord
    for word in words(text):
        parts = [word, *re.split(r"[-'’]", word)] if "-" in word or "'" in word or "’" in word else [word]
        for part in parts:
            if len(part) > 1 and part not in STOPWORDS:
                out.add(stem(part))
    return out


def numbers(text: str) -> set[str]:
    """Numbers as digit strings without separators: '1.550' and '1550' are the same number."""
    return {re.sub(r"[.,]", "", n) for n in _NUMBER.findall(text)}


_NUMBER_WORDS = {
    "twee": "2", "drie": "3", "vier": "4", "vijf": "5", "zes": "6", "zeven": "7", "acht": "8",
    "negen": "9", "tien": "10", "twaalf": "12", "twintig": "20", "dertig": "30", "honderd": "100",
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "twelve": "12", "twenty": "20", "thirty": "30", "hundred": "100",
    "duizend": "1000", "thousand": "1000",
}  # fmt: skip
_NUMBER_WORD_RX = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b")


def spelled_numbers(text: str) -> set[str]:
    """Numbers in digits or words ('vijf', 'twenty'), as digit strings."""
    return numbers(_NUMBER_WORD_RX.sub(lambda m: _NUMBER_WORDS[m.group(1)], fold(text)))
