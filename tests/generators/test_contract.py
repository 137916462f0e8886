"""Every offline backend passes the Generator contract (llama.cpp: tests/e2e/test_llama_real.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import ollama
import pytest

from rag.generators import ExtractiveGenerator, GenerationRequest, Generator, ScriptedGenerator
from rag.generators.ollama import OllamaGenerator
from tests.generators import contract
from tests.generators.fake_ollama import FakeOllama

SCRIPTED_ANSWER = {
    "answerable": True,
    "sentences": [{"text": "Als antwoord op Britse munitie.", "sources": [1]}],
}


def _scripted_model(request: GenerationRequest) -> str:
    return json.dumps(SCRIPTED_ANSWER) if request.schema_ else "Als antwoord op Britse munitie [1]."


def _ollama_reply(body: dict[str, Any]) -> str:
    # Like a real server with `format`: JSON when a schema is sent, prose otherwise.
    return json.dumps(SCRIPTED_ANSWER) if body.get("format") else "Als antwoord op Britse munitie [1]."


def _ollama() -> Generator:
    fake = FakeOllama(_ollama_reply)
    client = ollama.Client(host="http://fake-ollama:11434", transport=httpx.MockTransport(fake.handler))
    return OllamaGenerator("http://fake-ollama:11434", "qwen2.5:1.5b-instruct", timeout_s=5, client=client)


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


def test_count_tokens_grows_with_text(generator: Generator) -> None:
    contract.check_count_tokens(generator)


def test_identity(generator: Generator) -> None:
    contract.check_identity(generator)
