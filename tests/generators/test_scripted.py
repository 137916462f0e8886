from __future__ import annotations

import json

import pytest

from rag.errors import BackendUnavailableError, GenerationError
from rag.generators import GenerationRequest, ScriptedGenerator
from rag.generators.scripted import default_script
from tests.generators.contract import PASSAGES, answer_request


def test_streams_in_chunks_and_records_requests() -> None:
    generator = ScriptedGenerator(["abcdefghij", "xyz"], chunk_size=4)
    first, second = answer_request("een"), answer_request("twee")
    assert list(generator.stream(first)) == ["abcd", "efgh", "ij"]
    assert list(generator.stream(second)) == ["xyz"]
    assert generator.requests == [first, second]


def test_running_out_of_responses_is_a_generation_error() -> None:
    generator = ScriptedGenerator(["alleen dit"])
    list(generator.stream(answer_request()))
    with pytest.raises(GenerationError, match="ran out of responses"):
        list(generator.stream(answer_request()))


def test_an_exception_item_is_raised() -> None:
    generator = ScriptedGenerator([BackendUnavailableError("server weg"), "daarna wel"])
    with pytest.raises(BackendUnavailableError, match="server weg"):
        list(generator.stream(answer_request()))
    assert "".join(generator.stream(answer_request())) == "daarna wel"
    assert len(generator.requests) == 2


def test_callable_sees_the_request() -> None:
    generator = ScriptedGenerator(lambda r: r.question.upper())
    assert "".join(generator.stream(answer_request("hoi daar"))) == "HOI DAAR"


def test_count_tokens_and_identity() -> None:
    generator = ScriptedGenerator([], name="twin", model="twin-1", context_size=1024)
    assert generator.count_tokens("een twee drie") == 4  # ceil(3 * 1.3)
    assert (generator.name, generator.model, generator.context_size) == ("twin", "twin-1", 1024)


def test_default_script_cites_first_passage_and_echoes_condense() -> None:
    answer = json.loads(default_script(answer_request()))
    assert answer == {
        "answerable": True,
        "sentences": [{"text": PASSAGES[0].text.split(". ")[0] + ".", "sources": [1]}],
    }
    condense = GenerationRequest(
        task="condense", messages=(), question="En daarna?", schema={"type": "object"}
    )
    assert json.loads(default_script(condense)) == {"question": "En daarna?"}
    assert json.loads(default_script(GenerationRequest(messages=(), question="x"))) == {
        "answerable": False,
        "sentences": [],
    }
