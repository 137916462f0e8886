"""The real GGUF (Qwen2.5-Coder-1.5B-Instruct Q4_K_M) through LlamaCppGenerator, 1 thread.

Fails (does not skip) when the model or llama-cpp-python is missing: run 'rag setup' and
'.venv/bin/pip install llama-cpp-python==0.3.36'. Time to first token is printed (run with -s),
never asserted.
"""

from __future__ import annotations

import importlib.util
import json
import time
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from rag.config import DEFAULT_LLM_MODEL, Settings
from rag.generators import GenerationRequest, Message
from rag.generators.llama_cpp import LlamaCppGenerator
from rag.models.registry import BUILTIN_LLM
from tests.generators import contract

pytestmark = pytest.mark.e2e

MODEL_PATH: Path = Settings(_env_file=None).models_dir / BUILTIN_LLM[DEFAULT_LLM_MODEL]  # type: ignore[call-arg]


@pytest.fixture(scope="module")
def llama() -> Iterator[LlamaCppGenerator]:
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.fail("llama-cpp-python is not installed; run '.venv/bin/pip install llama-cpp-python==0.3.36'")
    if not MODEL_PATH.is_file():
        pytest.fail(f"{MODEL_PATH} is missing; run 'rag setup' to assemble the LLM")
    yield LlamaCppGenerator(MODEL_PATH, n_ctx=2048, threads=1)


def _timed(generator: LlamaCppGenerator, request: GenerationRequest) -> tuple[str, float, float]:
    """(text, seconds to first piece, seconds in total)."""
    start = time.perf_counter()
    first: float | None = None
    pieces = []
    for piece in generator.stream(request):
        first = first if first is not None else time.perf_counter() - start
        pieces.append(piece)
    assert first is not None, "no output"
    return "".join(pieces), first, time.perf_counter() - start


def test_identity_and_tokenizer(llama: LlamaCppGenerator) -> None:
    contract.check_identity(llama)
    contract.check_count_tokens(llama)
    assert llama.model == "Qwen2.5 Coder 1.5B Instruct GGUF"
    assert llama.count_tokens("<|im_start|>") == 1  # special tokens count as one


def test_plain_stream(llama: LlamaCppGenerator) -> None:
    # Also loads the weights, so the timings below measure prefill, not loading.
    request = GenerationRequest(
        messages=(Message(role="user", content="Zeg alleen: hallo."),), max_tokens=8, temperature=0.0
    )
    assert contract.check_streams_text(llama, request)


def test_schema_answer_then_follow_up_reuses_prefix(llama: LlamaCppGenerator) -> None:
    request = contract.answer_request()
    text, ttft_1, total_1 = _timed(llama, request)
    answer = json.loads(text, strict=False)
    jsonschema.validate(answer, contract.ANSWER_SCHEMA)
    cited = {n for s in answer["sentences"] for n in s["sources"]}
    assert cited <= {1, 2}, f"cites passages that were not given: {text}"
    assert answer["answerable"] is True and 1 in cited, f"expected an answer citing [1]: {text}"

    follow_up = contract.answer_request("Hoe reageerde de Navo?")
    text_2, ttft_2, total_2 = _timed(llama, follow_up)
    answer_2 = json.loads(text_2, strict=False)
    jsonschema.validate(answer_2, contract.ANSWER_SCHEMA)
    assert {n for s in answer_2["sentences"] for n in s["sources"]} <= {1, 2}
    prompt_tokens = llama.count_tokens(request.messages[0].content + request.messages[1].content)
    print(
        f"\n[llama e2e] prompt ~{prompt_tokens} tokens; first: TTFT {ttft_1:.2f}s total {total_1:.2f}s; "
        f"same prefix: TTFT {ttft_2:.2f}s total {total_2:.2f}s\n  1: {text}\n  2: {text_2}"
    )


def test_system_prompt_state_is_restored_after_a_side_task(
    llama: LlamaCppGenerator, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rag.answering.prompt import SYSTEM_PROMPT

    system = Message(role="system", content=SYSTEM_PROMPT)
    llama.warmup((system,))
    prefix = llama._prefix_ids
    assert len(prefix) > 100  # the system prompt's tokens
    side = GenerationRequest(
        task="translate",
        messages=(
            Message(role="system", content="Translate into English."),
            Message(role="user", content="Goedemorgen"),
        ),
        max_tokens=8,
        temperature=0.0,
    )
    "".join(llama.stream(side))
    llm = llama._llm
    assert tuple(int(t) for t in llm.input_ids[: len(prefix)]) != prefix  # the side task replaced it
    restored: list[object] = []
    load = llm.load_state
    monkeypatch.setattr(llm, "load_state", lambda state: (restored.append(state), load(state))[1])
    question = Message(
        role="user", content="Passages:\n\n[1] (T)\nDe oefening duurt drie dagen.\n\nQuestion: Hoe lang?"
    )
    answer = GenerationRequest(task="answer", messages=(system, question), max_tokens=8, temperature=0.0)
    assert "".join(llama.stream(answer))  # restoring the snapshot leaves a working model
    assert len(restored) == 1
    assert tuple(int(t) for t in llm.input_ids[: len(prefix)]) == prefix


def test_the_prefiltered_grammar_writes_what_the_plain_grammar_writes() -> None:
    """The same prompts and schema through llama-cpp-python's own grammar sampler and through
    PrefilteredGrammar: the same text, token for token; a grammar that forces words the model
    does not expect still holds (the whole vocabulary is judged then)."""
    import llama_cpp

    from rag.generators.grammar_sampler import prefiltered_llama

    def load(cls: type) -> llama_cpp.Llama:
        return cls(
            model_path=str(MODEL_PATH), n_ctx=2048, n_threads=1, n_threads_batch=1, seed=0, verbose=False
        )

    def run(llm: llama_cpp.Llama, request: GenerationRequest, schema: dict[str, object]) -> str:
        reply = llm.create_chat_completion(
            messages=[m.model_dump() for m in request.messages], max_tokens=60, temperature=0.1,
            repeat_penalty=1.1, seed=0, response_format={"type": "json_object", "schema": schema},
        )  # fmt: skip
        return str(reply["choices"][0]["message"]["content"])

    plain, fast = load(llama_cpp.Llama), load(prefiltered_llama(llama_cpp))
    for question in ("Wat kondigde Poetin aan?", "How did NATO respond?"):
        request = contract.answer_request(question)
        assert run(fast, request, contract.ANSWER_SCHEMA) == run(plain, request, contract.ANSWER_SCHEMA)
        assert fast.last_grammar is not None and fast.last_grammar.steps > 10
    odd = {"type": "object", "properties": {"word": {"const": "zqxjvwk"}}, "required": ["word"]}
    text = run(fast, contract.answer_request(), odd)
    assert json.loads(text) == {"word": "zqxjvwk"}
    assert fast.last_grammar is not None and fast.last_grammar.full_checks > 0
