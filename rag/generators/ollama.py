"""OllamaGenerator: a model served by an Ollama server (local or remote), via the `ollama` client.

The JSON schema goes in Ollama's `format` field, so the server constrains decoding to it.
Errors are mapped onto the project's tree: an unreachable or silent server and an unknown model
tag are BackendUnavailableError (the user must act), and so is a reply cut off before its
last ("done") line: the pieces already streamed are never read as a complete answer. Anything
else the server reports is a GenerationError.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import httpx
import ollama

from rag.errors import BackendUnavailableError, GenerationError
from rag.generators.base import GenerationRequest

# No tokenizer is available client-side. Dutch and English run at ~3.5-4.5 characters per token
# for Qwen/Llama tokenizers; dividing by 3.2 over-counts a little, so the context-budget guard
# errs on the side of leaving room.
CHARS_PER_TOKEN = 3.2


class OllamaGenerator:
    def __init__(
        self,
        host: str,
        model: str,
        *,
        timeout_s: float,
        n_ctx: int = 4096,
        client: ollama.Client | None = None,
    ) -> None:
        self._host = host
        self._model = model
        self._timeout_s = timeout_s
        self._n_ctx = n_ctx
        self._client = client if client is not None else ollama.Client(host=host, timeout=timeout_s)

    @property
    def name(self) -> str:
        return "ollama"

    @property
    def model(self) -> str:
        return self._model

    @property
    def context_size(self) -> int:
        return self._n_ctx

    def count_tokens(self, text: str) -> int:
        """A conservative estimate (characters / 3.2): Ollama exposes no tokenizer endpoint."""
        return math.ceil(len(text) / CHARS_PER_TOKEN)

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        started = False  # a reply began: a broken connection now cuts an answer short
        try:
            parts = self._client.chat(
                model=self._model,
                messages=[m.model_dump() for m in request.messages],
                stream=True,
                format=request.schema_ or None,
                options=self._options(request),
            )
            for part in parts:
                started = True
                if part.message.content:
                    yield part.message.content
                if part.done:
                    return
        except ollama.ResponseError as exc:
            raise self._response_error(exc) from exc
        except httpx.TimeoutException as exc:
            raise BackendUnavailableError(
                f"Ollama at {self._host} did not answer within {self._timeout_s:g} s; check that it is "
                "running ('ollama serve') or raise RAG_OLLAMA_TIMEOUT_S"
            ) from exc
        except (httpx.TransportError, ConnectionError) as exc:
            raise BackendUnavailableError(self._cut(exc) if started else self._unreachable()) from exc
        # The last line of a complete reply says "done"; without it the answer is cut short.
        raise BackendUnavailableError(self._cut(None))

    def _options(self, request: GenerationRequest) -> dict[str, Any]:
        return {"temperature": request.temperature, "num_predict": request.max_tokens, "num_ctx": self._n_ctx}

    def _unreachable(self) -> str:
        return f"Ollama at {self._host} is not reachable; start it with 'ollama serve' or set RAG_OLLAMA_HOST"

    def _cut(self, exc: Exception | None) -> str:
        why = f" ({exc})" if exc is not None and str(exc) else ""
        return (
            f"Ollama at {self._host} stopped in the middle of the answer{why}; check that it is still "
            "running ('ollama serve', and its log), then ask again"
        )

    def _response_error(self, exc: ollama.ResponseError) -> Exception:
        if exc.status_code == 404:
            return BackendUnavailableError(
                f"Ollama at {self._host} has no model {self._model!r} ({exc.error}); "
                f"run 'ollama pull {self._model}' or set RAG_OLLAMA_MODEL"
            )
        if exc.status_code in (502, 503, 504):
            return BackendUnavailableError(self._unreachable() + f" (HTTP {exc.status_code}: {exc.error})")
        return GenerationError(
            f"Ollama at {self._host} failed to generate with {self._model!r}: {exc.error} "
            f"(status {exc.status_code}); check the server log or try another RAG_OLLAMA_MODEL"
        )
