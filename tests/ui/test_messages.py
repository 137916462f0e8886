"""Errors become friendly sentences; unexpected ones never show their details."""

from __future__ import annotations

import logging

import pytest

from rag.errors import (
    BackendUnavailableError,
    GenerationError,
    IndexMissingError,
    ModelMissingError,
    QuestionError,
)
from ui.messages import GENERIC, friendly_message


@pytest.mark.parametrize(
    ("exc", "start"),
    [
        (QuestionError("the question is empty"), "Please check your question: the question is empty"),
        (BackendUnavailableError("start it: ollama serve"), "The answer backend cannot be reached. start it"),
        (GenerationError("bad JSON"), "The model did not produce a usable answer"),
        (ModelMissingError("run 'rag setup'"), "A model is not set up yet. run 'rag setup'"),
        (IndexMissingError("run 'rag ingest'"), "There is no index yet. run 'rag ingest'"),
    ],
)
def test_rag_errors_keep_their_fix(exc: Exception, start: str) -> None:
    assert friendly_message(exc).startswith(start)


def test_unexpected_errors_are_logged_not_shown(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        message = friendly_message(ZeroDivisionError("secret /etc/path detail"))
    assert message == GENERIC and "secret" not in message
    assert "secret /etc/path detail" in caplog.text
