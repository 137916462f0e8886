"""Follow-ups: a question that stands alone is searched as it is (no model call); one that
points back into the conversation is rewritten, from a short prompt."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.answering.condense import CONDENSE_TURNS, MAX_REWRITE_TOKENS, MAX_TURN_CHARS, stands_alone
from rag.answering.pipeline import Assistant
from rag.generators.base import GenerationRequest
from rag.testing import cite_first_passage, make_test_assistant
from rag.text import TextAnalyser
from rag.types import Hit, Turn

ANALYSER = TextAnalyser()
HISTORY = [
    Turn(role="user", content="Wat zei Stoltenberg over kernwapens?"),
    Turn(role="assistant", content="Dat de NAVO kernwapens alleen als laatste middel ziet [1]."),
]


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Waarom wil Poetin tactische kernwapens in Belarus plaatsen?", "nl"),
        ("Welke landen leiden de eFP-missie in Letland?", "nl"),
        ("Why does Russia station nuclear weapons in Belarus?", "en"),
        ("Why did the United States stop sharing the status of its nuclear arsenal?", "en"),
        ("Are there NATO troops in Latvia?", "en"),
    ],
)
def test_a_question_that_names_its_subject_stands_alone(question: str, language: str) -> None:
    assert stands_alone(question, language, ANALYSER)


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("En wat zei hij daarover?", "nl"),  # pronoun, pronominal adverb, continuing 'En'
        ("Wat vond Rutte ervan?", "nl"),  # a name, but 'ervan' points back
        ("Hoe lang duurde de oefening?", "nl"),  # which exercise: no name
        ("Wat zei Stoltenberg?", "nl"),  # a name, but nothing else to search for
        ("En de VS?", "nl"),  # ellipsis
        ("Why did he say that?", "en"),
        ("What did Stoltenberg say about it?", "en"),  # 'it' ends the question: not his own
        ("And when?", "en"),
        ("What happened there in 2014?", "en"),
    ],
)
def test_a_question_pointing_back_does_not_stand_alone(question: str, language: str) -> None:
    assert not stands_alone(question, language, ANALYSER)


def rewriting(request: GenerationRequest) -> str:
    if request.task == "condense":
        return json.dumps({"question": "Wat zei Stoltenberg over de Russische kernwapens?"})
    return cite_first_passage(request)


@pytest.fixture
def assistant(tmp_path: Path) -> Assistant:
    return make_test_assistant(tmp_path, rewriting)


def tasks(assistant: Assistant) -> list[str]:
    return [r.task for r in assistant.generator.requests]  # type: ignore[attr-defined]


def test_a_standalone_question_after_history_is_not_rewritten(assistant: Assistant) -> None:
    question = "Waarom wil Poetin tactische kernwapens in Belarus plaatsen?"
    answer = assistant.answer(question, HISTORY)
    assert answer.standalone_question == question
    assert tasks(assistant) == ["answer"] and answer.side_calls == ()  # no model call for it


@pytest.mark.parametrize(
    ("question", "language"), [("En wat zei hij daarover?", "nl"), ("Why did he say that?", "en")]
)
def test_a_follow_up_pointing_back_is_rewritten(assistant: Assistant, question: str, language: str) -> None:
    answer = assistant.answer(question, HISTORY, language=language)
    assert tasks(assistant)[:2] == ["condense", "answer"]  # (an English answer then translated)
    assert answer.standalone_question == "Wat zei Stoltenberg over de Russische kernwapens?"
    assert answer.side_calls[0].task == "condense"


def test_the_rewrite_prompt_is_short(assistant: Assistant) -> None:
    early = [Turn(role="user", content="Eerste vraag over Zapad?"), Turn(role="assistant", content="Zapad.")]
    long_answer = Turn(role="assistant", content="Stoltenberg sprak. " + "Meer tekst hierover. " * 60)
    history = [*early, *early, HISTORY[0], long_answer]
    assistant.answer("En wat zei hij daarover?", history)
    request = assistant.generator.requests[0]  # type: ignore[attr-defined]
    assert request.task == "condense" and request.max_tokens == MAX_REWRITE_TOKENS
    conversation = request.messages[1].content
    assert conversation.count("Zapad") == 2  # only the last CONDENSE_TURNS turns: one early exchange
    assert len(history) > CONDENSE_TURNS
    assert all(len(line) <= MAX_TURN_CHARS + len("assistant: ") for line in conversation.splitlines())


def test_a_rewrite_that_loses_the_referent_still_finds_its_passages(tmp_path: Path) -> None:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "rjabkov.txt").write_text(
        "Rjabkov verklaarde woensdag dat Rusland geen informatie meer deelt over raketproeven.\n",
        encoding="utf-8",
    )
    for n, place in enumerate(["Brussel", "Vilnius", "Warschau", "Den Haag", "Riga"]):
        (corpus / f"other{n}.txt").write_text(
            f"Er werd toen in {place} gezegd dat de oefening drie dagen duurde.\n", encoding="utf-8"
        )

    def lossy(request: GenerationRequest) -> str:
        if request.task == "condense":
            return json.dumps({"question": "Wat werd er toen gezegd?"})  # Rjabkov is gone
        return cite_first_passage(request)

    assistant = make_test_assistant(tmp_path / "data", lossy, corpus_dir=corpus, top_k=2)
    history = [
        Turn(role="user", content="Wat verklaarde Rjabkov over de informatie aan de VS?"),
        Turn(role="assistant", content="Dat Rusland geen informatie meer deelt [1]."),
    ]
    answer = assistant.answer("En wat zei hij daarna?", history)
    assert answer.standalone_question == "Wat werd er toen gezegd?"

    def rank(hits: list[Hit]) -> int:
        return next(h.rank for h in hits if "Rjabkov" in h.chunk.text)

    alone = assistant.retriever.search("Wat werd er toen gezegd?", k=len(assistant.index.chunks))
    assert rank(list(answer.hits)) < rank(alone) == len(alone)  # last on its own, ahead with context
