"""LlamaCppGenerator without the real model: errors, arguments, the repetition guard.
The real model runs in tests/e2e/test_llama_real.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rag.errors import GenerationError, ModelMissingError
from rag.generators import llama_cpp as module
from rag.generators.llama_cpp import LlamaCppGenerator, RepetitionGuard
from tests.generators.contract import ANSWER_SCHEMA, answer_request


class _FakeLlama:
    """Stands in for llama_cpp.Llama: streams the given deltas, records the call."""

    def __init__(self, deltas: list[str], error: Exception | None = None) -> None:
        self.deltas = deltas
        self.error = error
        self.calls: list[dict[str, Any]] = []
        self.closed = False

    def create_chat_completion(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        self.calls.append(kwargs)
        if self.error:
            raise self.error
        return self._chunks()

    def _chunks(self) -> Iterator[dict[str, Any]]:
        try:
            yield {"choices": [{"delta": {"role": "assistant"}, "finish_reason": None}]}
            for delta in self.deltas:
                yield {"choices": [{"delta": {"content": delta}, "finish_reason": None}]}
            yield {"choices": [{"delta": {}, "finish_reason": "stop"}]}
        finally:
            self.closed = True


@pytest.fixture
def gguf(tmp_path: Path) -> Path:
    path = tmp_path / "model.gguf"
    path.write_bytes(b"GGUF")
    return path


def _with_fake(gguf: Path, fake: _FakeLlama) -> LlamaCppGenerator:
    generator = LlamaCppGenerator(gguf, n_ctx=2048, threads=1, seed=7)
    generator._llm = fake  # skip loading weights
    return generator


def test_missing_file_names_rag_setup(tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError, match="rag setup"):
        LlamaCppGenerator(tmp_path / "absent.gguf", n_ctx=2048, threads=1)


def test_missing_package_names_pip_install(gguf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelMissingError, match=r"pip install llama-cpp-python==0\.3\.36"):
        LlamaCppGenerator(gguf, n_ctx=2048, threads=1)


def test_streams_deltas_with_schema_grammar_and_mild_penalty(gguf: Path) -> None:
    fake = _FakeLlama(['{"answerable"', ": false", ', "sentences": []}'])
    generator = _with_fake(gguf, fake)
    text = "".join(generator.stream(answer_request(max_tokens=99)))
    assert text == '{"answerable": false, "sentences": []}'
    call = fake.calls[0]
    assert call["response_format"] == {"type": "json_object", "schema": ANSWER_SCHEMA}
    assert (call["max_tokens"], call["temperature"], call["seed"], call["stream"]) == (99, 0.0, 7, True)
    assert 1.0 < call["repeat_penalty"] <= 1.2
    assert call["messages"][0]["role"] == "system"
    assert generator.last_finish_reason == "stop"


def test_no_response_format_without_schema(gguf: Path) -> None:
    fake = _FakeLlama(["hallo"])
    list(_with_fake(gguf, fake).stream(answer_request(schema=False)))
    assert "response_format" not in fake.calls[0]


def test_loop_is_cut_short(gguf: Path) -> None:
    fake = _FakeLlama(['{"sentences": [{"text": "De Navo'] + [" zegt dat de Navo"] * 200)
    generator = _with_fake(gguf, fake)
    text = "".join(generator.stream(answer_request()))
    assert text.count(" zegt dat de Navo") < 10
    assert generator.last_finish_reason == "repetition"
    assert fake.closed


def test_max_chars_cap(gguf: Path) -> None:
    fake = _FakeLlama([f"woord{i} " for i in range(1000)])
    generator = _with_fake(gguf, fake)
    text = "".join(generator.stream(answer_request(max_tokens=16)))
    assert 16 * 16 <= len(text) < 16 * 16 + 10
    assert generator.last_finish_reason == "length"


def test_llama_errors_become_generation_errors_naming_the_fix(gguf: Path) -> None:
    fake = _FakeLlama([], error=ValueError("Requested tokens (5000) exceed context window of 2048"))
    with pytest.raises(GenerationError, match="RAG_N_CTX"):
        list(_with_fake(gguf, fake).stream(answer_request()))


def test_lock_is_released_when_the_consumer_stops_early(gguf: Path) -> None:
    fake = _FakeLlama(["a", "b", "c"])
    generator = _with_fake(gguf, fake)
    stream = generator.stream(answer_request())
    assert next(stream) == "a"
    stream.close()
    assert fake.closed
    assert "".join(generator.stream(answer_request())) == "abc"


@pytest.mark.parametrize(
    "text",
    [
        "Rusland plaatst tactische kernwapens in Belarus, zei Poetin zaterdag op de staatstelevisie. " * 1,
        "Het is heel heel heel erg belangrijk.",
        '{"answerable": true, "sentences": [{"text": "a", "sources": [1]}, {"text": "b", "sources": [2]}]}',
        "1. Eerst. 2. Dan. 3. Daarna. 4. Tot slot.",
        "=" * 40,
    ],
)
def test_guard_lets_normal_text_through(text: str) -> None:
    guard = RepetitionGuard()
    assert not any(guard.feed(ch) for ch in text)


@pytest.mark.parametrize("unit", [" ", "ha", "de Navo ", "en toen zei hij dat het zo was, "])
def test_guard_stops_repeated_spans(unit: str) -> None:
    guard = RepetitionGuard()
    fed = 0
    for ch in "Begin. " + unit * 100:
        fed += 1
        if guard.feed(ch):
            break
    else:
        pytest.fail(f"{unit!r} repeated 100 times was not stopped")
    assert fed <= 7 + max(64, 3 * len(unit)) + len(unit)


class _State:
    def __init__(self, ids: list[int]) -> None:
        self.input_ids = np.array(ids + [0] * 8, dtype=np.intc)
        self.n_tokens = len(ids)
        self.scores = np.ones((len(ids), 5), dtype=np.single)


class _CachingLlama(_FakeLlama):
    """Also keeps a token state, as the real Llama does, so prefix snapshots can be checked."""

    def __init__(self) -> None:
        super().__init__(["ok"])
        self.input_ids = np.zeros(32, dtype=np.intc)
        self.n_tokens = 0
        self.loaded: list[_State] = []

    def prompt(self, ids: list[int]) -> None:
        self.input_ids[: len(ids)] = ids
        self.n_tokens = len(ids)

    def save_state(self) -> _State:
        return _State([int(t) for t in self.input_ids[: self.n_tokens]])

    def load_state(self, state: _State) -> None:
        self.loaded.append(state)
        self.prompt([int(t) for t in state.input_ids[: state.n_tokens]])


def test_system_prompt_state_comes_back_after_a_side_task(gguf: Path) -> None:
    fake = _CachingLlama()
    generator = _with_fake(gguf, fake)
    fake.prompt([1, 2, 3, 4, 5, 6, 7, 8, 9])  # what the warm-up evaluated: system + header
    generator._save_prefix(fake)
    assert generator._prefix_state.scores.shape == (1, 5)  # logits of the prefix are not kept
    list(generator.stream(answer_request()))
    assert fake.loaded == []  # the cache still starts with the system prompt: nothing to do
    fake.prompt([42, 43, 44])  # a translation replaced it
    list(generator.stream(answer_request()))
    assert len(fake.loaded) == 1
    assert list(fake.input_ids[:5]) == [1, 2, 3, 4, 5]
