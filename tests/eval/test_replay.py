"""Replaying recorded answers: the same checks on the same model output give the same answers,
without asking the model again; only what the model never answered goes to the live model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.gold import load_gold
from eval.replay import ReplayGenerator, ReplayingAssistant, load_recorded, recorded_output
from eval.run import run_eval
from rag.errors import ConfigError
from rag.generators import ScriptedGenerator
from rag.testing import make_test_assistant
from rag.types import Answer, AnswerSentence, Citation
from tests.eval.gold_items import write_gold


def test_a_replayed_run_gives_the_recorded_answers_without_the_model(tmp_path: Path) -> None:
    items = load_gold(write_gold(tmp_path / "gold.jsonl"))
    recorded = run_eval(make_test_assistant(tmp_path / "a"), items, progress=False)
    report = tmp_path / "report.json"
    report.write_text(recorded.model_dump_json(), encoding="utf-8")

    assistant = make_test_assistant(tmp_path / "b")
    dead = ScriptedGenerator([])  # any request to the live model raises
    replay = ReplayGenerator(load_recorded(report), dead)
    again = run_eval(ReplayingAssistant(assistant, replay), items, progress=False)

    asked = [r for r in recorded.items if r.answer is not None and r.answer.citations]
    assert asked and len(replay.replayed) >= len(asked)
    assert replay.misses == []
    texts = [r.answer.text for r in again.items if r.answer]
    assert texts == [r.answer.text for r in recorded.items if r.answer]
    assert again.summary.key_fact_recall == recorded.summary.key_fact_recall


def _answer(**fields: object) -> Answer:
    base: dict[str, object] = {"question": "q", "standalone_question": "q", "text": "", "language": "en"}
    return Answer.model_validate(base | fields)


def test_kept_sentences_keep_their_passages_and_dropped_ones_come_back_uncited() -> None:
    cite = Citation(n=2, chunk_id="d:0007", doc_id="d", title="T", start=0, end=5, quote="x", support=1.0)
    answer = _answer(
        sentences=[
            AnswerSentence(text="Kept.", sources=(2,)),
            AnswerSentence(text="A quote under it.", sources=(2,), flag="quote"),
        ],
        citations=[cite],
        dropped_sentences=("Dropped.",),
    )
    output = recorded_output(answer)
    assert output is not None
    as_json = json.loads(output.as_json([(1, "d:0001"), (3, "d:0007")]))
    assert as_json == {
        "answerable": True,
        "sentences": [{"text": "Kept.", "sources": [3]}, {"text": "Dropped.", "sources": []}],
    }


def test_a_refusal_made_before_the_model_was_asked_is_not_replayed() -> None:
    from rag.answering.refusal import reason_text

    answer = _answer(refused=True, refusal_reason=reason_text("no_passage", "en"))
    assert recorded_output(answer) is None
    said_none = _answer(refused=True, refusal_reason=reason_text("model_found_none", "en") + ": nothing")
    output = recorded_output(said_none)
    assert output is not None and output.answerable is False


def test_an_unreadable_report_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "report.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"report\.json"):
        load_recorded(bad)
