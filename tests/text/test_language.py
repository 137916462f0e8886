"""Answer language: the question's, names ignored, the conversation's when too short to tell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.text.language import answer_language, detect_language, foreign_language
from tests.shared_eval import PUBLIC_GOLD, require


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


# -- a question in a third language -------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Warum will Putin Atomwaffen in Belarus stationieren?", "German"),
        ("Was sagte die NATO über Atomwaffen?", "German"),
        ("Pourquoi la Russie veut-elle déployer des armes nucléaires en Biélorussie ?", "French"),
        ("为什么普京要在白俄罗斯部署核武器？", "Chinese"),
        ("北约是什么？", "Chinese"),  # three characters: short, but not in the Latin script
        ("Почему Путин хочет разместить ядерное оружие в Беларуси?", "Russian"),
    ],
)
def test_a_question_in_a_third_language_is_named(question: str, language: str) -> None:
    assert foreign_language(question) == language


@pytest.mark.parametrize(
    "question",
    [
        "Waarom?", "Why?", "En wanneer?", "And when?", "Wat zei hij?", "Who is Stoltenberg?",
        "Was it big?", "Is dat zo?", "Wie is Rutte?", "En de VS?", "Hoe lang?", "Was het groot?",
        "Wat is de NAVO?", "Waar ligt Belarus?", "Wat betekent Zeitenwende?", "Stoltenberg?", "2014",
        "Why did he say that?", "En wat zei hij daarover?",
    ],
)  # fmt: skip
def test_short_dutch_and_english_questions_are_not_taken_for_a_third_language(question: str) -> None:
    assert foreign_language(question) is None


def test_no_gold_question_is_taken_for_a_third_language() -> None:
    """The public and the own gold questions (the held-out set is left alone)."""
    files = (require(PUBLIC_GOLD), Path(__file__).resolve().parents[2] / "eval" / "gold.jsonl")
    questions = [json.loads(line)["question"] for f in files for line in f.read_text().splitlines() if line]
    assert len(questions) >= 100
    assert [q for q in questions if foreign_language(q) is not None] == []
