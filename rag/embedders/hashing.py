"""HashingEmbedder: a deterministic, dependency-free twin of the real embedder for fast tests.

Feature hashing of accent-folded, lowercased word unigrams plus character n-grams of each word,
so related word forms (kernwapen / kernwapens) still overlap. A stable hash (blake2b) keeps the
vectors identical across processes and Python versions, unlike the salted built-in `hash`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from rag.embedders.base import Vectors
from rag.errors import ConfigError
from rag.text import fold

_TOKEN = re.compile(r"\w+|[^\w\s]")
_WORD = re.compile(r"\w+")
_NGRAM_SIZES = (3, 4, 5)
_NGRAM_WEIGHT = 0.5
# Dimension 0 is reserved for the query marker: queries and documents differ (like the real
# model's prompts) without changing any ranking, since every document has 0 there.
_QUERY_SLOT = 0
_QUERY_MARKER_WEIGHT = 0.5
_EMPTY_FEATURE = "\x00empty"


@lru_cache(maxsize=200_000)
def _slot(feature: str, dim: int) -> tuple[int, float]:
    digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    # Signed hashing: collisions cancel on average instead of always adding up.
    sign = 1.0 if value & 1 else -1.0
    return 1 + (value >> 1) % (dim - 1), sign


def _features(text: str) -> list[tuple[str, float]]:
    features: list[tuple[str, float]] = []
    for word in _WORD.findall(fold(text)):
        features.append(("w:" + word, 1.0))
        padded = f"<{word}>"
        for n in _NGRAM_SIZES:
            for i in range(len(padded) - n + 1):
                features.append(("c:" + padded[i : i + n], _NGRAM_WEIGHT))
    return features or [(_EMPTY_FEATURE, 1.0)]


class HashingEmbedder:
    """Offline embedder: same interface and guarantees as the real one, no model files."""

    def __init__(self, dim: int = 256) -> None:
        if dim < 8:
            raise ConfigError(f"HashingEmbedder needs dim >= 8, got {dim}; pick a larger dimension")
        self._dim = dim

    @property
    def name(self) -> str:
        return "hashing"

    @property
    def fingerprint(self) -> str:
        return f"hashing-{self._dim}-v1"

    @property
    def dim(self) -> int:
        return self._dim

    def _vector(self, text: str, *, query: bool) -> Vectors:
        vec = np.zeros(self._dim, dtype=np.float32)
        for feature, weight in _features(text):
            index, sign = _slot(feature, self._dim)
            vec[index] += sign * weight
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:  # features cancelled out exactly: fall back to a fixed unit vector
            vec[_slot(_EMPTY_FEATURE, self._dim)[0]] = norm = 1.0
        if query:
            vec[_QUERY_SLOT] = _QUERY_MARKER_WEIGHT * norm
        return (vec / np.linalg.norm(vec)).astype(np.float32)

    def embed_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return np.stack([self._vector(text, query=False) for text in texts])

    def embed_query(self, text: str) -> Vectors:
        return self._vector(text, query=True)

    def count_tokens(self, text: str) -> int:
        return len(_TOKEN.findall(text))
