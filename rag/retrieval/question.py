"""The one check a question passes before anything is searched or generated."""

from __future__ import annotations

from rag.errors import QuestionError


def check_question(question: str, max_chars: int) -> str:
    """The question with its whitespace collapsed; QuestionError (naming the fix) when it is
    empty or longer than `max_chars`."""
    text = " ".join(question.split())
    if not text:
        raise QuestionError("the question is empty; type a question about the documents")
    if len(text) > max_chars:
        raise QuestionError(
            f"the question is {len(text)} characters long; the limit is {max_chars} "
            "(shorten it, or raise RAG_MAX_QUESTION_CHARS)"
        )
    return text
