"""Local, private question answering over your documents, with verified inline citations.

>>> from rag import answer
>>> result = answer("Waarom plaatst Rusland kernwapens in Belarus?")
>>> print(result.text)            # Dutch, with [n] markers
>>> for c in result.citations:    # each marker -> the exact passage it rests on
...     print(c.n, c.title, c.quote)
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from rag.config import Settings
from rag.errors import (
    BackendUnavailableError,
    ConfigError,
    CorpusError,
    GenerationError,
    IndexCorruptError,
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
    from rag.answer.pipeline import Assistant, answer, answer_stream

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
    if name in {"Assistant", "answer_stream"}:
        from rag.answer import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'rag' has no attribute {name!r}")


class _Rag(ModuleType):
    """`rag.answer` is the function the docs promise, although rag/answer/ is a subpackage too.

    Importing a subpackage binds it as an attribute of its parent, which would make
    `from rag import answer` the package ('module' object is not callable). This property wins
    over that binding and ignores it; the subpackage stays importable as `rag.answer.<module>`
    (from sys.modules), only the attribute chain `rag.answer.pipeline` does not lead to it.
    """

    @property
    def answer(self) -> Callable[..., Answer]:
        from rag.answer.pipeline import answer

        return answer

    @answer.setter
    def answer(self, value: object) -> None:  # the import system binding the subpackage
        pass


sys.modules[__name__].__class__ = _Rag
