"""The one text analyser: what makes two texts about the same thing.

`TextAnalyser` is built once (per index) and handed to every step that compares words: the
lexical index, the prompt's sentence trimming, the citation and refusal checks, the quotes and
the extractive backend. It offers two views of a text:

- `terms(text, language)`: index terms. Folded, stemmed, stop words of that language dropped,
  and each variant group ("NAVO"/"NATO", "kernwapens"/"nuclear weapons") replaced by one token,
  so an English sentence meets a Dutch passage word for word.
- `content_terms(text, language)`: plain stems of the content words, without the variant
  table; hyphenated compounds count whole and by their parts ('NAVO-landen' meets 'NAVO').
  The variant table folds multi-word terms into one token, so 'tactical nuclear' and 'nuclear
  warheads' meet only in this view: checks that must not miss a shared word look at both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rag.text.normalise import compound_words, tokens
from rag.text.stems import CONTENT_STOPWORDS, index_stopwords, stem_words, stemmer
from rag.text.variants import VariantTable, default_variants

_GROUP_PREFIX = "~"  # cannot occur in a word token, so a group token never collides with a word
EMPTY_TERM = _GROUP_PREFIX  # stands for a text without terms (BM25 needs one token per document)


class Analyser:
    """Text -> index tokens for one language (stemmer + stopwords + variant groups)."""

    def __init__(self, language: str, variants: VariantTable) -> None:
        self.language = language
        self._stopwords = index_stopwords(language)
        self._phrases: dict[tuple[str, ...], str] = {}
        for group in variants.groups:
            token = _GROUP_PREFIX + "_".join(tokens(group[0]))
            for member in group:
                stems = tuple(self.stems(member))
                if stems:
                    self._phrases[stems] = token
        self._longest = max((len(p) for p in self._phrases), default=1)

    def stems(self, text: str) -> list[str]:
        """Folded, stemmed words of `text` before variants and stopwords apply."""
        return stem_words(tokens(text), self.language)

    @property
    def stopwords(self) -> frozenset[str]:
        return self._stopwords

    def __call__(self, text: str, stopwords: frozenset[str] | None = None) -> list[str]:
        """Index tokens of `text`; `stopwords` replaces this language's list (e.g. a union of several)."""
        stop = self._stopwords if stopwords is None else stopwords
        words = tokens(text)
        stems = stem_words(words, self.language)
        out: list[str] = []
        i = 0
        while i < len(stems):
            for length in range(min(self._longest, len(stems) - i), 0, -1):
                group = self._phrases.get(tuple(stems[i : i + length]))
                if group is not None:
                    out.append(group)
                    i += length
                    break
            else:
                if words[i] not in stop:
                    out.append(stems[i])
                i += 1
        return out


class TextAnalyser:
    """Both views of a text (see the module docstring), one Analyser per language."""

    def __init__(self, variants: VariantTable | None = None) -> None:
        self.variants = variants if variants is not None else default_variants()
        self._analysers: dict[str, Analyser] = {}

    def analyser(self, language: str) -> Analyser:
        if language not in self._analysers:
            self._analysers[language] = Analyser(language, self.variants)
        return self._analysers[language]

    def index_tokens(self, text: str, language: str) -> list[str]:
        """Index terms in text order, with repeats (what BM25 counts)."""
        return self.analyser(language)(text)

    def terms(self, text: str, language: str) -> set[str]:
        return set(self.analyser(language)(text))

    def query_terms(self, query: str, languages: Iterable[str]) -> list[str]:
        """Index terms of a query under each of `languages` (its own first, then the corpus's),
        without repeats. The stop words of all those languages apply, so English function words
        never reach Dutch text."""
        analysers = [self.analyser(lang) for lang in dict.fromkeys(languages)]
        stop = frozenset().union(*(a.stopwords for a in analysers))
        seen: dict[str, None] = {}
        for analyser in analysers:
            for token in analyser(query, stop):
                seen.setdefault(token, None)
        return list(seen)

    def content_terms(self, text: str, language: str = "nl") -> set[str]:
        return content_terms(text, language)


def content_terms(text: str, language: str = "nl") -> set[str]:
    """Stemmed words that carry meaning (no stopwords, no one-letter words); hyphenated
    compounds also contribute their parts, so 'NAVO-landen' meets 'NAVO'. Needs no variant
    table, so it is a plain function too."""
    out: set[str] = set()
    found = stemmer(language)
    stem = found.stemWord if found else (lambda word: word)
    for word in compound_words(text):
        parts = [word, *re.split(r"[-'’]", word)] if "-" in word or "'" in word or "’" in word else [word]
        for part in parts:
            if len(part) > 1 and part not in CONTENT_STOPWORDS:
                out.add(stem(part))
    return out
