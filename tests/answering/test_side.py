"""Side questions to the model: one helper, one fallback policy, every call counted."""

from __future__ import annotations

import json

import pytest

from rag.answering.side import ask
from rag.errors import BackendUnavailableError, GenerationError
from rag.generators import ScriptedGenerator

SCHEMA = {"type": "object", "properties": {"question": {"type": "string"}}, "required": ["question"]}


def test_a_json_reply_is_read_and_the_call_is_counted() -> None:
    gen = ScriptedGenerator([json.dumps({"question": "Wat zei Stoltenberg over kernwapens?"})])
    reply = ask(gen, "condense", "Herschrijf.", "En wanneer?", schema=SCHEMA, max_tokens=32, language="nl")
    assert reply.json == {"question": "Wat zei Stoltenberg over kernwapens?"}
    assert reply.call.task == "condense" and reply.call.ok
    assert reply.call.completion_tokens == gen.count_tokens(reply.text) > 0
    assert reply.call.prompt_tokens == gen.count_tokens("Herschrijf.") + gen.count_tokens("En wanneer?")
    (request,) = gen.requests
    assert request.temperature == 0.0 and request.schema_ == SCHEMA


def test_a_generation_error_gives_an_empty_reply_marked_not_ok() -> None:
    gen = ScriptedGenerator([GenerationError("the model looped")])
    reply = ask(gen, "translate", "Vertaal.", "Hallo", max_tokens=16, language="en")
    assert reply.text == "" and reply.json is None and not reply.call.ok
    assert reply.call.completion_tokens == 0


def test_an_unreadable_reply_to_a_schema_is_marked_not_ok_but_kept() -> None:
    reply = ask(
        ScriptedGenerator(["geen json"]), "condense", "s", "u", schema=SCHEMA, max_tokens=8, language="nl"
    )
    assert reply.text == "geen json" and reply.json is None and not reply.call.ok


def test_a_backend_that_is_down_is_not_a_side_matter() -> None:
    gen = ScriptedGenerator([BackendUnavailableError("ollama is not running; run 'ollama serve'")])
    with pytest.raises(BackendUnavailableError):
        ask(gen, "condense", "s", "u", max_tokens=8, language="nl")
