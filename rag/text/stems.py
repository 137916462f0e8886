"""Stemmers and stop words per language: the one table of both."""

from __future__ import annotations

import functools

import Stemmer
from bm25s import stopwords as bm25_stopwords

from rag.text.normalise import fold

STEMMERS = {"nl": "dutch", "en": "english", "de": "german", "fr": "french"}

# Stop words of the index, per language (bm25s's lists).
_INDEX_STOPWORDS = {
    "nl": bm25_stopwords.STOPWORDS_DUTCH,
    "en": bm25_stopwords.STOPWORDS_EN_PLUS,
    "de": bm25_stopwords.STOPWORDS_GERMAN,
    "fr": bm25_stopwords.STOPWORDS_FRENCH,
}
# Words that say what kind of question it is, not what it is about; the lists leave them out.
QUESTION_WORDS = frozenset({
    "wat", "welke", "welk", "wie", "waarom", "hoe", "hoeveel", "wanneer", "waar", "waarmee",
    "waardoor", "volgens", "what", "which", "who", "why", "how", "when", "where", "according",
    "does", "did", "zei", "said", "tekst", "text", "document", "documenten", "documents",
    "artikel", "article",
})  # fmt: skip
# Content words (checks, quotes, the extractive backend) are compared across Dutch and English,
# so both languages' function words are dropped whatever the text's language.
CONTENT_STOPWORDS = frozenset(
    {*bm25_stopwords.STOPWORDS_DUTCH, *bm25_stopwords.STOPWORDS_EN, *QUESTION_WORDS}
)


@functools.cache
def stemmer(language: str) -> Stemmer.Stemmer | None:
    """The Snowball stemmer of `language`; None for a language without one (words stay as they are)."""
    algorithm = STEMMERS.get(language)
    return Stemmer.Stemmer(algorithm) if algorithm else None


def stem_words(words: list[str], language: str) -> list[str]:
    found = stemmer(language)
    return list(found.stemWords(words)) if found else words


@functools.cache
def index_stopwords(language: str) -> frozenset[str]:
    return frozenset(fold(w) for w in _INDEX_STOPWORDS.get(language, ()))
