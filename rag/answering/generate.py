"""The answer call: stream the model's JSON, show each sentence once it has passed its check,
and read the whole reply at the end."""

from __future__ import annotations

import time
from collections.abc import Generator as Gen
from dataclasses import dataclass

from rag.answering.ahead import read_ahead
from rag.answering.checked import CheckedStream, SentenceCheck
from rag.answering.output import parse_output
from rag.answering.prompt import answer_schema
from rag.answering.types import ModelOutput, PromptPlan
from rag.generators.base import GenerationRequest, Generator
from rag.types import StreamDelta


@dataclass(frozen=True)
class Generation:
    output: ModelOutput
    completion: str  # the raw reply
    first_shown: float | None  # perf_counter() when the first checked sentence was streamed
    first_token: float | None  # perf_counter() when the model's first piece arrived (never shown)


def generate(
    gen: Generator,
    plan: PromptPlan,
    *,
    question: str,
    language: str,
    max_tokens: int,
    temperature: float,
    check: SentenceCheck,
    ahead: bool = False,
) -> Gen[StreamDelta, None, Generation]:
    """Yield the text of each sentence that passes `check` as it is generated; return the
    parsed reply.

    `ahead`: the model runs in its own thread and keeps writing while a sentence is checked
    (rag/answering/ahead.py). Raises GenerationError when the reply holds no readable answer.
    """
    request = GenerationRequest(
        task="answer",
        messages=plan.messages,
        schema=answer_schema(len(plan.passages)),
        max_tokens=max_tokens,
        temperature=temperature,
        question=question,
        language=language,
        passages=tuple(p.passage for p in plan.passages),
    )
    view = CheckedStream(check)
    pieces: list[str] = []
    first_token = first_shown = None
    stream = gen.stream(request)
    for piece in read_ahead(stream) if ahead else stream:
        if first_token is None:
            first_token = time.perf_counter()
        pieces.append(piece)
        delta = view.feed(piece)
        if delta:
            first_shown = first_shown or time.perf_counter()
            yield StreamDelta(text=delta)
    completion = "".join(pieces)
    output = parse_output(completion)
    rest = view.finish(output)
    if rest:
        first_shown = first_shown or time.perf_counter()
        yield StreamDelta(text=rest)
    return Generation(output, completion, first_shown, first_token)
