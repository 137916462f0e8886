from __future__ import annotations

import json

import numpy as np
import pytest

from rag.errors import GenerationError
from rag.generators import ExtractiveGenerator, GenerationRequest, Passage
from rag.generators.extractive import term_keys
from tests.generators.contract import PASSAGES, answer_request


def _answer(question: str, passages: tuple[Passage, ...] = PASSAGES, **kwargs: object) -> dict[str, object]:
    generator = ExtractiveGenerator(**kwargs)  # type: ignore[arg-type]
    return json.loads(
        "".join(generator.stream(answer_request(question).model_copy(update={"passages": passages})))
    )


def test_picks_the_matching_sentence_verbatim_with_its_passage() -> None:
    answer = _answer("Waarom plaatst Rusland kernwapens in Belarus?")
    assert answer["answerable"] is True
    first = answer["sentences"][0]  # type: ignore[index]
    assert first == {
        "text": "Poetin kondigde aan dat Rusland tactische kernwapens in Belarus gaat plaatsen.",
        "sources": [1],
    }


def test_folds_case_and_accents() -> None:
    assert term_keys("OEKRAINE", "nl") == term_keys("Oekraïne", "nl")
    answer = _answer("Wat kreeg OEKRAINE met verarmd uranium?")
    assert any("Oekraïne" in s["text"] for s in answer["sentences"])  # type: ignore[union-attr]


def test_unrelated_question_is_not_answerable() -> None:
    assert _answer("Wat is de hoofdstad van Frankrijk?") == {"answerable": False, "sentences": []}


def test_prefers_other_passages_and_merges_duplicate_sentences() -> None:
    shared = "De Navo noemde de nucleaire retoriek van Rusland gevaarlijk en onverantwoord."
    passages = (
        *PASSAGES,
        Passage(n=3, chunk_id="nos:0003", title="Overlap", text=shared + " Verder niets over de Navo."),
    )
    answer = _answer("Hoe noemde de Navo de retoriek van Rusland?", passages)
    sentences = answer["sentences"]
    assert sentences[0] == {"text": shared, "sources": [2, 3]}  # type: ignore[index]
    assert len({s["text"] for s in sentences}) == len(sentences)  # type: ignore[union-attr]


def test_at_most_max_sentences() -> None:
    answer = _answer("Rusland Belarus kernwapens Navo sancties EU retoriek", max_sentences=2, min_score=0.01)
    assert 1 <= len(answer["sentences"]) <= 2  # type: ignore[arg-type]


class _OneHotEmbedder:
    """Maps the question onto the sentence mentioning 'uranium', whatever the words."""

    name = "one-hot"
    fingerprint = "one-hot"
    dim = 2

    def embed_query(self, text: str) -> np.ndarray:
        return np.array([1.0, 0.0], dtype=np.float32)

    def embed_documents(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        return np.array([[1.0, 0.0] if "uranium" in t else [0.0, 1.0] for t in texts], dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        return len(text.split())


def test_embedder_lets_an_english_question_find_dutch_sentences() -> None:
    question = "What did Britain send?"
    assert _answer(question)["answerable"] is False
    answer = _answer(question, embedder=_OneHotEmbedder())
    assert answer["sentences"][0]["sources"] == [1]  # type: ignore[index]
    assert "uranium" in answer["sentences"][0]["text"]  # type: ignore[index]
    assert ExtractiveGenerator(_OneHotEmbedder()).model == "lexical+one-hot"  # type: ignore[arg-type]


def test_condense_echoes_question() -> None:
    request = GenerationRequest(task="condense", messages=(), question="En Belarus?")
    assert "".join(ExtractiveGenerator().stream(request)) == "En Belarus?"


def test_judge_is_refused_with_the_fix() -> None:
    with pytest.raises(GenerationError, match="RAG_GENERATOR=llama-cpp"):
        list(ExtractiveGenerator().stream(GenerationRequest(task="judge", messages=())))


def test_no_passages_is_not_answerable() -> None:
    assert _answer("Waarom?", ()) == {"answerable": False, "sentences": []}
