"""Follow-ups: rewrite the last question into a standalone one for retrieval.

The model does the rewrite; when it cannot (no model, bad output), the previous user turn is
prepended, which keeps the entities the follow-up refers to in the retrieval query.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from rag.errors import GenerationError
from rag.generators.base import GenerationRequest, Generator, Message
from rag.types import Turn

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


def condense(question: str, history: Sequence[Turn], generator: Generator, language: str) -> str:
    if not history:
        return question
    request = GenerationRequest(
        task="condense",
        messages=(
            Message(role="system", content=CONDENSE_PROMPT),
            Message(role="user", content=_conversation(question, history)),
        ),
        schema=_SCHEMA,
        max_tokens=96,
        temperature=0.0,
        question=question,
        language=language,
    )
    try:
        raw = "".join(generator.stream(request)).strip()
        rewritten = str(json.loads(raw, strict=False).get("question", "")) if raw.startswith("{") else raw
    except (GenerationError, json.JSONDecodeError, AttributeError):
        rewritten = ""
    rewritten = " ".join(rewritten.split())
    # A rewrite that is empty, echoes the question, or rambles is not worth more than the heuristic.
    if not rewritten or rewritten == question.strip() or len(rewritten) > 4 * len(question) + 200:
        return heuristic_standalone(question, history)
    return rewritten
