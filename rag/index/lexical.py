"""The lexical leg: BM25 (bm25s) over chunks, with a Dutch/English analyser and a variant table.

Analysis of a text in language L: Unicode NFC, case folding, accent folding, word tokens, the
PyStemmer stemmer for L, variant groups (rag/data/variants.tsv: "NAVO"/"NATO", "kernwapens"/"nuclear
weapons", ...) replaced by one token per group, then L's stopwords dropped. Chunks are analysed in
their own language; a query is analysed in its own language *and* in every corpus language and the
tokens are merged, so an English question still meets the Dutch vocabulary of the documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import bm25s
import numpy as np
import numpy.typing as npt
import Stemmer
from bm25s import stopwords as bm25_stopwords
from pydantic import BaseModel, ConfigDict

from rag.errors import ConfigError, IndexCorruptError
from rag.text import fold
from rag.types import Chunk

DEFAULT_VARIANTS = Path(__file__).resolve().parents[1] / "data" / "variants.tsv"

_STEMMERS = {"nl": "dutch", "en": "english", "de": "german", "fr": "french"}
_STOPWORDS = {
    "nl": bm25_stopwords.STOPWORDS_DUTCH,
    "en": bm25_stopwords.STOPWORDS_EN_PLUS,
    "de": bm25_stopwords.STOPWORDS_GERMAN,
    "fr": bm25_stopwords.STOPWORDS_FRENCH,
}
_WORD = re.compile(r"[^\W_]+")
_GROUP_PREFIX = "~"  # cannot occur in a word token, so a group token never collides with a word


def words(text: str) -> list[str]:
    """Folded word tokens; single letters are dropped (the 's' of "Russia's", initials)."""
    return [w for w in _WORD.findall(fold(text)) if len(w) > 1 or w.isdigit()]


class VariantTable(BaseModel):
    """Groups of equivalent terms; `groups[i][0]` names group i."""

    model_config = ConfigDict(frozen=True)

    groups: tuple[tuple[str, ...], ...]

    @classmethod
    def load(cls, path: Path = DEFAULT_VARIANTS) -> VariantTable:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ConfigError(
                f"cannot read the variant table {path}: {exc}; restore it from the package"
            ) from exc
        groups = []
        for number, line in enumerate(lines, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            members = tuple(m.strip() for m in line.split("\t") if m.strip())
            if len(members) < 2:
                raise ConfigError(f"{path}:{number}: a variant group needs two or more TAB-separated terms")
            groups.append(members)
        return cls(groups=tuple(groups))


class Analyser:
    """Text -> index tokens for one language (stemmer + stopwords + variant groups)."""

    def __init__(self, language: str, variants: VariantTable) -> None:
        self.language = language
        algorithm = _STEMMERS.get(language)
        self._stemmer = Stemmer.Stemmer(algorithm) if algorithm else None
        self._stopwords = frozenset(fold(w) for w in _STOPWORDS.get(language, ()))
        self._phrases: dict[tuple[str, ...], str] = {}
        for group in variants.groups:
            token = _GROUP_PREFIX + "_".join(words(group[0]))
            for member in group:
                stems = tuple(self.stems(member))
                if stems:
                    self._phrases[stems] = token
        self._longest = max((len(p) for p in self._phrases), default=1)

    def stems(self, text: str) -> list[str]:
        """Folded, stemmed words of `text` before variants and stopwords apply."""
        return self._stem(words(text))

    def _stem(self, tokens: list[str]) -> list[str]:
        return list(self._stemmer.stemWords(tokens)) if self._stemmer else tokens

    @property
    def stopwords(self) -> frozenset[str]:
        return self._stopwords

    def __call__(self, text: str, stopwords: frozenset[str] | None = None) -> list[str]:
        """Index tokens of `text`; `stopwords` replaces this language's list (e.g. a union of several)."""
        stop = self._stopwords if stopwords is None else stopwords
        tokens = words(text)
        stems = self._stem(tokens)
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
                if tokens[i] not in stop:
                    out.append(stems[i])
                i += 1
        return out


class LexicalIndex:
    """BM25 over chunks in index order; positions returned are chunk positions."""

    def __init__(self, variants: VariantTable | None = None) -> None:
        self._variants = variants if variants is not None else VariantTable.load()
        self._bm25: bm25s.BM25 | None = None
        self._languages: tuple[str, ...] = ()
        self._size = 0
        self._analysers: dict[str, Analyser] = {}

    def __len__(self) -> int:
        return self._size

    def analyser(self, language: str) -> Analyser:
        if language not in self._analysers:
            self._analysers[language] = Analyser(language, self._variants)
        return self._analysers[language]

    def build(self, chunks: Sequence[Chunk]) -> None:
        corpus = [self.analyser(c.language)(c.text) or [_GROUP_PREFIX] for c in chunks]
        self._languages = tuple(sorted({c.language for c in chunks}))
        self._size = len(chunks)
        self._bm25 = None
        if chunks:
            bm25 = bm25s.BM25()
            bm25.index(corpus, show_progress=False)
            self._bm25 = bm25

    def analyse_query(self, query: str, language: str) -> list[str]:
        """Tokens of the query under its own and every corpus language, without repeats. The
        stopwords of all those languages apply, so English function words never reach Dutch text."""
        analysers = [self.analyser(lang) for lang in _unique((language, *self._languages))]
        stop = frozenset().union(*(a.stopwords for a in analysers))
        seen: dict[str, None] = {}
        for analyser in analysers:
            for token in analyser(query, stop):
                seen.setdefault(token, None)
        return list(seen)

    def scores(self, query: str, language: str) -> npt.NDArray[np.float32]:
        """BM25 score of every chunk (0 where no query token occurs)."""
        if self._size == 0 or self._bm25 is None:
            return np.zeros(self._size, dtype=np.float32)
        tokens = self.analyse_query(query, language)
        known = self._bm25.get_tokens_ids(tokens)
        if not known:
            return np.zeros(self._size, dtype=np.float32)
        try:
            return np.asarray(self._bm25.get_scores(known), dtype=np.float32)
        except (IndexError, ValueError) as exc:
            raise IndexCorruptError(
                f"the lexical index is inconsistent ({exc}); run 'rag ingest --rebuild'"
            ) from exc

    def search(
        self, query: str, k: int, language: str = "nl", allowed: Iterable[int] | None = None
    ) -> list[tuple[int, float]]:
        """Top-k (position, score), best first; chunks without any query term are never returned."""
        scores = self.scores(query, language)
        if allowed is not None:
            mask = np.zeros_like(scores, dtype=bool)
            mask[np.fromiter(allowed, dtype=np.int64)] = True
            scores = np.where(mask, scores, 0.0)
        candidates = np.flatnonzero(scores > 0)
        order = candidates[np.argsort(-scores[candidates], kind="stable")][:k]
        return [(int(i), float(scores[i])) for i in order]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
