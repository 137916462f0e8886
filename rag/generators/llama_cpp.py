"""LlamaCppGenerator: a GGUF model run in-process by llama-cpp-python (the default backend).

One `Llama` object is loaded on first use and kept: llama-cpp-python then reuses the KV cache
for the longest common token prefix of consecutive prompts, so with the fixed system prompt
first, a new question only pays for its own tokens. A lock serialises generation because that
one model (and its cache) can serve one request at a time.

Small models sometimes loop (the same few words, or whitespace inside a JSON string, until
max_tokens). A mild repeat penalty makes that rarer and a repetition guard on the streamed text
stops it early; the caller then sees truncated JSON, which rag/answering/output.py closes and reads
(the sentences written before the loop are kept and checked like any others).

The JSON schema's grammar asks about the likely tokens first (grammar_sampler.py): the same
answers, a third faster.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from rag.errors import GenerationError, ModelMissingError
from rag.generators.base import GenerationRequest, Message
from rag.generators.grammar_sampler import prefiltered_llama

log = logging.getLogger(__name__)

INSTALL_HINT = ".venv/bin/pip install llama-cpp-python==0.3.36"


class RepetitionGuard:
    """Spots a streamed text whose tail is one span repeated: `feed` returns True to stop.

    A span of p characters must repeat max(min_repeats, ceil(min_run / p)) times in a row, so a
    single repeated character needs a run of `min_run`, and a phrase of 22+ characters three
    exact repeats; legitimate prose almost never does either.
    """

    def __init__(self, *, max_period: int = 300, min_repeats: int = 3, min_run: int = 64) -> None:
        self._max_period = max_period
        self._min_repeats = min_repeats
        self._min_run = min_run
        self._window = max_period * min_repeats
        self._tail = ""

    def _repeats(self, period: int) -> int:
        return max(self._min_repeats, math.ceil(self._min_run / period))

    def feed(self, delta: str) -> bool:
        self._tail = (self._tail + delta)[-self._window :]
        tail = self._tail
        for period in range(1, self._max_period + 1):
            need = period * self._repeats(period)
            if need > len(tail):
                if period * self._min_repeats > len(tail):
                    return False
                continue
            if tail[-need:] == tail[-period:] * (need // period):
                return True
        return False


def require_llama_cpp() -> None:
    if importlib.util.find_spec("llama_cpp") is None:
        raise ModelMissingError(
            f"the llama-cpp backend needs llama-cpp-python; install it with '{INSTALL_HINT}' "
            "(or set RAG_GENERATOR=extractive to answer without a model)"
        )


# Tokens after the system message in the warm-up prompt: "<|im_start|>assistant\n" and the one
# generated token; a later prompt goes on with "<|im_start|>user" instead.
PREFIX_TAIL = 4


class LlamaCppGenerator:
    def __init__(
        self,
        model_path: Path,
        *,
        n_ctx: int,
        threads: int,
        seed: int = 0,
        repeat_penalty: float = 1.1,
        chars_per_token_cap: int = 16,
        damaged_fix: str = "the file may be incomplete: run 'rag setup --verify', then 'rag setup'",
    ) -> None:
        require_llama_cpp()
        if not Path(model_path).is_file():
            raise ModelMissingError(f"LLM model file {model_path} not found; run 'rag setup'")
        self._path = Path(model_path)
        self._n_ctx = n_ctx
        self._threads = threads
        self._seed = seed
        self._repeat_penalty = repeat_penalty
        self._chars_per_token_cap = chars_per_token_cap
        self._damaged_fix = damaged_fix  # the user's own file needs other advice than a built-in
        self._llm: Any = None
        self._vocab: Any = None
        self._lock = threading.Lock()  # one generation at a time on the one model
        self._load_lock = threading.Lock()
        self.last_finish_reason: str | None = None  # "stop", "length" or "repetition"
        self._prefix_state: Any = None
        self._prefix_ids: tuple[int, ...] = ()

    @property
    def name(self) -> str:
        return "llama-cpp"

    @property
    def model(self) -> str:
        name = self._tokenizer().metadata.get("general.name")
        return str(name) if name else self._path.name

    @property
    def context_size(self) -> int:
        return self._n_ctx

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer().tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        llm = self._model()
        with self._lock:
            if request.task == "answer":
                self._restore_prefix(llm)
            try:
                chunks = llm.create_chat_completion(**self._completion_args(request))
                try:
                    yield from self._guarded(chunks, request.max_tokens)
                finally:
                    chunks.close()
            except (ValueError, RuntimeError) as exc:
                raise GenerationError(
                    f"llama.cpp failed to generate: {exc}; if the prompt is too long raise RAG_N_CTX "
                    f"(now {self._n_ctx}) or lower RAG_TOP_K"
                ) from exc

    def warmup(self, prefix: Sequence[Message]) -> None:
        """Evaluate a fixed prompt prefix (e.g. the system message) so the first question reuses it."""
        llm = self._model()
        with self._lock:
            messages = [m.model_dump() for m in prefix]
            llm.create_chat_completion(messages=messages, max_tokens=1, seed=self._seed)
            self._save_prefix(llm)

    # The KV cache holds the last prompt only. A side task (rewriting a follow-up, translating)
    # replaces the fixed system prompt there, and the next answer would pay ~8 s to read it
    # again; a snapshot of the state after warm-up brings it back in milliseconds.
    def _save_prefix(self, llm: Any) -> None:
        state = llm.save_state()
        # The state carries every prompt token's logits (~0.6 MB each); only the KV cache is
        # needed, since restored tokens are never sampled from (llama.cpp re-evaluates the last).
        state.scores = state.scores[-1:].copy()
        self._prefix_state = state
        # The system message's tokens, without the assistant header the warm-up added.
        self._prefix_ids = tuple(int(t) for t in state.input_ids[: max(0, state.n_tokens - PREFIX_TAIL)])

    def _restore_prefix(self, llm: Any) -> None:
        if self._prefix_state is None or not self._prefix_ids:
            return
        current = tuple(int(t) for t in llm.input_ids[: min(llm.n_tokens, len(self._prefix_ids))])
        if current != self._prefix_ids:
            llm.load_state(self._prefix_state)

    def _completion_args(self, request: GenerationRequest) -> dict[str, Any]:
        args: dict[str, Any] = {
            "messages": [m.model_dump() for m in request.messages],
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "repeat_penalty": self._repeat_penalty,
            "seed": self._seed,
            "stream": True,
        }
        if request.schema_ is not None:
            args["response_format"] = {"type": "json_object", "schema": request.schema_}
        return args

    def _guarded(self, chunks: Iterator[dict[str, Any]], max_tokens: int) -> Iterator[str]:
        guard = RepetitionGuard()
        max_chars = max_tokens * self._chars_per_token_cap
        produced = 0
        self.last_finish_reason = None
        for chunk in chunks:
            choice = chunk["choices"][0]
            delta = choice.get("delta", {}).get("content")
            if choice.get("finish_reason"):
                self.last_finish_reason = choice["finish_reason"]
            if not delta:
                continue
            yield delta
            produced += len(delta)
            if guard.feed(delta) or produced >= max_chars:
                self.last_finish_reason = "repetition" if produced < max_chars else "length"
                log.warning("llama.cpp stopped early (%s) after %d chars", self.last_finish_reason, produced)
                return

    def _model(self) -> Any:
        with self._load_lock:
            if self._llm is None:
                # No llama_cpp.LlamaRAMCache: its saved states copy the logits of every prompt
                # token (~0.6 GB each) outside its own size accounting, and an eval run grew to
                # 16 GB. The plain prefix reuse of the last prompt is what we rely on.
                self._llm = self._load(vocab_only=False)
                self._vocab = None  # the full model tokenizes too
            return self._llm

    def _tokenizer(self) -> Any:
        with self._load_lock:
            if self._llm is not None:
                return self._llm
            if self._vocab is None:
                self._vocab = self._load(vocab_only=True)
            return self._vocab

    def _load(self, *, vocab_only: bool) -> Any:
        import llama_cpp
        from llama_cpp._utils import suppress_stdout_stderr

        # A vocab-only load makes llama.cpp print a spurious context-overflow warning (the model's
        # training context reads as 0 without weights); silence it, and only it.
        quiet = suppress_stdout_stderr(disable=not vocab_only)
        try:
            with quiet:
                return prefiltered_llama(llama_cpp)(
                    model_path=str(self._path),
                    n_ctx=self._n_ctx,
                    n_threads=self._threads,
                    n_threads_batch=self._threads,
                    seed=self._seed,
                    vocab_only=vocab_only,
                    verbose=False,
                )
        except (ValueError, RuntimeError) as exc:
            raise ModelMissingError(
                f"cannot load the GGUF model {self._path}: {exc}; {self._damaged_fix}"
            ) from exc
