"""The lexical leg: BM25 (bm25s) over chunks, with a Dutch/English analyser and a variant table.

Analysis of a text in language L: Unicode NFC, case folding, accent folding, word tokens, the
PyStemmer stemmer for L, variant groups (rag/data/variants.tsv: "NAVO"/"NATO", "kernwapens"/"nuclear
weapons", ...) replaced by one token per group, then L's stopwords dropped. Chunks are analysed in
their own language; a query is analysed in its own language *and* in every corpus language and the
tokens are merged, so an English question still meets the Dutch vocabulary of the documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import bm25s
import numpy as np
import numpy.typing as npt

from rag.errors import IndexCorruptError
from rag.text import TextAnalyser
from rag.text.analyser import EMPTY_TERM
from rag.types import Chunk


class LexicalIndex:
    """BM25 over chunks in index order; positions returned are chunk positions."""

    def __init__(self, analyser: TextAnalyser | None = None) -> None:
        self.analyser = analyser if analyser is not None else TextAnalyser()
        self._bm25: bm25s.BM25 | None = None
        self._languages: tuple[str, ...] = ()
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def build(self, chunks: Sequence[Chunk]) -> None:
        corpus = [self.analyser.index_tokens(c.text, c.language) or [EMPTY_TERM] for c in chunks]
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
        return self.analyser.query_terms(query, (language, *self._languages))

    def scores(self, query: str, language: str) -> npt.NDArray[np.float32]:
        """BM25 score of every chunk (0 where no query token occurs)."""
        if self._size == 0 or self._bm25 is None:
            return np.zeros(self._size, dtype=np.float32)
        tokens = self.analyse_query(query, language)
        known = self._bm25.get_tokens_ids(tokens)
        if not known:
            return np.zeros(self._size, dtype=np.float32)
        try:
            return _summed_scores(self._bm25.scores, known)
        except (IndexError, KeyError, ValueError) as exc:
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
        return [(int(i), float(scores[i])) for i in top_positions(scores, k)]


def top_positions(scores: npt.NDArray[np.float32], k: int) -> npt.NDArray[np.intp]:
    """Positions of the k best positive scores, best first, ties by position. Sorts only the
    candidates at or above the k-th best score: a frequent word can give half a million
    chunks a score, and sorting them all cost ~40 ms a query at a million chunks."""
    candidates = np.flatnonzero(scores > 0)
    if k <= 0 or not len(candidates):
        return candidates[:0]
    values = scores[candidates]
    if len(candidates) > k:
        kth = np.partition(values, len(values) - k)[len(values) - k]
        keep = values >= kth  # ties with the k-th score stay, so the cut is by position
        candidates, values = candidates[keep], values[keep]
    return candidates[np.argsort(-values, kind="stable")][:k]


def _summed_scores(index: dict[str, object], token_ids: list[int]) -> npt.NDArray[np.float32]:
    """BM25 score of every chunk for these tokens, from bm25s's precomputed per-token scores (a
    sparse matrix: token -> (chunk, score)). bm25s's own get_scores adds them with np.add.at,
    which took ~100 ms at a million chunks; within one token a chunk appears once, so plain
    fancy-index addition is the same sum."""
    data = np.asarray(index["data"])
    indices = np.asarray(index["indices"])
    indptr = np.asarray(index["indptr"])
    scores = np.zeros(int(index["num_docs"]), dtype=np.float32)  # type: ignore[call-overload]
    for token in token_ids:
        if not 0 <= token < len(indptr) - 1:
            raise ValueError(f"token id {token} is not in the index")
        start, end = int(indptr[token]), int(indptr[token + 1])
        scores[indices[start:end]] += data[start:end]
    return scores
