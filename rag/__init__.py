"""Local, private question answering over your documents, with verified inline citations.

>>> from rag import answer
>>> result = answer("Waarom plaatst Rusland kernwapens in Belarus?")
>>> print(result.text)            # Dutch, with [n] markers
>>> for c in result.citations:    # each marker -> the exact passage it rests on
...     print(c.n, c.title, c.quote)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rag.config import Settings
from rag.errors import (
    BackendUnavailableError,
    ConfigError,
    CorpusError,
    GenerationError,
    IndexCorruptError,
    IndexEmptyError,
    IndexMismatchError,
    IndexMissingError,
    InvalidSettingError,
    ModelMissingError,
    ModelSetupError,
    QuestionError,
    RagError,
)
from rag.types import Answer, Chunk, Citation, Document, Hit, StreamEvent, Turn

if TYPE_CHECKING:
    from rag.answering.pipeline import Assistant, answer, answer_stream

__all__ = [
    "Answer",
    "Assistant",
    "BackendUnavailableError",
    "Chunk",
    "Citation",
    "ConfigError",
    "CorpusError",
    "Document",
    "GenerationError",
    "Hit",
    "IndexCorruptError",
    "IndexEmptyError",
    "IndexMismatchError",
    "IndexMissingError",
    "InvalidSettingError",
    "ModelMissingError",
    "ModelSetupError",
    "QuestionError",
    "RagError",
    "Settings",
    "StreamEvent",
    "Turn",
    "answer",
    "answer_stream",
]


def __getattr__(name: str) -> Any:
    # The pipeline pulls in faiss, bm25s and the model backends: load it on first use only.
    if name in {"Assistant", "answer", "answer_stream"}:
        from rag.answering import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
