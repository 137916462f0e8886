"""Every offline backend passes the Generator contract (llama.cpp: tests/e2e/test_llama_real.py)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import httpx
import jsonschema
import ollama
import pytest

from rag.generators import ExtractiveGenerator, GenerationRequest, Generator, Passage, ScriptedGenerator
from rag.generators.ollama import OllamaGenerator
from tests.generators import contract
from tests.generators.fake_ollama import FakeOllama


def _answer_from(passages: Sequence[Passage]) -> str:
    """What a well-behaved model writes: the last passage's first sentence, citing it."""
    last = passages[-1]
    sentence = last.text.split(". ")[0].rstrip(".") + "."
    return json.dumps({"answerable": True, "sentences": [{"text": sentence, "sources": [last.n]}]})


def _scripted_model(request: GenerationRequest) -> str:
    return _answer_from(request.passages) if request.schema_ else "Als antwoord op Britse munitie [1]."


def _ollama_reply(body: dict[str, Any]) -> str:
    # Like a real server with `format`: JSON when a schema is sent, prose otherwise.
    return _answer_from(contract.PASSAGES) if body.get("format") else "Als antwoord op Britse munitie [1]."


def _ollama_with(fake: FakeOllama) -> Generator:
    client = ollama.Client(host="http://fake-ollama:11434", transport=httpx.MockTransport(fake.handler))
    return OllamaGenerator("http://fake-ollama:11434", "qwen2.5:1.5b-instruct", timeout_s=5, client=client)


def _ollama() -> Generator:
    return _ollama_with(FakeOllama(_ollama_reply))


BACKENDS: dict[str, Callable[[], Generator]] = {
    "scripted": lambda: ScriptedGenerator(_scripted_model),
    "extractive": lambda: ExtractiveGenerator(),
    "ollama": _ollama,
}


@pytest.fixture(params=sorted(BACKENDS))
def generator(request: pytest.FixtureRequest) -> Generator:
    return BACKENDS[request.param]()


def test_streams_str_pieces(generator: Generator) -> None:
    contract.check_streams_text(generator, contract.answer_request(schema=False))


def test_schema_output_parses_and_matches(generator: Generator) -> None:
    parsed = contract.check_schema_output(generator, contract.answer_request())
    assert parsed["answerable"] is True
    assert all(set(s["sources"]) <= {1, 2} for s in parsed["sentences"])


def test_the_schema_check_rejects_a_citation_of_a_passage_that_was_not_given() -> None:
    wrong = json.dumps({"answerable": True, "sentences": [{"text": "Iets.", "sources": [3]}]})
    with pytest.raises(jsonschema.ValidationError):
        contract.check_schema_output(ScriptedGenerator([wrong]), contract.answer_request())


def test_ollama_sends_the_answer_schema_to_the_server() -> None:
    fake = FakeOllama(_ollama_reply)
    contract.check_schema_output(_ollama_with(fake), contract.answer_request())
    assert fake.requests[-1]["format"] == contract.ANSWER_SCHEMA


def test_count_tokens_grows_with_text(generator: Generator) -> None:
    contract.check_count_tokens(generator)


def test_identity(generator: Generator) -> None:
    contract.check_identity(generator)
