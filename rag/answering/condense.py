"""Follow-ups: rewrite the last question into a standalone one for retrieval.

The model does the rewrite; when it cannot (no model, bad output), the previous user turn is
prepended, which keeps the entities the follow-up refers to in the retrieval query.
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.answering.side import ask
from rag.generators.base import Generator
from rag.types import SideCall, Turn

CONDENSE_PROMPT = (
    "Rewrite the user's last question so that it can be understood without the conversation: "
    "replace pronouns and references with the names and things they refer to. Keep the language "
    'of the last question. Do not answer it. Reply with JSON: {"question": "..."}\n\n'
    "Example.\nConversation:\nuser: Welke oefening begon Rusland in Siberië?\n"
    "assistant: Rusland begon woensdag oefeningen met de Yars-raket.\n\n"
    "Last question: Hoe lang duurde die?\n"
    '{"question": "Hoe lang duurde de Russische oefening met de Yars-raket in Siberië?"}'
)
_SCHEMA = {"type": "object", "properties": {"question": {"type": "string"}}, "required": ["question"]}
MAX_TURN_CHARS = 600


def heuristic_standalone(question: str, history: Sequence[Turn]) -> str:
    previous = next((t.content for t in reversed(history) if t.role == "user"), "")
    return f"{previous} {question}".strip()


def _conversation(question: str, history: Sequence[Turn]) -> str:
    lines = [f"{t.role}: {t.content[:MAX_TURN_CHARS]}" for t in history]
    return "Conversation:\n" + "\n".join(lines) + f"\n\nLast question: {question}"


def condense(
    question: str, history: Sequence[Turn], generator: Generator, language: str
) -> tuple[str, tuple[SideCall, ...]]:
    """The standalone question, and the side call it took (none without history)."""
    if not history:
        return question, ()
    reply = ask(
        generator,
        "condense",
        CONDENSE_PROMPT,
        _conversation(question, history),
        schema=_SCHEMA,
        max_tokens=96,
        language=language,
        question=question,
    )
    # Backends that ignore the schema reply with the question itself.
    rewritten = str((reply.json or {}).get("question", "")) if reply.text.startswith("{") else reply.text
    rewritten = " ".join(rewritten.split())
    # A rewrite that is empty, echoes the question, or rambles is not worth more than the heuristic.
    if not rewritten or rewritten == question.strip() or len(rewritten) > 4 * len(question) + 200:
        return heuristic_standalone(question, history), (reply.call,)
    return rewritten, (reply.call,)
