"""The verbatim source sentence under an answer: chosen by meaning and terms, never in another
language, never a repeat of what the answer already says, cited at its exact span."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from rag.answering.citations import render_answer
from rag.answering.quotes import candidate_sentences, choose_quotes, with_quotes
from rag.testing import make_test_assistant
from rag.text import TextAnalyser
from rag.types import AnswerSentence, Citation
from tests.answering.test_citations import planned

ANALYSER = TextAnalyser()

TEXTS = [
    "Het weer was grijs. Rusland heeft maximaal vijf dagen nodig om de Baltische staten te veroveren.",
    "De NAVO besloot in Wales tot de oprichting van de snelle VJTF-eenheid. 12 Ibid., p. 4 en verder.",
]
PASSAGES = [planned(i + 1, t) for i, t in enumerate(TEXTS)]


def _embedder(favourite: str, cosine: float = 0.8) -> tuple[object, object]:
    """Sentences containing `favourite` get `cosine` with the question, the others 0.2."""

    def sentences(texts: Sequence[str]) -> np.ndarray:
        return np.array([[cosine if favourite in t else 0.2, 0.0] for t in texts])

    return sentences, lambda text: np.array([1.0, 0.0])


def _choose(favourite: str, answer: str = "Iets anders.", cosine: float = 0.8, language: str = "nl") -> list:
    sentences, query = _embedder(favourite, cosine)
    return choose_quotes(
        "Hoeveel dagen heeft Rusland nodig?", language, PASSAGES, answer,
        embed_sentences=sentences, embed_query=query, analyser=ANALYSER,  # type: ignore[arg-type]
    )  # fmt: skip


def test_candidates_skip_short_pieces_and_footnotes_and_keep_offsets() -> None:
    found = candidate_sentences(PASSAGES)
    assert [q.text for q in found] == [
        "Rusland heeft maximaal vijf dagen nodig om de Baltische staten te veroveren.",
        "De NAVO besloot in Wales tot de oprichting van de snelle VJTF-eenheid.",
    ]
    first = found[0]
    assert TEXTS[0][first.start - 1000 : first.end - 1000] == first.text
    assert (found[0].n, found[1].n) == (1, 2)


def test_best_sentence_is_quoted() -> None:
    (quote,) = _choose("vijf dagen")
    assert quote.text.startswith("Rusland heeft maximaal vijf dagen") and quote.n == 1


def test_nothing_close_enough_means_no_quote() -> None:
    assert _choose("vijf dagen", cosine=0.4) == []


def test_no_quote_when_the_answer_already_says_it() -> None:
    answer = "Rusland heeft maximaal vijf dagen nodig om de Baltische staten te veroveren."
    assert _choose("vijf dagen", answer=answer) == []


def test_no_quote_in_another_language_than_the_answer() -> None:
    assert _choose("vijf dagen", language="en") == []


def test_a_second_quote_from_another_document_when_almost_as_good() -> None:
    sentences, query = _embedder("", 0.8)  # every sentence equally close
    quotes = choose_quotes(
        "Wat besloot de NAVO en hoeveel dagen heeft Rusland nodig?", "nl", PASSAGES, "Iets.",
        embed_sentences=sentences, embed_query=query, analyser=ANALYSER,  # type: ignore[arg-type]
    )  # fmt: skip
    assert sorted(q.n for q in quotes) == [1, 2]


def test_quote_gets_its_own_citation_and_line() -> None:
    (quote,) = _choose("vijf dagen")
    said = AnswerSentence(text="De NAVO besloot tot de VJTF.", sources=(2,))
    cite = Citation(n=2, chunk_id="d2:0000", doc_id="d2", title="T2", start=1000, end=1010, quote="x")
    sentences, citations = with_quotes([said], [cite], [quote], PASSAGES, "nl")
    assert [c.n for c in citations] == [1, 2]
    assert citations[0].quote == quote.text and citations[0].start == quote.start
    text = render_answer(sentences)
    assert text == f"De NAVO besloot tot de VJTF. [2]\n\n„{quote.text}” [1]"


def test_pipeline_adds_the_quote_and_a_setting_turns_it_off(tmp_path: Path) -> None:
    def vague(request: object) -> str:
        sentence = {"text": "Rusland heeft weinig tijd nodig.", "sources": [1]}
        return json.dumps({"answerable": True, "sentences": [sentence]})

    question = "Rusland heeft maximaal vijf dagen nodig om de Baltische staten te veroveren?"
    on = make_test_assistant(tmp_path / "on", vague)
    answer = on.answer(question)
    quoted = [s for s in answer.sentences if s.flag == "quote"]
    assert quoted, answer.text  # the hashing twin finds the sentence that repeats the question
    assert "vijf dagen" in quoted[0].text and "\n\n„" in answer.text
    cited = {c.n: c for c in answer.citations}[quoted[0].sources[0]]
    assert cited.quote in quoted[0].text
    off = make_test_assistant(tmp_path / "off", vague, quote_sources=False)
    assert all(s.flag != "quote" for s in off.answer(question).sentences)


REASON = planned(
    1,
    "Ondanks de dreigementen is de kans op nucleaire escalatie klein. "
    "Eerdere nederlagen in Kharkiv en Kherson leidden niet tot nucleair ingrijpen.\n\n"
    "Een nieuwe alinea over iets heel anders dan de vraag.",
)


def _choose_in(passages: list, question: str, answer: str = "Iets.", follower_cosine: float = 0.2) -> list:
    """The quote sentence ("kans") is close to the question; the one after it gets `follower_cosine`."""

    def sentences(texts: Sequence[str]) -> np.ndarray:
        return np.array([[0.8 if "kans" in t else follower_cosine, 0.0] for t in texts])

    return choose_quotes(
        question, "nl", passages, answer,
        embed_sentences=sentences, embed_query=lambda text: np.array([1.0, 0.0]), analyser=ANALYSER,
    )  # fmt: skip


def test_a_why_question_gets_the_sentence_after_the_match_in_the_same_quote() -> None:
    (quote,) = _choose_in([REASON], "Waarom is de kans op escalatie klein?")
    text = REASON.chunk.text
    assert quote.text == text[: text.index("ingrijpen.") + len("ingrijpen.")]
    assert text[quote.start - 1000 : quote.end - 1000] == quote.text  # one verbatim span
    assert "alinea" not in quote.text  # never across a paragraph break


def test_a_plain_question_gets_the_next_sentence_only_when_that_is_close_to_it() -> None:
    (alone,) = _choose_in([REASON], "Hoe groot is de kans op escalatie?")
    assert alone.text.endswith("klein.")
    (run_on,) = _choose_in([REASON], "Hoe groot is de kans op escalatie?", follower_cosine=0.7)
    assert run_on.text.endswith("ingrijpen.")


@pytest.mark.parametrize(
    "question",
    [
        "Hoe groot is de kans op escalatie, en waarom?",  # a second question
        "Hoe groot is de kans op escalatie? Wat leidde er niet toe?",  # two questions in a row
        "En hoe groot is de kans op escalatie?",  # a follow-up asking for the next piece
    ],
)
def test_a_question_that_asks_more_gets_the_next_sentence_however_far_it_is(question: str) -> None:
    (quote,) = _choose_in([REASON], question)  # the next sentence is far from the question
    assert quote.text.endswith("ingrijpen.")


def test_when_the_answer_already_says_the_match_only_the_next_sentence_is_quoted() -> None:
    answer = "Ondanks de dreigementen is de kans op nucleaire escalatie klein."
    (quote,) = _choose_in([REASON], "Waarom is de kans op escalatie klein?", answer=answer)
    assert quote.text.startswith("Eerdere nederlagen") and quote.text.endswith("ingrijpen.")
    assert _choose_in([REASON], "Hoe groot is de kans op escalatie?", answer=answer) == []


def test_no_run_on_into_a_footnote_or_past_the_chunk() -> None:
    (quote,) = _choose("vijf dagen")  # the last sentence of its chunk
    assert quote.text.endswith("veroveren.")
    footnoted = planned(1, "De kans op escalatie is klein volgens hen. 12 Ibid., p. 4 en verder en meer.")
    (quote,) = _choose_in([footnoted], "Waarom is de kans klein?")
    assert quote.text.endswith("hen.")
