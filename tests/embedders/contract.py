"""The Embedder contract: checks every embedding backend must pass (offline twin and real model).

Plain functions so tests/embedders/test_contract.py (twins) and tests/e2e (the real model) run
exactly the same checks.
"""

from __future__ import annotations

import numpy as np

from rag.embedders.base import Embedder

DOCS = [
    "Rusland wil tactische kernwapens in Belarus plaatsen, zei president Poetin.",
    "Een recept voor appeltaart met kaneel en rozijnen.",
    "De NAVO reageerde terughoudend op de aankondiging.",
]
QUERY = "Waar wil Rusland kernwapens plaatsen?"


def check_protocol(embedder: Embedder) -> None:
    assert isinstance(embedder, Embedder)
    assert embedder.name
    assert embedder.fingerprint
    assert embedder.dim > 0


def check_shape_dtype_norm(embedder: Embedder) -> None:
    vectors = embedder.embed_documents(DOCS)
    assert vectors.shape == (len(DOCS), embedder.dim)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    query = embedder.embed_query(QUERY)
    assert query.shape == (embedder.dim,)
    assert query.dtype == np.float32
    assert abs(float(np.linalg.norm(query)) - 1.0) < 1e-5


def check_empty(embedder: Embedder) -> None:
    vectors = embedder.embed_documents([])
    assert vectors.shape == (0, embedder.dim)
    assert vectors.dtype == np.float32


def check_deterministic_and_order(embedder: Embedder) -> None:
    together = embedder.embed_documents(DOCS)
    np.testing.assert_allclose(embedder.embed_documents(DOCS), together, atol=1e-6)
    # Each row is its own text's vector, whatever the batch around it (order restored).
    reversed_rows = embedder.embed_documents(DOCS[::-1])[::-1]
    np.testing.assert_allclose(reversed_rows, together, atol=1e-4)
    single = embedder.embed_documents([DOCS[1]])[0]
    np.testing.assert_allclose(single, together[1], atol=1e-4)
    np.testing.assert_allclose(embedder.embed_query(QUERY), embedder.embed_query(QUERY), atol=1e-6)


def check_query_prompt_differs(embedder: Embedder) -> None:
    """Queries and documents are encoded differently, yet a text stays close to itself."""
    as_query = embedder.embed_query(DOCS[0])
    as_document = embedder.embed_documents([DOCS[0]])[0]
    assert not np.allclose(as_query, as_document, atol=1e-3)
    assert float(as_query @ as_document) > 0.5


def check_ranking(embedder: Embedder) -> None:
    scores = embedder.embed_documents(DOCS) @ embedder.embed_query(QUERY)
    assert int(np.argmax(scores)) == 0, scores


def check_count_tokens(embedder: Embedder) -> None:
    short = embedder.count_tokens("kernwapens in Belarus")
    long = embedder.count_tokens("kernwapens in Belarus " * 10)
    assert embedder.count_tokens("") == 0
    assert 0 < short < long
    assert isinstance(short, int)


ALL_CHECKS = (
    check_protocol,
    check_shape_dtype_norm,
    check_empty,
    check_deterministic_and_order,
    check_query_prompt_differs,
    check_ranking,
    check_count_tokens,
)
