from __future__ import annotations

import pytest

from rag.index.lexical import LexicalIndex
from rag.types import Chunk


def _chunk(i: int, text: str, language: str = "nl") -> Chunk:
    return Chunk(
        id=f"d:{i:04d}",
        doc_id="d",
        doc_title="t",
        ordinal=i,
        start=i * 1000,
        end=i * 1000 + len(text),
        text=text,
        n_tokens=len(text.split()),
        language=language,
    )


CHUNKS = [
    _chunk(0, "De NAVO hield de jaarlijkse oefening Steadfast Noon voor de nucleaire afschrikking."),
    _chunk(1, "Poetin wil tactische kernwapens in Wit-Rusland plaatsen."),
    _chunk(2, "Zuid-Korea overweegt militaire hulp aan Oekraïne."),
    _chunk(3, "The weather in Brussels was fine.", "en"),
]


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    lexical = LexicalIndex()
    lexical.build(CHUNKS)
    return lexical


@pytest.mark.parametrize(
    ("query", "language", "expected"),
    [
        ("Which annual NATO exercise strengthens nuclear deterrence?", "en", 0),
        ("Does Putin want to station nuclear weapons in Belarus?", "en", 1),
        ("Poetin kernwapens Belarus", "nl", 1),
        ("military aid to Ukraine from South Korea", "en", 2),
        ("Oekraine", "nl", 2),  # accent-less spelling still meets "Oekraïne"
    ],
)
def test_search_finds_dutch_chunks_for_either_language(
    index: LexicalIndex, query: str, language: str, expected: int
) -> None:
    assert index.search(query, k=3, language=language)[0][0] == expected


def test_search_orders_by_score_respects_k_and_allowed(index: LexicalIndex) -> None:
    results = index.search("NAVO kernwapens Oekraïne weather", k=10, language="nl")
    scores = [s for _, s in results]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    assert {p for p, _ in results} == {0, 1, 2, 3}
    assert len(index.search("NAVO kernwapens Oekraïne", k=2, language="nl")) == 2
    assert [p for p, _ in index.search("NAVO kernwapens", k=5, language="nl", allowed=[1, 3])] == [1]


def test_search_without_known_terms_returns_nothing(index: LexicalIndex) -> None:
    assert index.search("xylofoon", k=5, language="nl") == []
    assert index.search("de het een", k=5, language="nl") == []


def test_empty_index_returns_nothing() -> None:
    lexical = LexicalIndex()
    lexical.build([])
    assert len(lexical) == 0
    assert lexical.search("NAVO", k=5) == []
