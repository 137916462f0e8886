"""The shape of a question (rag/text/questions.py): what the quote's run-on and the how-many and
which-date rules ask of it."""

from __future__ import annotations

import pytest

from rag.text.questions import asks_more, asks_why, follows_on


@pytest.mark.parametrize(
    "question",
    [
        "Hoeveel kernwapens heeft Rusland, en wanneer werd dat bekend?",
        "How many tanks did NATO have in 2014, and how many did Russia have?",
        "Wanneer trad het verdrag in werking, en in welk jaar werd het verlengd?",
        "Has NATO been consistent in its messaging to Russia? What did Stoltenberg say in 2014?",
        "Hoe reageerde Frankrijk?Wat zei Macron?",
    ],
)
def test_a_question_that_asks_a_second_thing_asks_more(question: str) -> None:
    assert asks_more(question)


@pytest.mark.parametrize(
    "question",
    [
        "Hoeveel kernwapens heeft Rusland?",
        "En van welke datum is het bericht?",  # a follow-up opening with "En" asks one thing
        "What is the difference between Russia and NATO?",  # "and" between names, not questions
        "Waarom trok Rusland zich terug uit het verdrag?  ",  # a question mark at the end only
    ],
)
def test_a_question_that_asks_one_thing_does_not_ask_more(question: str) -> None:
    assert not asks_more(question)


@pytest.mark.parametrize(
    ("question", "why"),
    [
        ("Waarom is dat voor de NAVO een probleem?", True),
        ("Why does Russia feel threatened?", True),
        ("Met welk doel stuurde Frankrijk onderzeeërs uit?", True),
        ("Hoeveel onderzeeërs stuurde Frankrijk uit?", False),
        ("Who wrote the policy brief?", False),
    ],
)
def test_a_question_that_asks_for_a_reason_asks_why(question: str, why: bool) -> None:
    assert asks_why(question) is why


@pytest.mark.parametrize(
    ("question", "follows"),
    [
        ("En welke wapens of systemen zijn daarnaast nog van belang?", True),
        ("And what did the Dutch defence minister say after that meeting?", True),
        ("En in welk jaar gebeurde dat?", True),
        ("Enkele vragen: wie schreef het?", False),  # "En" must be a word of its own
        ("Wat zei Stoltenberg, en wanneer?", False),  # a second question, not a follow-on
    ],
)
def test_a_follow_up_opening_with_and_and_a_question_word_follows_on(question: str, follows: bool) -> None:
    assert follows_on(question) is follows
