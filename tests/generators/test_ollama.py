"""OllamaGenerator against a fake Ollama: an httpx.MockTransport and a real local HTTP server."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import ollama
import pytest

from rag.errors import BackendUnavailableError, GenerationError
from rag.generators.ollama import OllamaGenerator
from tests.generators.contract import ANSWER_SCHEMA, answer_request
from tests.generators.fake_ollama import FakeOllama, closed_port_url

HOST = "http://fake-ollama:11434"
MODEL = "qwen2.5:1.5b-instruct"


def _generator(handler: Callable[[httpx.Request], httpx.Response], model: str = MODEL) -> OllamaGenerator:
    client = ollama.Client(host=HOST, transport=httpx.MockTransport(handler))
    return OllamaGenerator(HOST, model, timeout_s=7, n_ctx=2048, client=client)


def test_streams_pieces_in_order() -> None:
    fake = FakeOllama("Rusland plaatst kernwapens in Belarus.", chunk_size=5)
    pieces = list(_generator(fake.handler).stream(answer_request(schema=False)))
    assert pieces[:2] == ["Rusla", "nd pl"]
    assert "".join(pieces) == "Rusland plaatst kernwapens in Belarus."


def test_request_carries_model_messages_schema_and_options() -> None:
    fake = FakeOllama(json.dumps({"answerable": False, "sentences": []}))
    request = answer_request(max_tokens=123)
    list(_generator(fake.handler).stream(request))
    body = fake.requests[0]
    assert body["model"] == MODEL
    assert body["stream"] is True
    assert body["format"] == ANSWER_SCHEMA
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert body["messages"][1]["content"] == request.messages[1].content
    assert body["options"] == {"temperature": 0.0, "num_predict": 123, "num_ctx": 2048}


def test_no_format_without_schema() -> None:
    fake = FakeOllama()
    list(_generator(fake.handler).stream(answer_request(schema=False)))
    assert "format" not in fake.requests[0]


def test_unknown_model_names_ollama_pull() -> None:
    fake = FakeOllama()
    with pytest.raises(BackendUnavailableError, match=r"ollama pull llama9:70b"):
        list(_generator(fake.handler, model="llama9:70b").stream(answer_request()))


def test_server_error_is_generation_error_with_its_message() -> None:
    fake = FakeOllama(status=500, error="llama runner process has terminated")
    with pytest.raises(GenerationError, match="llama runner process has terminated"):
        list(_generator(fake.handler).stream(answer_request()))


def test_overloaded_server_is_unavailable() -> None:
    fake = FakeOllama(status=503, error="server busy, please try again")
    with pytest.raises(BackendUnavailableError, match="ollama serve"):
        list(_generator(fake.handler).stream(answer_request()))


def test_error_inside_stream_after_some_pieces() -> None:
    fake = FakeOllama("abcdefghijkl", chunk_size=4, error_after_pieces=2)
    received: list[str] = []
    with pytest.raises(GenerationError, match="error was encountered while running the model"):
        for piece in _generator(fake.handler).stream(answer_request()):
            received.append(piece)
    assert received == ["abcd", "efgh"]


def _raising(exc: Exception) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler


def test_connection_refused_names_ollama_serve_and_host_setting() -> None:
    generator = _generator(_raising(httpx.ConnectError("connection refused")))
    with pytest.raises(BackendUnavailableError, match=r"fake-ollama:11434 is not reachable.*RAG_OLLAMA_HOST"):
        list(generator.stream(answer_request()))


def test_timeout_names_timeout_setting() -> None:
    generator = _generator(_raising(httpx.ReadTimeout("timed out")))
    with pytest.raises(BackendUnavailableError, match=r"within 7 s.*RAG_OLLAMA_TIMEOUT_S"):
        list(generator.stream(answer_request()))


def test_count_tokens_is_a_conservative_char_estimate() -> None:
    generator = _generator(FakeOllama().handler)
    assert generator.count_tokens("x" * 32) == 10
    assert generator.count_tokens("x" * 33) == 11
    assert generator.context_size == 2048
    assert generator.model == MODEL


# --- a real HTTP server on 127.0.0.1 --------------------------------------------------------


def test_real_server_streams_json_answer() -> None:
    answer = {"answerable": True, "sentences": [{"text": "Als antwoord op Britse munitie.", "sources": [1]}]}
    fake = FakeOllama(json.dumps(answer), chunk_size=6)
    with fake.serve() as url:
        generator = OllamaGenerator(url, MODEL, timeout_s=10)
        pieces = list(generator.stream(answer_request()))
    assert len(pieces) > 5
    assert json.loads("".join(pieces)) == answer
    assert fake.requests[0]["format"] == ANSWER_SCHEMA


def test_real_server_unknown_model() -> None:
    fake = FakeOllama()
    with fake.serve() as url, pytest.raises(BackendUnavailableError, match="ollama pull other:1b"):
        list(OllamaGenerator(url, "other:1b", timeout_s=10).stream(answer_request()))


def test_real_server_that_stalls_times_out() -> None:
    def slow(body: dict[str, Any]) -> str:
        time.sleep(1.5)
        return "te laat"

    with (
        FakeOllama(slow).serve() as url,
        pytest.raises(BackendUnavailableError, match="RAG_OLLAMA_TIMEOUT_S"),
    ):
        list(OllamaGenerator(url, MODEL, timeout_s=0.3).stream(answer_request()))


def test_server_down_is_backend_unavailable() -> None:
    url = closed_port_url()
    with pytest.raises(
        BackendUnavailableError, match=rf"Ollama at {url} is not reachable; start it with 'ollama serve'"
    ):
        list(OllamaGenerator(url, MODEL, timeout_s=5).stream(answer_request()))


def test_reply_cut_off_mid_body_is_unavailable_not_an_answer() -> None:
    fake = FakeOllama("abcdefghijkl", chunk_size=4, fault="cut", fault_after_pieces=2)
    received: list[str] = []
    with pytest.raises(BackendUnavailableError, match=r"stopped in the middle of the answer.*ollama serve"):
        for piece in _generator(fake.handler).stream(answer_request()):
            received.append(piece)
    assert received == ["abcd", "efgh"]


def test_reply_without_its_done_line_is_cut_short() -> None:
    fake = FakeOllama("abcdefghijkl", chunk_size=4, fault="no_done", fault_after_pieces=2)
    with pytest.raises(BackendUnavailableError, match="stopped in the middle of the answer"):
        list(_generator(fake.handler).stream(answer_request()))
