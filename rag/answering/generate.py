"""The answer call: stream the model's JSON, show the readable text as it becomes certain, and
read the whole reply at the end."""

from __future__ import annotations

import time
from collections.abc import Generator as Gen
from dataclasses import dataclass

from rag.answering.output import StreamingView, parse_output
from rag.answering.prompt import answer_schema
from rag.answering.types import ModelOutput, PromptPlan
from rag.generators.base import GenerationRequest, Generator
from rag.types import StreamDelta


@dataclass(frozen=True)
class Generation:
    output: ModelOutput
    completion: str  # the raw reply
    first_token: float | None  # perf_counter() when the first readable words were streamed


def generate(
    gen: Generator,
    plan: PromptPlan,
    *,
    question: str,
    language: str,
    max_tokens: int,
    temperature: float,
) -> Gen[StreamDelta, None, Generation]:
    """Yield the answer text as it is generated; return the parsed reply.

    Raises GenerationError when the reply holds no readable answer.
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
    view = StreamingView()
    pieces: list[str] = []
    first_token: float | None = None
    for piece in gen.stream(request):
        pieces.append(piece)
        delta = view.feed(piece)
        if delta:
            if first_token is None:  # the first words a person can read
                first_token = time.perf_counter()
            yield StreamDelta(text=delta)
    completion = "".join(pieces)
    return Generation(parse_output(completion), completion, first_token)
