"""The Generator Protocol: every backend passes tests/generators/test_contract.py.

A backend streams text for a GenerationRequest. LLM backends read `messages` (and constrain
their output to `schema` when given); the extractive backend reads `question` and `passages`
and emits JSON matching `schema` without any model.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import ConfigDict, Field

from rag.types import Frozen

Task = Literal["answer", "condense", "translate", "judge"]


class Message(Frozen):
    role: Literal["system", "user", "assistant"]
    content: str


class Passage(Frozen):
    n: int  # the number the model cites: [n]
    chunk_id: str
    title: str
    date: str | None = None
    text: str


class GenerationRequest(Frozen):
    task: Task = "answer"
    messages: tuple[Message, ...]
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    max_tokens: int = 384
    temperature: float = 0.1
    # Structured view of the same request, for backends without a language model.
    question: str = ""
    language: str = "nl"
    passages: tuple[Passage, ...] = ()

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def estimate_tokens(text: str) -> int:
    """For backends without a tokenizer: about 1.3 tokens per whitespace-separated word."""
    return math.ceil(len(text.split()) * 1.3)


@runtime_checkable
class Generator(Protocol):
    @property
    def name(self) -> str:
        """Backend name, e.g. 'llama-cpp', 'ollama', 'extractive', 'scripted'."""
        ...

    @property
    def model(self) -> str:
        """Model identifier shown to users and recorded in answers."""
        ...

    @property
    def context_size(self) -> int:
        """Tokens the model can attend to (prompt + answer)."""
        ...

    def count_tokens(self, text: str) -> int:
        """Tokens of this model's tokenizer (used by the context-budget guard)."""
        ...

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        """Yield the completion in pieces. Raises BackendUnavailableError / GenerationError."""
        ...
