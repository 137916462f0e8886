"""Weekdays and months are found in both languages, as shared keys, and read from a document date."""

from __future__ import annotations

from rag.text.dates import calendar_words, date_calendar


def test_dutch_and_english_names_of_the_same_day_share_a_key() -> None:
    assert calendar_words("Borrell sprak zich donderdag uit.") == {"weekday:3"}
    assert calendar_words("Borrell spoke on Thursday.") == {"weekday:3"}
    assert calendar_words("zaterdagavond") == calendar_words("Saturday") == {"weekday:5"}


def test_months_in_both_languages_and_written_short() -> None:
    assert calendar_words("op 14 maart 2023") == calendar_words("on 14 March 2023") == {"month:3"}
    assert calendar_words("14 okt. 2022") == calendar_words("Oct. 14, 2022") == {"month:10"}
    assert calendar_words("in mei en in augustus") == {"month:5", "month:8"}


def test_english_verbs_and_adjectives_are_not_months() -> None:
    assert calendar_words("Russia may march on, an august body said.") == set()
    assert calendar_words("In May the troops began to march.") == {"month:5"}


def test_a_document_date_gives_its_month_and_weekday() -> None:
    assert date_calendar("2023-03-25") == {"month:3", "weekday:5"}  # a Saturday
    assert date_calendar("2023-03") == {"month:3"}
    assert date_calendar("2023-02-30") == set()
    assert date_calendar(None) == set() and date_calendar("x") == set()
