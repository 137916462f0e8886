"""The public API of the docs: `from rag import answer; answer("…")` calls the function."""

from __future__ import annotations

import importlib

import rag


def test_from_rag_import_answer_is_the_function_even_after_the_subpackage_loaded() -> None:
    importlib.import_module("rag.answer.pipeline")  # binds the subpackage rag/answer/ on `rag`
    from rag import answer
    from rag.answer.pipeline import answer as pipeline_answer

    assert answer is pipeline_answer and callable(answer)
    assert rag.answer is pipeline_answer
    assert rag.answer_stream.__name__ == "answer_stream" and rag.Assistant.__name__ == "Assistant"
