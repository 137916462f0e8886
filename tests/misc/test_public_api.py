"""The package's public surface: `from rag import answer` is the function, whatever was
imported before (a subpackage named like a public function would shadow it)."""

from __future__ import annotations

import importlib

import rag


def test_answer_and_answer_stream_are_the_functions_after_the_answering_steps_are_imported() -> None:
    importlib.import_module("rag.answering.pipeline")
    from rag import answer, answer_stream

    assert callable(answer) and answer.__name__ == "answer"
    assert callable(answer_stream) and answer_stream.__name__ == "answer_stream"
    assert rag.Assistant.__name__ == "Assistant"


def test_every_public_name_resolves() -> None:
    for name in rag.__all__:
        assert getattr(rag, name) is not None, name
