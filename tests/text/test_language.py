"""Answer language: the question's, names ignored, the conversation's when too short to tell."""

from __future__ import annotations

import pytest

from rag.text.language import answer_language, detect_language


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Waarom plaatst Rusland kernwapens in Belarus?", "nl"),
        ("Why does Russia station nuclear weapons in Belarus?", "en"),
        ("Wat zei Stoltenberg?", "nl"),
        ("Who is Stoltenberg?", "en"),
        ("Where is Kaliningrad?", "en"),
        ("Waar ligt Kaliningrad?", "nl"),
        ("En wanneer?", "nl"),
        ("And when?", "en"),
    ],
)
def test_question_language(question: str, expected: str) -> None:
    assert answer_language(question) == expected


def test_too_short_to_tell_falls_back_to_the_default() -> None:
    assert answer_language("Stoltenberg?", default="en") == "en"
    assert answer_language("Stoltenberg?", default="nl") == "nl"
    assert answer_language("2014", default="en") == "en"
    assert answer_language("", default="nl") == "nl"


def test_document_language() -> None:
    assert detect_language("De Navo hekelde de gevaarlijke nucleaire retoriek van Rusland.") == "nl"
    assert detect_language("NATO condemned the dangerous nuclear rhetoric of Russia.") == "en"
