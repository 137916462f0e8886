from __future__ import annotations

import pytest

from rag.errors import ConfigError, IndexCorruptError, QuestionError
from rag.retrieval.hybrid import AUTO_RECENCY_WEIGHT, Retriever
from rag.types import Chunk, Document
from tests.retrieval.conftest import NumpyIndex, make_corpus, make_retriever

Corpus = tuple[list[Document], list[Chunk]]


def test_hits_are_ranked_one_to_k_with_leg_details(retriever: Retriever) -> None:
    hits = retriever.search("Poetin kernwapens Belarus", k=4)
    assert [h.rank for h in hits] == [1, 2, 3, 4]
    assert hits[0].chunk.id == "b:0000"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    top = hits[0]
    assert top.dense_rank is not None and top.lexical_rank is not None
    assert top.dense_score is not None and top.lexical_score is not None and top.lexical_score > 0


def test_fused_score_is_weighted_reciprocal_rank(corpus: Corpus) -> None:
    retriever = make_retriever(*corpus, rrf_k=10, dense_weight=2.0, lexical_weight=0.5)
    for hit in retriever.search("tactische kernwapens in Wit-Rusland", k=5):
        expected = 0.0
        if hit.dense_rank is not None:
            expected += 2.0 / (10 + hit.dense_rank)
        if hit.lexical_rank is not None:
            expected += 0.5 / (10 + hit.lexical_rank)
        assert hit.score == pytest.approx(expected)


def test_default_k_is_top_k(corpus: Corpus) -> None:
    assert len(make_retriever(*corpus, top_k=2).search("NAVO")) == 2


def test_single_leg_modes_leave_the_other_leg_empty(retriever: Retriever) -> None:
    dense = retriever.search("NAVO top Warschau", k=3, mode="dense")
    lexical = retriever.search("NAVO top Warschau", k=3, mode="lexical")
    assert all(h.lexical_rank is None and h.dense_rank == h.rank for h in dense)
    assert all(h.dense_rank is None and h.lexical_rank == h.rank for h in lexical)
    assert lexical[0].chunk.id == "a:0000"


def test_english_question_finds_dutch_chunk(retriever: Retriever) -> None:
    hits = retriever.search("What did NATO decide at the Warsaw summit in 2016?", k=3)
    assert hits[0].chunk.id == "a:0000"


def test_document_and_date_filters(retriever: Retriever) -> None:
    assert {h.chunk.doc_id for h in retriever.search("kernwapens", k=10, doc_ids=["c"])} == {"c"}
    dated = retriever.search("kernwapens NAVO Poetin", k=10, date_from="2023", date_to="2023-12-31")
    assert {h.chunk.doc_id for h in dated} == {"b"}
    # A month-precision document date overlaps a day-precision bound inside that month.
    assert {
        h.chunk.doc_id for h in retriever.search("NAVO", k=10, date_from="2016-07-15", date_to="2016-07-20")
    } == {"a"}
    # Undated documents ("d") cannot be placed in a range and are left out.
    assert "d" not in {h.chunk.doc_id for h in retriever.search("deterrence", k=10, date_from="1900")}


def test_bad_filters_and_questions_name_the_fix(retriever: Retriever) -> None:
    with pytest.raises(QuestionError, match="unknown document id"):
        retriever.search("NAVO", doc_ids=["zzz"])
    with pytest.raises(QuestionError, match="YYYY-MM"):
        retriever.search("NAVO", date_from="juni 2024")
    with pytest.raises(QuestionError, match="empty"):
        retriever.search("   ")
    with pytest.raises(ConfigError, match="hybrid"):
        retriever.search("NAVO", mode="sparse")  # type: ignore[arg-type]


def test_recency_boost_for_latest_questions(retriever: Retriever) -> None:
    question = "laatste kernwapens Poetin"
    latest = {h.chunk.id: h.score for h in retriever.search(question, k=10, recency=True)}
    auto = {h.chunk.id: h.score for h in retriever.search(question, k=10)}
    plain = {h.chunk.id: h.score for h in retriever.search(question, k=10, recency=False)}
    assert auto == pytest.approx(latest)  # "laatste" turns the boost on by itself
    top = 1.0 / (retriever.settings.rrf_k + 1)
    # c (2024-06) is the newest dated document: the full boost; a (2016-07) the oldest: none.
    assert latest["c:0000"] - plain["c:0000"] == pytest.approx(AUTO_RECENCY_WEIGHT * top)
    assert latest["a:0000"] == pytest.approx(plain["a:0000"])
    # Without a "latest" word, no boost unless asked for.
    assert {h.chunk.id: h.score for h in retriever.search("kernwapens Poetin", k=10)} == pytest.approx(
        {h.chunk.id: h.score for h in retriever.search("kernwapens Poetin", k=10, recency=False)}
    )


def test_overlapping_neighbours_collapse_but_distinct_text_stays() -> None:
    documents, chunks = make_corpus()
    b0 = next(c for c in chunks if c.id == "b:0000")
    near = b0.model_copy(update={"id": "b:0009", "ordinal": 9, "start": b0.start + 5, "text": b0.text[5:]})
    copy = b0.model_copy(
        update={"id": "d:0009", "doc_id": "d", "ordinal": 9, "start": 500, "end": 500 + len(b0.text)}
    )
    retriever = make_retriever(documents, [*chunks, near, copy])
    ids = [h.chunk.id for h in retriever.search("tactische kernwapens Wit-Rusland Poetin", k=10)]
    assert ids.count("b:0000") + ids.count("b:0009") == 1  # overlapping chunks of one document
    assert "d:0009" not in ids  # the same text in another document
    assert "b:0001" in ids  # the neighbour with other text is kept


def test_vector_count_must_match_chunks(corpus: Corpus) -> None:
    documents, chunks = corpus
    retriever = make_retriever(documents, chunks)
    with pytest.raises(IndexCorruptError, match="rebuild"):
        Retriever(
            documents, chunks, NumpyIndex(retriever.embedder.dim), retriever.embedder, retriever.settings
        )


def test_each_legs_best_chunk_stays_in_the_top_k() -> None:
    from rag.retrieval.hybrid import LegResult, keep_leg_winners

    legs = {
        "dense": [LegResult(position=p, rank=i + 1, score=1.0) for i, p in enumerate([1, 2, 3, 4, 5])],
        "lexical": [LegResult(position=p, rank=i + 1, score=1.0) for i, p in enumerate([9, 2, 3, 4, 5])],
    }
    order = [2, 3, 4, 1, 5, 9]  # fusion left both legs' winners (1, 9) out of the top 3
    assert keep_leg_winners(order, legs, 3) == [2, 1, 9, 3, 4, 5]  # both winners (1 and 9) moved up
    assert keep_leg_winners([9, 1, 2], legs, 3) == [9, 1, 2]  # nothing to do


def test_a_context_query_brings_in_what_only_the_conversation_names(retriever: Retriever) -> None:
    # The rewrite lost the referent: "the weapons" alone finds the doctrine passage first.
    lost = "Hoeveel wapens heeft Rusland daar?"
    alone = [h.chunk.id for h in retriever.search(lost, k=2)]
    context = "President Poetin wil kernwapens in Wit-Rusland plaatsen. Hoeveel wapens heeft Rusland daar?"
    both = retriever.search(lost, k=2, context_query=context)
    assert "b:0000" not in alone
    assert "b:0000" in [h.chunk.id for h in both]
    assert [h.rank for h in both] == [1, 2]


def test_without_a_new_context_query_the_search_is_unchanged(retriever: Retriever) -> None:
    query = "Poetin kernwapens Belarus"
    plain = retriever.search(query, k=4)
    assert retriever.search(query, k=4, context_query=None) == plain
    assert retriever.search(query, k=4, context_query="  ") == plain
    assert retriever.search(query, k=4, context_query=query) == plain


def test_a_context_query_weighs_both_rankings_alike(retriever: Retriever) -> None:
    query, context = "nucleaire doctrine juni 2024", "substrategische kernwapens Rusland"
    one = retriever.search(query, k=4, context_query=context)
    swapped = retriever.search(context, k=4, context_query=query)
    assert [h.chunk.id for h in one] == [h.chunk.id for h in swapped]
    assert [h.score for h in one] == pytest.approx([h.score for h in swapped])
    assert {h.chunk.id for h in retriever.search(query, k=1)} <= {h.chunk.id for h in one}
    assert {h.chunk.id for h in retriever.search(context, k=1)} <= {h.chunk.id for h in one}


def test_a_hit_only_the_context_finds_carries_the_contexts_closeness(retriever: Retriever) -> None:
    lost = "Hoeveel wapens heeft Rusland daar?"
    context = "President Poetin wil kernwapens in Wit-Rusland plaatsen. Hoeveel wapens heeft Rusland daar?"
    by_context = {h.chunk.id: h for h in retriever.search(context, k=6)}
    by_lost = {h.chunk.id: h for h in retriever.search(lost, k=6)}
    for hit in retriever.search(lost, k=6, context_query=context):
        scores = [h.dense_score for h in (by_context.get(hit.chunk.id), by_lost.get(hit.chunk.id)) if h]
        assert hit.dense_score == max(s for s in scores if s is not None)
