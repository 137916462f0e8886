"""Feedback lines: what they hold, where they go."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from tests.ui.fakes import CITATION, make_answer
from ui.feedback import append_feedback, feedback_record, give_feedback, verdict_of


def test_record_holds_what_eval_needs() -> None:
    when = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
    record = feedback_record(make_answer("Waarom Belarus?"), "down", "  bron klopt niet ", now=when)
    assert record["question"] == "Waarom Belarus?"
    assert record["answer"] == "Rusland wil kernwapens in Belarus plaatsen [1]."
    assert record["verdict"] == "down" and record["comment"] == "bron klopt niet"
    assert record["timestamp"] == "2025-05-01T12:00:00+00:00"
    (cited,) = record["citations"]
    assert cited["doc_id"] == CITATION.doc_id and cited["quote"] == CITATION.quote
    assert (cited["start"], cited["end"]) == (CITATION.start, CITATION.end)


def test_lines_are_appended_and_the_directory_created(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "feedback.jsonl"
    append_feedback(path, {"verdict": "up", "question": "één"})
    append_feedback(path, {"verdict": "down", "question": "twee"})
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["question"] for line in lines] == ["één", "twee"]


def test_give_feedback_rates_the_answer_at_the_message_index(tmp_path: Path) -> None:
    path = tmp_path / "feedback.jsonl"
    answers = {1: make_answer("eerste"), 3: make_answer("tweede")}
    note = give_feedback(path, answers, 3, "up", "goed")
    assert note.startswith("Thanks")
    record = json.loads(path.read_text(encoding="utf-8"))
    assert (record["question"], record["verdict"], record["comment"]) == ("tweede", "up", "goed")


def test_give_feedback_without_an_answer_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "feedback.jsonl"
    assert "no answer" in give_feedback(path, {}, None, "up", "")
    assert "no answer" in give_feedback(path, {1: make_answer("q")}, 0, "down", "")
    assert not path.exists()


def test_unwritable_path_gives_a_message_not_an_exception(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    note = give_feedback(blocker / "feedback.jsonl", {1: make_answer("q")}, 1, "up", "")
    assert note.startswith("Could not save the feedback")


def test_verdict_of_like_data() -> None:
    assert (verdict_of(True), verdict_of(False), verdict_of(None)) == ("up", "down", None)
