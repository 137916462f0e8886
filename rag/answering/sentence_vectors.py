"""Embeddings of the sentences passages show the model, each computed once per Assistant, and
the sentence-level similarity the citation check uses for translated answers."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from rag.answering.injection import evidence_sentences
from rag.answering.types import PlannedPassage
from rag.embedders.base import Embedder

MAX_QUERIES = 64


class SentenceVectors:
    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._cache: dict[str, Any] = {}  # passage sentence -> its embedding
        # answer sentence -> its query embedding: a sentence is checked while it streams and
        # again in the final answer; the last few are kept so the second check costs nothing.
        self._queries: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, pieces: list[str]) -> np.ndarray:
        """Embeddings (rows) of passage sentences (document prompt)."""
        missing = list(dict.fromkeys(t for t in pieces if t not in self._cache))
        if missing:
            for text, vector in zip(missing, self.embedder.embed_documents(missing), strict=True):
                self._cache[text] = vector
        return np.asarray([self._cache[t] for t in pieces])

    def query(self, text: str) -> np.ndarray:
        with self._lock:
            if text in self._queries:
                self._queries.move_to_end(text)
                return np.asarray(self._queries[text])
        vector = np.asarray(self.embedder.embed_query(text))
        with self._lock:
            self._queries[text] = vector
            while len(self._queries) > MAX_QUERIES:
                self._queries.popitem(last=False)
        return vector

    def similarity(self, sentence: str, passages: Sequence[PlannedPassage]) -> list[float]:
        """Per passage, the best cosine of the sentence with one of the passage's sentences.

        Sentence level, because a made-up claim on the passage's topic is close to the passage
        as a whole, but not to any one of its sentences.
        """
        query = self.query(sentence)
        evidence = [evidence_sentences(p) for p in passages]  # instructions planted in them left out
        rows = [self.embed(texts) if texts else np.zeros((0, 1)) for texts in evidence]
        return [max((float(v @ query) for v in vectors), default=0.0) for vectors in rows]
