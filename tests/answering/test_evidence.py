"""Evidence sentences: every sentence of the best hits once, ranked by how well it answers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from eval.retrieval_metrics import evidence_recall_at
from rag.answering.evidence import candidates, chunk_sentences, rank_evidence
from rag.answering.pipeline import Assistant
from rag.testing import make_test_assistant
from rag.text import TextAnalyser
from rag.types import Chunk, Hit


@dataclass(frozen=True)
class Span:
    doc_id: str
    start: int
    end: int


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return make_test_assistant(tmp_path_factory.mktemp("evidence"))


def test_sentences_point_at_their_exact_document_span(assistant: Assistant) -> None:
    for chunk in assistant.index.chunks[:20]:
        doc = assistant.document(chunk.doc_id)
        for start, end, text in chunk_sentences(chunk):
            assert doc.text[start:end] == text


def test_overlapping_chunks_give_each_sentence_once(assistant: Assistant) -> None:
    hits = assistant.retriever.search("Hoeveel dagen heeft Rusland nodig voor de Baltische staten?", k=8)
    found = candidates(hits, 8)
    keys = [(hit.chunk.doc_id, start, end) for hit, start, end, _ in found]
    assert len(keys) == len(set(keys)) > 0


def test_the_sentence_that_answers_ranks_first(assistant: Assistant) -> None:
    question = "Hoeveel dagen heeft Rusland volgens RAND nodig om de Baltische staten te veroveren?"
    hits = assistant.retriever.search(question, k=8)
    ranked = rank_evidence(
        question,
        "nl",
        hits,
        embed_sentences=assistant.sentence_vectors.embed,
        embed_query=assistant.sentence_vectors.query,
        analyser=assistant.analyser,
    )
    assert "vijf dagen nodig om de Baltische staten te veroveren" in ranked[0].text
    assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)


def test_evidence_recall_counts_the_gold_spans_the_top_k_sentences_overlap(assistant: Assistant) -> None:
    chunk = assistant.index.chunks[0]
    first, second, *_ = [Span(chunk.doc_id, s, e) for s, e, _ in chunk_sentences(chunk)]
    elsewhere = Span("another-doc", first.start, first.end)
    ranked = [elsewhere, second, first]
    gold = [first, Span(chunk.doc_id, second.end - 1, second.end + 5)]  # one overlaps only partly
    assert evidence_recall_at(ranked, gold, ks=(1, 2, 3)) == {1: 0.0, 2: 0.5, 3: 1.0}


def test_a_word_in_few_chunks_has_a_higher_idf_than_one_in_many(assistant: Assistant) -> None:
    lexical = assistant.retriever.lexical
    (common,) = lexical.analyser.query_terms("NAVO", ("nl",))
    (rare,) = lexical.analyser.query_terms("Iskander", ("nl",))
    in_chunks = [
        sum(term in lexical.analyser.terms(c.text, c.language) for c in assistant.index.chunks)
        for term in (common, rare)
    ]
    assert in_chunks[0] > in_chunks[1] > 0  # what the idf should reflect
    assert lexical.idf(rare) > lexical.idf(common) > 0
    assert lexical.idf("nowhere-in-the-corpus") > lexical.idf(rare)


def test_a_sentence_with_the_rare_question_word_outranks_one_with_the_common_word() -> None:
    text = "De NAVO oefende in het noorden. Iskander raketten staan in Kaliningrad."
    chunk = Chunk(
        id="d:0000", doc_id="d", doc_title="t", ordinal=0, start=0, end=len(text), text=text, n_tokens=20
    )
    hits = [Hit(chunk=chunk, score=1.0, rank=1)]
    analyser = TextAnalyser()
    asked = {*analyser.terms("NAVO", "nl"), *analyser.terms("Iskander", "nl")}

    def rank(weights: dict[str, float] | None) -> list[str]:
        ranked = rank_evidence(
            "NAVO Iskander",
            "nl",
            hits,
            embed_sentences=lambda texts: np.zeros((len(texts), 4)),  # the cosines tie at 0
            embed_query=lambda text: np.ones(4),
            analyser=analyser,
            question_terms=asked,
            term_weight=None if weights is None else weights.__getitem__,
        )
        return [s.text for s in ranked]

    (navo,) = analyser.terms("NAVO", "nl")
    (iskander,) = analyser.terms("Iskander", "nl")
    assert rank({navo: 0.2, iskander: 3.0})[0].startswith("Iskander")
    assert rank({navo: 3.0, iskander: 0.2})[0].startswith("De NAVO")
