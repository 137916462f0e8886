"""A sentence that only says the question back is dropped as no answer; yes/no answers, denials
and sentences that add a name, term or number are kept."""

from __future__ import annotations

import pytest

from rag.answering.echo import is_yes_no, restates_question
from rag.text import TextAnalyser


@pytest.fixture(scope="module")
def analyser() -> TextAnalyser:
    return TextAnalyser()


@pytest.mark.parametrize(
    ("question", "sentence", "language"),
    [
        (
            "Why, paradoxically, does heavy attrition on the battlefield increase Russia's reliance on "
            "nuclear weapons, according to the policy brief?",
            "Heavy attrition on the battlefield paradoxically increases Russia's reliance on nuclear "
            "weapons according to the policy brief.",
            "en",
        ),
        (
            "How does North Korea come up in the March 2023 report on Belarus?",
            "North Korea is mentioned in the March 2023 report on Belarus.",
            "en",
        ),
        (
            "Waarom maakt de NAVO zich volgens het artikel nauwelijks openlijk zorgen over Rusland?",
            "De NAVO maakt zich volgens het artikel nauwelijks openlijk zorgen over Rusland.",
            "nl",
        ),
    ],
)
def test_the_question_said_back_is_no_answer(
    analyser: TextAnalyser, question: str, sentence: str, language: str
) -> None:
    assert restates_question(sentence, question, language, analyser)


@pytest.mark.parametrize(
    ("question", "sentence", "language"),
    [
        ("Who said NATO would not respond in kind?", "Jens Stoltenberg said NATO would not respond.", "en"),
        ("In welk jaar begon de oefening?", "De oefening begon in 2022.", "nl"),
        ("Why does NATO hesitate?", "NATO hesitates because of the security dilemma.", "en"),
        ("Did Russia deploy the missiles?", "Russia deployed the missiles.", "en"),  # a yes
        ("Waarom zet Rusland kernwapens in Belarus?", "Rusland zet geen kernwapens in Belarus.", "nl"),
    ],
)
def test_a_sentence_that_adds_something_is_kept(
    analyser: TextAnalyser, question: str, sentence: str, language: str
) -> None:
    assert not restates_question(sentence, question, language, analyser)


def test_yes_no_questions_are_recognised_in_both_languages() -> None:
    assert is_yes_no("Did Russia's intimidation work?")
    assert is_yes_no("Heeft Rusland kernwapens in Belarus geplaatst?")
    assert not is_yes_no("Why did Russia do it?")
    assert not is_yes_no("Waarom heeft Rusland dat gedaan?")
