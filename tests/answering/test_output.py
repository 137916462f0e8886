"""Parsing the model's JSON: complete, truncated, malformed; and the streaming view."""

from __future__ import annotations

import json

import pytest

from rag.answering.output import RawSentence, close_json, parse_output, read_partial, render
from rag.errors import GenerationError

GOOD = {
    "answerable": True,
    "sentences": [
        {"text": "Rusland wil tactische kernwapens in Belarus plaatsen.", "sources": [2]},
        {"text": 'De Navo noemde dat "gevaarlijk".', "sources": [1, 3]},
    ],
}


def test_parse_complete_output() -> None:
    out = parse_output(json.dumps(GOOD))
    assert out.answerable is True
    assert [s.sources for s in out.sentences] == [[2], [1, 3]]
    assert out.sentences[1].text == 'De Navo noemde dat "gevaarlijk".'


def test_parse_tolerates_raw_newlines_and_leading_noise() -> None:
    text = 'Sure! {"answerable": true, "sentences": [{"text": "regel een\nregel twee", "sources": [1]}]}'
    out = parse_output(text)
    assert out.sentences[0].text == "regel een\nregel twee"


@pytest.mark.parametrize("cut", [60, 75, 100, 140])
def test_parse_repairs_truncated_output(cut: int) -> None:
    text = json.dumps(GOOD)[:cut]
    out = parse_output(text)
    assert out.answerable is True
    assert all(isinstance(s.text, str) for s in out.sentences)
    joined = " ".join(s.text for s in out.sentences)
    assert joined and joined in " ".join(s["text"] for s in GOOD["sentences"])  # type: ignore[index]


def test_output_cut_before_any_sentence_has_none() -> None:
    out = parse_output(json.dumps(GOOD)[:30])
    assert out.answerable is True
    assert out.sentences == []


def test_close_json_handles_dangling_escape_and_key() -> None:
    assert json.loads(close_json('{"a": "x\\')) == {"a": "x"}
    assert json.loads(close_json('{"a": 1, "b')) == {"a": 1}


def test_no_json_is_a_generation_error() -> None:
    with pytest.raises(GenerationError, match="no JSON"):
        parse_output("Ik weet het niet.")


def test_sources_keep_only_integers() -> None:
    out = parse_output('{"answerable": true, "sentences": [{"text": "x", "sources": [1, "2", "a", null]}]}')
    assert out.sentences[0].sources == [1, 2]


def test_render_puts_each_marker_once() -> None:
    text = render([RawSentence(text="A  b.", sources=[1, 1, 2]), RawSentence(text="C.", sources=[])])
    assert text == "A b. [1][2] C."


def test_read_partial_counts_only_sentences_whose_object_is_closed() -> None:
    raw = json.dumps(GOOD)
    seen = []
    for end in range(1, len(raw) + 1):
        partial = read_partial(raw[:end])
        if partial is not None:
            output, complete = partial
            seen.append(complete)
            # a complete sentence has its final text and sources
            assert output.sentences[:complete] == parse_output(raw).sentences[:complete]
    assert seen[0] == 0 and seen[-1] == len(GOOD["sentences"])
    assert sorted(seen) == seen  # the count only grows


def test_read_partial_waits_for_the_model_to_say_it_is_answerable() -> None:
    # a model that writes its sentences before the verdict: nothing is read until the verdict
    early = '{"sentences": [{"text": "Poetin wil kernwapens.", "sources": [1]}, '
    assert read_partial(early) is None
    refusal = json.dumps({"answerable": False, "sentences": [{"text": "Niet in de teksten.", "sources": []}]})
    assert all(read_partial(refusal[:end]) is None for end in range(1, len(refusal) + 1))
