"""The BM25 sums and the top-k selection that replaced bm25s's get_scores and a full sort (both
too slow at a million chunks): same scores as bm25s, same ranking as sorting everything."""

from __future__ import annotations

import bm25s
import numpy as np
import pytest

from rag.errors import IndexCorruptError
from rag.index.lexical import LexicalIndex, top_positions
from rag.text.analyser import EMPTY_TERM
from rag.types import Chunk

WORDS = [
    "navo",
    "kernwapens",
    "oefening",
    "afschrikking",
    "oekraine",
    "hulp",
    "wapens",
    "brussel",
    "top",
    "akkoord",
]


def _chunks(n: int, seed: int = 0) -> list[Chunk]:
    rng = np.random.default_rng(seed)
    chunks = []
    for i in range(n):
        text = " ".join(rng.choice(WORDS, size=int(rng.integers(3, 12))))
        chunks.append(
            Chunk(id=f"d:{i:04d}", doc_id="d", doc_title="t", ordinal=i, start=i * 100,
                  end=i * 100 + len(text), text=text, n_tokens=len(text.split()))
        )  # fmt: skip
    return chunks


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    lexical = LexicalIndex()
    lexical.build(_chunks(400))
    return lexical


@pytest.mark.parametrize(
    "query", ["navo kernwapens", "oefening", "hulp aan oekraine top", "brussel akkoord navo"]
)
def test_scores_equal_bm25s_own(index: LexicalIndex, query: str) -> None:
    bm25 = bm25s.BM25()
    corpus = [index.analyser.index_tokens(c.text, c.language) or [EMPTY_TERM] for c in _chunks(400)]
    bm25.index(corpus, show_progress=False)
    ids = bm25.get_tokens_ids(index.analyse_query(query, "nl"))
    expected = np.asarray(bm25.get_scores(ids), dtype=np.float32)
    np.testing.assert_allclose(index.scores(query, "nl"), expected, rtol=1e-5, atol=1e-6)
    assert (expected > 0).sum() > 10  # the query meets many chunks: a real ranking to compare


@pytest.mark.parametrize("k", [1, 5, 37, 1000])
def test_top_positions_rank_as_a_full_sort_would_ties_by_position(k: int) -> None:
    rng = np.random.default_rng(k)
    scores = rng.choice([0.0, 0.5, 1.0, 1.5, 2.0], size=500).astype(np.float32)  # many ties
    positive = np.flatnonzero(scores > 0)
    expected = positive[np.argsort(-scores[positive], kind="stable")][:k]
    np.testing.assert_array_equal(top_positions(scores, k), expected)


def test_no_positive_score_returns_nothing() -> None:
    assert top_positions(np.zeros(10, dtype=np.float32), 5).size == 0


def test_a_token_id_outside_the_index_is_reported_as_corrupt() -> None:
    index = LexicalIndex()
    index.build(_chunks(20))
    size = len(index._vocab)
    index._vocab = {**index._vocab, "spook": size + 5}  # a vocabulary that outgrew its scores
    with pytest.raises(IndexCorruptError, match="rebuild"):
        index.scores("spook", "nl")
