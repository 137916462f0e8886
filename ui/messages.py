"""Exceptions -> the friendly sentence shown in the chat (never a traceback)."""

from __future__ import annotations

import logging

from rag.errors import (
    BackendUnavailableError,
    ConfigError,
    GenerationError,
    IndexCorruptError,
    IndexEmptyError,
    IndexMismatchError,
    IndexMissingError,
    ModelMissingError,
    ModelSetupError,
    QuestionError,
    RagError,
)

log = logging.getLogger(__name__)

_PREFIX: tuple[tuple[type[RagError], str], ...] = (
    (QuestionError, "Please check your question: "),
    (BackendUnavailableError, "The answer backend cannot be reached. "),
    (GenerationError, "The model did not produce a usable answer; try again or rephrase. "),
    (ModelMissingError, "A model is not set up yet. "),
    (ModelSetupError, "A model could not be set up. "),
    (IndexEmptyError, ""),  # its message is the whole sentence: no documents, where to add them
    (IndexMissingError, "There is no index yet. "),
    (IndexMismatchError, "The index does not match the current settings. "),
    (IndexCorruptError, "The index is damaged. "),
    (ConfigError, "A setting is not valid. "),
)
GENERIC = "Something went wrong. The details are in the server log; please try again."


def friendly_message(exc: BaseException) -> str:
    """A RagError keeps its own message (it names the fix); anything else is logged, not shown."""
    if isinstance(exc, RagError):
        detail = str(exc).strip() or type(exc).__name__
        prefix = next((p for cls, p in _PREFIX if isinstance(exc, cls)), "")
        return prefix + detail
    log.error("unexpected error while answering", exc_info=exc)
    return GENERIC
