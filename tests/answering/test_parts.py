"""Questions that ask several things: split into parts, evidence for each part, the parts numbered
in the prompt, and a sentence per part in the answer's grammar."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.answering.evidence import EvidenceSentence, interleave
from rag.answering.parts import question_parts
from rag.answering.pipeline import Assistant
from rag.answering.prompt import answer_schema, user_message
from rag.generators.base import GenerationRequest, Passage
from rag.testing import make_test_assistant
from rag.types import Chunk

TWO_PARTS = (
    "Hoeveel dagen heeft Rusland volgens RAND nodig om de Baltische staten te veroveren, "
    "en welke kernwapens plaatst Rusland in Belarus?"
)


def test_an_english_question_splits_before_and_with_a_question_word() -> None:
    question = "When did the New START treaty enter into force, and for how long was it extended?"
    assert question_parts(question) == (
        "When did the New START treaty enter into force",
        "for how long was it extended?",
    )


def test_a_dutch_question_splits_after_a_question_mark_and_before_en_with_a_question_word() -> None:
    question = "Lijkt het weer op vroeger? Wat zegt het artikel erover, en welke rol speelt Poetin?"
    assert question_parts(question) == (
        "Lijkt het weer op vroeger?",
        "Wat zegt het artikel erover",
        "welke rol speelt Poetin?",
    )


@pytest.mark.parametrize(
    "question",
    [
        "Wat zei Stoltenberg over kernwapens?",
        "Hoe en waarom reageerde de NAVO op de dreiging?",  # "Hoe" alone is no part
        "Welke landen en welke steden doen mee aan de oefening?",  # a list, not two questions
        "Which countries and cities take part in the exercise?",  # "and" without a question word
        "What did Russia and Belarus agree on?",
    ],
)
def test_a_question_that_asks_one_thing_has_no_parts(question: str) -> None:
    assert question_parts(question) == ()


def test_more_parts_than_the_answer_has_sentences_are_not_listed() -> None:
    question = "Wie was er? Wat zei hij daar? Waar was het precies? Wanneer was het dan? Hoe ging het af?"
    assert question_parts(question) == ()


def _sentence(doc: str, start: int) -> EvidenceSentence:
    chunk = Chunk(
        id=f"{doc}:0", doc_id=doc, doc_title=doc, text="x" * 100, start=0, end=100, ordinal=0, n_tokens=1
    )
    return EvidenceSentence(chunk, start, start + 10, f"{doc}{start}", cosine=0.5, score=0.5)


def test_interleave_takes_the_best_of_each_ranking_in_turn_and_each_sentence_once() -> None:
    whole = [_sentence("a", 0), _sentence("a", 10), _sentence("a", 20)]
    first = [_sentence("a", 0), _sentence("b", 0)]
    second = [_sentence("c", 0), _sentence("a", 10)]
    merged = interleave([whole, first, second])
    assert [s.text for s in merged] == ["a0", "c0", "a10", "b0", "a20"]


def test_the_prompt_numbers_the_parts_and_the_grammar_asks_a_sentence_for_each() -> None:
    passages = [Passage(n=1, chunk_id="a:0", title="A", text="Tekst.")]
    parts = question_parts(TWO_PARTS)
    message = user_message(TWO_PARTS, "nl", passages, None, parts)
    assert f"in 2 parts (answer each): (1) {parts[0]} (2) {parts[1]}" in message
    assert "Question: " not in message  # the question is given once, as its parts
    assert answer_schema(1, min_sentences=2)["properties"]["sentences"]["minItems"] == 2
    assert "minItems" not in answer_schema(1)["properties"]["sentences"]


def test_a_follow_up_in_parts_gives_its_meaning_in_parts() -> None:
    parts = question_parts(TWO_PARTS)
    message = user_message(TWO_PARTS, "nl", [], "En hoeveel dagen, en welke wapens?", parts)
    assert "Follow-up question: En hoeveel dagen, en welke wapens?" in message
    assert "Meaning, in 2 parts (answer each): (1) " in message


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return make_test_assistant(tmp_path_factory.mktemp("parts"))


def test_the_evidence_of_a_question_in_parts_takes_the_whole_and_each_part_in_turn(
    assistant: Assistant,
) -> None:
    hits = assistant.retriever.search(TWO_PARTS, k=8)
    whole = assistant.planner._ranked(TWO_PARTS, "nl", hits)
    by_part = [assistant.planner._ranked(part, "nl", hits) for part in question_parts(TWO_PARTS)]
    ranked = assistant.planner.evidence(TWO_PARTS, "nl", hits)
    assert ranked == interleave([whole, *by_part])
    assert ranked != whole  # the parts changed the order here
    first = {(s.doc_id, s.start) for s in ranked[:3]}
    assert all((part[0].doc_id, part[0].start) in first for part in by_part)
    assert assistant.with_settings(question_parts=False).planner.evidence(TWO_PARTS, "nl", hits) == whole


def test_the_model_is_asked_for_a_sentence_per_part(tmp_path: Path) -> None:
    seen: list[GenerationRequest] = []

    def script(request: GenerationRequest) -> str:
        seen.append(request)
        return '{"answerable": false, "sentences": []}'

    assistant = make_test_assistant(tmp_path, script)
    assistant.answer(TWO_PARTS)
    assert seen[-1].schema_ is not None
    assert seen[-1].schema_["properties"]["sentences"]["minItems"] == 2
    assert "(2) welke kernwapens plaatst Rusland in Belarus?" in seen[-1].messages[1].content
    assistant.with_settings(question_parts=False).answer(TWO_PARTS)
    assert "minItems" not in seen[-1].schema_["properties"]["sentences"]
    assert f"Question: {TWO_PARTS}" in seen[-1].messages[1].content
