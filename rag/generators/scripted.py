"""ScriptedGenerator: the offline twin of an LLM backend, for tests.

It streams pre-written text in small pieces and records every request, so a test can script
exactly what "the model" says (including malformed JSON or an error) and then inspect the
prompt it was given.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence

from rag.errors import GenerationError
from rag.generators.base import GenerationRequest, estimate_tokens
from rag.generators.extractive import echo_question

Script = Sequence[str | BaseException] | Callable[[GenerationRequest], str]

_FIRST_SENTENCE = re.compile(r"^.+?[.!?](?=\s|$)", re.DOTALL)


class ScriptedGenerator:
    """Yields scripted responses in `chunk_size`-character pieces.

    `responses` is either a sequence consumed one item per request (an exception item is raised
    instead of streamed; running out raises GenerationError), or a callable computing the text
    from the request (it may raise too).
    """

    def __init__(
        self,
        responses: Script,
        *,
        chunk_size: int = 7,
        name: str = "scripted",
        model: str = "scripted",
        context_size: int = 4096,
    ) -> None:
        if chunk_size < 1:
            raise ValueError("chunk_size must be >= 1")
        self._responses = responses
        self._next = 0
        self._chunk_size = chunk_size
        self._name = name
        self._model = model
        self._context_size = context_size
        self.requests: list[GenerationRequest] = []

    @property
    def name(self) -> str:
        return self._name

    @property
    def model(self) -> str:
        return self._model

    @property
    def context_size(self) -> int:
        return self._context_size

    def count_tokens(self, text: str) -> int:
        """A stand-in tokenizer (see estimate_tokens)."""
        return estimate_tokens(text)

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        self.requests.append(request)
        text = self._response_for(request)
        for start in range(0, len(text), self._chunk_size):
            yield text[start : start + self._chunk_size]

    def _response_for(self, request: GenerationRequest) -> str:
        if callable(self._responses):
            return self._responses(request)
        if self._next >= len(self._responses):
            raise GenerationError(
                f"ScriptedGenerator ran out of responses after {self._next} request(s); "
                "give it more responses or a callable"
            )
        item = self._responses[self._next]
        self._next += 1
        if isinstance(item, BaseException):
            raise item
        return item


def default_script(request: GenerationRequest) -> str:
    """A deterministic stand-in model (RAG_GENERATOR=scripted): cites the first passage.

    condense -> the question unchanged (JSON when a schema is given); answer -> the first
    sentence of passage [1] in the answer schema shape, or answerable=false without passages.
    """
    if request.task == "condense":
        return echo_question(request)
    if not request.passages:
        return json.dumps({"answerable": False, "sentences": []})
    first = request.passages[0]
    match = _FIRST_SENTENCE.match(first.text.strip())
    sentence = match.group(0) if match else first.text.strip()
    return json.dumps(
        {"answerable": True, "sentences": [{"text": sentence, "sources": [first.n]}]},
        ensure_ascii=False,
    )
