"""The Generator contract, as plain checks: tests/generators/test_contract.py runs them on every
offline backend and tests/e2e/test_llama_real.py on the real llama.cpp model."""

from __future__ import annotations

import json
from typing import Any

import jsonschema

from rag.answering.prompt import answer_schema
from rag.generators.base import GenerationRequest, Generator, Message, Passage

PASSAGES = (
    Passage(
        n=1,
        chunk_id="nos:0001",
        title="Kernwapens in Belarus",
        date="2023-03",
        text="Poetin kondigde aan dat Rusland tactische kernwapens in Belarus gaat plaatsen. "
        "Volgens hem is dat een antwoord op Britse munitie met verarmd uranium voor Oekraïne.",
    ),
    Passage(
        n=2,
        chunk_id="nos:0002",
        title="Reactie van de Navo",
        date="2023-03",
        text="De Navo noemde de nucleaire retoriek van Rusland gevaarlijk en onverantwoord. "
        "De EU dreigt met nieuwe sancties tegen Belarus.",
    ),
)
# The schema the pipeline sends with these passages.
ANSWER_SCHEMA: dict[str, Any] = answer_schema(len(PASSAGES))
QUESTION = "Waarom plaatst Rusland kernwapens in Belarus?"
SYSTEM = (
    "Je beantwoordt vragen alleen met de genummerde passages. Antwoord in het Nederlands. "
    'Antwoord met JSON: {"answerable": bool, "sentences": [{"text": "...", "sources": [n]}]}.'
)


def answer_request(
    question: str = QUESTION, *, schema: bool = True, max_tokens: int = 200
) -> GenerationRequest:
    context = "\n\n".join(f"[{p.n}] {p.title} ({p.date})\n{p.text}" for p in PASSAGES)
    return GenerationRequest(
        task="answer",
        messages=(
            Message(role="system", content=SYSTEM),
            Message(role="user", content=f"Passages:\n{context}\n\nVraag: {question}"),
        ),
        schema=ANSWER_SCHEMA if schema else None,
        max_tokens=max_tokens,
        temperature=0.0,
        question=question,
        language="nl",
        passages=PASSAGES,
    )


def check_streams_text(generator: Generator, request: GenerationRequest) -> str:
    pieces = list(generator.stream(request))
    assert pieces, f"{generator.name} yielded nothing"
    assert all(isinstance(p, str) for p in pieces), f"{generator.name} yielded non-str pieces"
    text = "".join(pieces)
    assert text.strip(), f"{generator.name} yielded only empty text"
    return text


def check_schema_output(generator: Generator, request: GenerationRequest) -> dict[str, Any]:
    assert request.schema_ is not None
    text = check_streams_text(generator, request)
    parsed = json.loads(text, strict=False)
    jsonschema.validate(parsed, request.schema_)
    assert isinstance(parsed, dict)
    return parsed


def check_count_tokens(generator: Generator) -> None:
    short = "Rusland plaatst kernwapens in Belarus."
    long = " ".join([short] * 5)
    assert generator.count_tokens("") == 0
    assert 0 < generator.count_tokens(short) < generator.count_tokens(long)


def check_identity(generator: Generator) -> None:
    assert isinstance(generator, Generator)
    assert generator.name and isinstance(generator.name, str)
    assert generator.model and isinstance(generator.model, str)
    assert generator.context_size >= 512
