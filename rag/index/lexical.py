"""The lexical leg: BM25 (bm25s) over chunks, with a Dutch/English analyser and a variant table.

Analysis of a text in language L: Unicode NFC, case folding, accent folding, word tokens, the
PyStemmer stemmer for L, variant groups (rag/data/variants.tsv: "NAVO"/"NATO", "kernwapens"/"nuclear
weapons", ...) replaced by one token per group, then L's stopwords dropped. Chunks are analysed in
their own language; a query is analysed in its own language *and* in every corpus language and the
tokens are merged, so an English question still meets the Dutch vocabulary of the documents.

The index is saved with the rest of the index (`save`, `load`): building it took 314 s at a
million chunks, loading it takes seconds. The file records a fingerprint of the analysis (variant
table, stemmers, stop words, BM25 parameters); a saved index from another analysis is stale, and
the caller builds a fresh one instead (its tokens would no longer match the queries').
"""

from __future__ import annotations

import hashlib
import json
import math
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import bm25s
import numpy as np
import numpy.typing as npt

from rag.errors import IndexCorruptError
from rag.text import TextAnalyser
from rag.text.analyser import EMPTY_TERM
from rag.types import Chunk

_REBUILD = "run 'rag ingest --rebuild'"
FORMAT = 1


class Postings(NamedTuple):
    """bm25s's precomputed scores as a sparse matrix: token t's chunks are
    indices[indptr[t]:indptr[t + 1]], with the scores at the same places in data."""

    data: npt.NDArray[np.float32]
    indices: npt.NDArray[np.int32]
    indptr: npt.NDArray[np.int64]


def analysis_fingerprint(analyser: TextAnalyser) -> str:
    """What the saved tokens depend on: the variant table, stemmers and stop words (through a
    probe analysed in every language), and the BM25 parameters."""
    probe = "NAVO NATO kernwapens nuclear weapons Oekraïne de het the and landen countries"
    parts = {
        "format": FORMAT,
        "bm25s": bm25s.__version__,
        "variants": [list(group) for group in analyser.variants.groups],
        "probe": {lang: analyser.index_tokens(probe, lang) for lang in ("nl", "en")},
        "stopwords": {lang: sorted(analyser.analyser(lang).stopwords) for lang in ("nl", "en")},
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


class LexicalIndex:
    """BM25 over chunks in index order; positions returned are chunk positions."""

    def __init__(self, analyser: TextAnalyser | None = None) -> None:
        self.analyser = analyser if analyser is not None else TextAnalyser()
        self._postings: Postings | None = None
        self._vocab: dict[str, int] = {}
        self._languages: tuple[str, ...] = ()
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def build(self, chunks: Sequence[Chunk]) -> None:
        corpus = [self.analyser.index_tokens(c.text, c.language) or [EMPTY_TERM] for c in chunks]
        self._languages = tuple(sorted({c.language for c in chunks}))
        self._size = len(chunks)
        self._postings, self._vocab = None, {}
        if chunks:
            bm25 = bm25s.BM25()
            bm25.index(corpus, show_progress=False)
            scores = bm25.scores
            self._postings = Postings(
                np.asarray(scores["data"], dtype=np.float32),
                np.asarray(scores["indices"], dtype=np.int32),
                np.asarray(scores["indptr"], dtype=np.int64),
            )
            terms = len(self._postings.indptr) - 1  # bm25s adds '' to the vocabulary, with no postings
            self._vocab = {str(token): int(i) for token, i in bm25.vocab_dict.items() if int(i) < terms}

    def save(self, path: Path) -> None:
        """One .npz file: the postings, the vocabulary in id order, the languages, the fingerprint."""
        vocab = sorted(self._vocab, key=self._vocab.__getitem__)
        postings = self._postings or Postings(
            np.zeros(0, np.float32), np.zeros(0, np.int32), np.zeros(1, np.int64)
        )
        meta = {
            "format": FORMAT,
            "fingerprint": analysis_fingerprint(self.analyser),
            "size": self._size,
            "languages": list(self._languages),
        }
        with path.open("wb") as handle:
            np.savez(
                handle,
                data=postings.data,
                indices=postings.indices,
                indptr=postings.indptr,
                vocab=np.asarray(vocab, dtype=np.str_),
                meta=np.asarray(json.dumps(meta)),
            )

    @classmethod
    def load(cls, path: Path, analyser: TextAnalyser, size: int) -> LexicalIndex | None:
        """The saved index of `size` chunks, or None when it was built with another analysis
        (the caller builds a fresh one). A damaged file raises IndexCorruptError."""
        try:
            with np.load(path, allow_pickle=False) as saved:
                meta = json.loads(str(saved["meta"]))
                if meta.get("fingerprint") != analysis_fingerprint(analyser):
                    return None
                postings = Postings(
                    saved["data"].astype(np.float32, copy=False),
                    saved["indices"].astype(np.int32, copy=False),
                    saved["indptr"].astype(np.int64, copy=False),
                )
                vocab = [str(token) for token in saved["vocab"]]
        except (OSError, KeyError, ValueError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
            raise IndexCorruptError(f"cannot read the lexical index {path} ({exc}); {_REBUILD}") from exc
        if meta.get("size") != size or len(postings.indptr) != len(vocab) + 1:
            raise IndexCorruptError(
                f"the lexical index {path} holds {meta.get('size')} chunks and {len(vocab)} terms "
                f"for an index of {size} chunks; {_REBUILD}"
            )
        index = cls(analyser)
        index._size = size
        index._languages = tuple(meta.get("languages", ()))
        index._vocab = {token: i for i, token in enumerate(vocab)}
        index._postings = postings if size else None
        return index

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency of an analysed term over the chunks (a term in no
        chunk gets the highest)."""
        position = self._vocab.get(term)
        postings = self._postings
        found = (
            0
            if position is None or postings is None
            else int(postings.indptr[position + 1] - postings.indptr[position])
        )
        return math.log((self._size - found + 0.5) / (found + 0.5) + 1.0)

    def analyse_query(self, query: str, language: str) -> list[str]:
        """Tokens of the query under its own and every corpus language, without repeats. The
        stopwords of all those languages apply, so English function words never reach Dutch text."""
        return self.analyser.query_terms(query, (language, *self._languages))

    def scores(self, query: str, language: str) -> npt.NDArray[np.float32]:
        """BM25 score of every chunk (0 where no query token occurs)."""
        if self._size == 0 or self._postings is None:
            return np.zeros(self._size, dtype=np.float32)
        tokens = self.analyse_query(query, language)
        known = [self._vocab[token] for token in tokens if token in self._vocab]
        if not known:
            return np.zeros(self._size, dtype=np.float32)
        try:
            return _summed_scores(self._postings, self._size, known)
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


def _summed_scores(postings: Postings, size: int, token_ids: list[int]) -> npt.NDArray[np.float32]:
    """BM25 score of every chunk for these tokens, from bm25s's precomputed per-token scores.
    bm25s's own get_scores adds them with np.add.at, which took ~100 ms at a million chunks;
    within one token a chunk appears once, so plain fancy-index addition is the same sum."""
    data, indices, indptr = postings
    scores = np.zeros(size, dtype=np.float32)
    for token in token_ids:
        if not 0 <= token < len(indptr) - 1:
            raise ValueError(f"token id {token} is not in the index")
        start, end = int(indptr[token]), int(indptr[token + 1])
        scores[indices[start:end]] += data[start:end]
    return scores
