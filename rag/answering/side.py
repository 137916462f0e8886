"""Side questions to the model: the one way the steps ask it something small besides the answer
(rewrite a follow-up, translate sentences, fix leftover words, judge a sentence).

One fallback policy for all of them: when the backend fails to generate (GenerationError) the
reply is empty and the call is marked not ok, and the step keeps what it had. A backend that is
down (BackendUnavailableError) is not a side matter: it propagates, as it would for the answer.
Every call leaves a SideCall record (tokens, seconds) that the Answer carries.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from rag.errors import GenerationError
from rag.generators.base import GenerationRequest, Generator, Message, Task
from rag.types import SideCall


@dataclass(frozen=True)
class SideReply:
    text: str  # the reply, stripped; "" when the backend failed
    json: dict[str, Any] | None  # the reply read as a JSON object, if it is one
    call: SideCall


def ask(
    generator: Generator,
    task: Task,
    system: str,
    user: str,
    *,
    max_tokens: int,
    language: str,
    schema: dict[str, Any] | None = None,
    question: str = "",
) -> SideReply:
    """Ask the model one side question (temperature 0) and read its reply."""
    request = GenerationRequest(
        task=task,
        messages=(Message(role="system", content=system), Message(role="user", content=user)),
        schema=schema,
        max_tokens=max_tokens,
        temperature=0.0,
        question=question,
        language=language,
    )
    started = time.perf_counter()
    try:
        text, ok = "".join(generator.stream(request)).strip(), True
    except GenerationError:
        text, ok = "", False
    parsed = _json_object(text)
    call = SideCall(
        task=task,
        prompt_tokens=generator.count_tokens(system) + generator.count_tokens(user),
        completion_tokens=generator.count_tokens(text) if text else 0,
        seconds=round(time.perf_counter() - started, 4),
        ok=ok and (schema is None or parsed is not None),
    )
    return SideReply(text=text, json=parsed, call=call)


def _json_object(text: str) -> dict[str, Any] | None:
    # strict=False: small models put raw newlines inside JSON strings.
    try:
        value = json.loads(text, strict=False)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None
