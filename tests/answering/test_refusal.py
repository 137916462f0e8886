"""How-many questions: an answer without a number, or counting something else, is no answer."""

from __future__ import annotations

import pytest

from rag.answering.refusal import REASONS, count_mismatch, counts_something_else, reason_text
from rag.text import TextAnalyser

_ANALYSER = TextAnalyser()


@pytest.mark.parametrize(
    ("question", "answer", "language"),
    [
        ("Hoeveel F-35's stelt Nederland beschikbaar?", "Nederland leverde vier F-16’s.", "nl"),
        ("How many NATO countries met?", "Thirty allies met.", "en"),
    ],
)
def test_a_count_of_something_else_is_caught(question: str, answer: str, language: str) -> None:
    assert counts_something_else(question, [answer], language, _ANALYSER)
    assert count_mismatch(question, [answer], language, _ANALYSER) == "counts_else"


@pytest.mark.parametrize(
    ("question", "answer", "language"),
    [
        ("Hoeveel dagen heeft Rusland nodig?", "Rusland heeft maximaal vijf dagen nodig.", "nl"),
        # the noun after an adjective, word for word ('nuclear warheads' is one variant term)
        ("How many tactical nuclear warheads are there?", "Russia has 2,000 nuclear warheads.", "en"),
        # Dutch/English variants through the index terms
        ("How many NATO countries met?", "Thirty NAVO members met.", "en"),
        # uncountable or no counted word at all
        ("Hoeveel geld gaf Zuid-Korea?", "Tien miljoen euro.", "nl"),
        ("Hoeveel van de oefeningen waren dichtbij?", "Negen.", "nl"),
        ("Wat zei Stoltenberg over de F-35's?", "Hij noemde de F-16’s.", "nl"),
    ],
)
def test_an_answer_naming_what_is_counted_passes(question: str, answer: str, language: str) -> None:
    assert not counts_something_else(question, [answer], language, _ANALYSER)


def test_a_missing_number_is_named_first() -> None:
    reason = count_mismatch("Hoeveel dagen?", ["Rusland heeft weinig dagen nodig."], "nl", _ANALYSER)
    assert reason == "no_number"
    assert count_mismatch("Hoeveel dagen?", ["Vijf dagen."], "nl", _ANALYSER) is None


def test_a_number_the_question_already_holds_answers_no_how_many() -> None:
    question = "Hoeveel geld zegde Zuid-Korea in juni 2024 toe aan Oekraïne?"
    repeated = ["Zuid-Korea vermeed in juni 2024 directe wapenleveranties."]
    assert count_mismatch(question, repeated, "nl", _ANALYSER) == "no_number"
    given = ["Zuid-Korea zegde in juni 2024 tien miljoen dollar toe."]
    assert count_mismatch(question, given, "nl", _ANALYSER) is None


def test_every_reason_reads_in_dutch_and_english() -> None:
    for key in REASONS:
        assert reason_text(key, "nl") != reason_text(key, "en")
        assert reason_text(key, "de") == reason_text(key, "en")  # other languages: English


def test_a_count_question_that_asks_more_is_left_alone() -> None:
    question = "Hoeveel militairen telt de VJTF, en wanneer werd zij opgericht?"
    assert count_mismatch(question, ["De VJTF werd opgericht in Wales."], "nl", _ANALYSER) is None


@pytest.mark.parametrize(
    ("question", "answer", "language"),
    [
        (
            "Hoeveel bedraagt de contributie per jaar?",
            "De contributie bleef gelijk op twintig euro per jaar.",
            "nl",
        ),
        ("Hoeveel kost een nieuwe fregat?", "Een fregat kost 1,2 miljard euro.", "nl"),
    ],
)
def test_an_amount_question_with_the_verb_first_is_not_a_count(
    question: str, answer: str, language: str
) -> None:
    assert count_mismatch(question, [answer], language, TextAnalyser()) is None


def test_a_number_in_words_is_a_number() -> None:
    answer = "De brigade van ongeveer vijfduizend militairen komt in Litouwen te staan."
    assert count_mismatch("Hoeveel militairen telt de brigade?", [answer], "nl", TextAnalyser()) is None


def test_the_hint_to_ask_in_the_sources_language_needs_most_passages_in_it() -> None:
    from rag.answering.pivot import writing_language
    from rag.answering.refusal import source_language_hint

    def hint(language: str, passages: list[str]) -> str:
        return source_language_hint(language, writing_language(passages, language))

    assert hint("en", ["nl", "nl", "en"]) == "the passages are in Dutch; asking in Dutch may find the answer"
    assert "Engels" in hint("nl", ["en", "en"])
    assert hint("en", ["nl", "en"]) == ""  # half is no majority
    assert hint("nl", ["nl", "nl"]) == ""
    assert hint("en", []) == ""
    assert hint("en", ["de", "de"]) == ""  # only Dutch and English are suggested


@pytest.mark.parametrize(
    ("question", "answer", "language"),
    [
        (
            "Op welke datum stuurde Frankrijk in 2022 zijn onderzeeërs op patrouille?",
            "Frankrijk stuurde in 2022 drie van haar vier onderzeeërs op patrouille.",  # counts, no date
            "nl",
        ),
        (
            "On which day did Putin announce the deployment in Belarus?",
            "Putin announced the deployment in Belarus after a meeting with Loekasjenko.",
            "en",
        ),
        ("In welk jaar werd de VJTF opgericht?", "De VJTF werd opgericht na de inval op de Krim.", "nl"),
        ("En van welke datum is het bericht waarin ze dat zei?", "Het bericht gaat over kernwapens.", "nl"),
    ],
)
def test_a_date_question_answered_without_a_new_date_is_no_answer(
    question: str, answer: str, language: str
) -> None:
    assert count_mismatch(question, [answer], language, _ANALYSER) == "no_date"


@pytest.mark.parametrize(
    ("question", "answer", "language"),
    [
        ("Op welke dag kondigde Poetin het aan?", "Poetin kondigde het zaterdag aan.", "nl"),
        ("On what date did the treaty enter into force?", "It entered into force on 5 February 2011.", "en"),
        ("In welk jaar werd de VJTF opgericht?", "De VJTF werd in 2014 opgericht.", "nl"),
        ("Op welke dag in juni 2024 sprak Poetin?", "Poetin sprak op 20 juni 2024.", "nl"),
        ("On what date was it signed?", "It was signed on 08-04-2010 in Prague.", "en"),
        ("When did the treaty enter into force?", "After both parliaments had ratified it.", "en"),
        ("Op welke datum werd het verdrag getekend, en wie tekende het?", "De twee presidenten.", "nl"),
        ("Op welke top werd daartoe besloten, en in welk jaar?", "Op de top in Wales.", "nl"),
    ],
)
def test_a_date_question_answered_with_a_date_or_not_asking_one_passes(
    question: str, answer: str, language: str
) -> None:
    assert count_mismatch(question, [answer], language, _ANALYSER) is None
