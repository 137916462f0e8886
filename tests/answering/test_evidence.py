"""Evidence sentences: every sentence of the best hits once, ranked by how well it answers."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from eval.retrieval_metrics import evidence_recall_at
from rag.answering.evidence import candidates, chunk_sentences, rank_evidence
from rag.answering.pipeline import Assistant
from rag.testing import make_test_assistant


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
