"""Evidence-first prompts: the best sentences across the retrieved chunks, each with its follower,
grouped per chunk in document order, within a token budget."""

from __future__ import annotations

import pytest

from rag.answering.evidence import EvidenceSentence, chunk_sentences, rank_evidence
from rag.answering.evidence_prompt import choose_evidence, plan_evidence_prompt
from rag.answering.pipeline import Assistant
from rag.testing import make_test_assistant
from rag.types import Chunk

QUESTION = "Hoeveel dagen heeft Rusland volgens RAND nodig om de Baltische staten te veroveren?"


def words(text: str) -> int:
    return len(text.split())


def chunk_of(doc_id: str, sentences: list[str], start: int = 0) -> Chunk:
    text = " ".join(sentences)
    return Chunk(
        id=f"{doc_id}:{start}",
        doc_id=doc_id,
        doc_title=f"Title of {doc_id}",
        text=text,
        start=start,
        end=start + len(text),
        ordinal=start,
        n_tokens=words(text),
        language="nl",
    )


def evidence(chunk: Chunk, index: int, score: float) -> EvidenceSentence:
    start, end, text = chunk_sentences(chunk)[index]
    return EvidenceSentence(chunk, start, end, text, cosine=score, score=score)


A = chunk_of("a", [f"Zin {n} van document a gaat over iets anders." for n in range(6)])
B = chunk_of("b", [f"Zin {n} van document b gaat over de vraag." for n in range(4)])


def texts(groups: list) -> list[list[str]]:  # type: ignore[type-arg]
    return [[g.chunk.text[s - g.chunk.start : e - g.chunk.start] for s, e in sorted(g.spans)] for g in groups]


def test_each_chosen_sentence_comes_with_the_next_one_grouped_per_chunk_best_first() -> None:
    ranked = [evidence(B, 1, 0.9), evidence(A, 4, 0.8)]
    groups = choose_evidence(ranked, max_sentences=6, max_tokens=1000, count_tokens=words)
    assert texts(groups) == [
        ["Zin 1 van document b gaat over de vraag.", "Zin 2 van document b gaat over de vraag."],
        ["Zin 4 van document a gaat over iets anders.", "Zin 5 van document a gaat over iets anders."],
    ]


def test_only_the_best_sentences_are_taken_and_none_twice() -> None:
    ranked = [evidence(A, 0, 0.9), evidence(A, 1, 0.8), evidence(B, 3, 0.7), evidence(B, 0, 0.6)]
    groups = choose_evidence(ranked, max_sentences=3, max_tokens=1000, count_tokens=words)
    assert texts(groups) == [
        [f"Zin {n} van document a gaat over iets anders." for n in (0, 1, 2)],
        ["Zin 3 van document b gaat over de vraag."],  # the last sentence: no follower
    ]


def test_the_budget_stops_further_sentences_but_the_best_one_is_always_kept() -> None:
    ranked = [evidence(A, 0, 0.9), evidence(B, 0, 0.8)]
    groups = choose_evidence(ranked, max_sentences=6, max_tokens=5, count_tokens=words)
    assert texts(groups) == [[f"Zin {n} van document a gaat over iets anders." for n in (0, 1)]]


def test_left_out_text_between_sentences_is_marked_and_spans_point_into_the_document() -> None:
    ranked = [evidence(A, 0, 0.9), evidence(A, 3, 0.8)]
    plan = plan_evidence_prompt(
        "Waarover gaat het?",
        ranked,
        language="nl",
        count_tokens=words,
        context_size=4096,
        max_answer_tokens=256,
        max_sentences=6,
        max_evidence_tokens=400,
    )
    (planned,) = plan.passages
    assert planned.passage.text == (
        "Zin 0 van document a gaat over iets anders. Zin 1 van document a gaat over iets anders. … "
        "Zin 3 van document a gaat over iets anders. Zin 4 van document a gaat over iets anders."
    )
    assert planned.passage.n == 1 and planned.passage.title == "Title of a"
    for start, end in planned.spans:
        assert A.text[start:end].startswith("Zin ")
    assert "[1] (Title of a)" in plan.messages[1].content


def test_a_later_chunk_keeps_document_offsets() -> None:
    later = chunk_of(
        "a", ["Eerste zin van het latere stuk hier.", "Tweede zin van het latere stuk hier."], 500
    )
    (group,) = choose_evidence([evidence(later, 0, 0.9)], max_sentences=1, max_tokens=100, count_tokens=words)
    assert sorted(group.spans) == [(500, 536), (537, 573)]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return make_test_assistant(tmp_path_factory.mktemp("evidence-prompt"))


def test_the_model_reads_the_answering_sentence_in_a_shorter_prompt(assistant: Assistant) -> None:
    gen = assistant.generator
    hits = assistant.retriever.search(QUESTION, k=8)
    evidence_plan = assistant.planner.plan(QUESTION, hits, "nl", 5, gen, None)
    chunks = assistant.with_settings(evidence_sentences=0).planner.plan(QUESTION, hits, "nl", 5, gen, None)
    assert "vijf dagen nodig om de Baltische staten te veroveren" in evidence_plan.messages[1].content
    assert evidence_plan.prompt_tokens < chunks.prompt_tokens


def test_with_evidence_sentences_zero_the_model_reads_trimmed_chunks(assistant: Assistant) -> None:
    hits = assistant.retriever.search(QUESTION, k=8)
    plan = assistant.with_settings(evidence_sentences=0).planner.plan(
        QUESTION, hits, "nl", 5, assistant.generator, None
    )
    assert [p.chunk.id for p in plan.passages] == [h.chunk.id for h in hits[:5]][: len(plan.passages)]


def test_the_evidence_order_is_the_ranking(assistant: Assistant) -> None:
    hits = assistant.retriever.search(QUESTION, k=8)
    ranked = rank_evidence(
        QUESTION,
        "nl",
        hits,
        embed_sentences=assistant.sentence_vectors.embed,
        embed_query=assistant.sentence_vectors.query,
        analyser=assistant.analyser,
    )
    plan = assistant.planner.plan(QUESTION, hits, "nl", 5, assistant.generator, None)
    assert plan.passages[0].chunk.id == ranked[0].chunk.id
    assert (ranked[0].start, ranked[0].end) in plan.passages[0].spans


def test_the_answer_records_the_sentences_the_model_read(assistant: Assistant) -> None:
    answer = assistant.answer(QUESTION)
    assert answer.shown_spans, "an answer written from a prompt records what the prompt showed"
    prompt = (
        assistant.planner.plan(QUESTION, answer.hits, "nl", 5, assistant.generator, None).messages[1].content
    )
    shown = [hit.chunk for hit in answer.hits if hit.chunk.id in answer.context_chunk_ids]
    read = []
    for span in answer.shown_spans:
        texts = [
            c.text[span.start - c.start : span.end - c.start]
            for c in shown
            if c.doc_id == span.doc_id and c.start <= span.start < span.end <= c.end
        ]
        assert texts and texts[0] in prompt
        read.append(texts[0])
    assert any("vijf dagen nodig om de Baltische staten te veroveren" in text for text in read)
