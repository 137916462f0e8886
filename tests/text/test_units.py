"""Numbers with their unit: a number copied from a passage with another unit is caught; the
same quantity written in the other language, in words or with a scale word is not."""

from __future__ import annotations

import pytest

from rag.text.units import mismatched_units, numbers_with_units


def test_units_are_read_after_digits_words_and_scale_words_and_after_currency_signs() -> None:
    text = "2.000 kernwapens van 10 kiloton, 1,5 miljard euro, $ 40, vijf dagen, 12%, twintig jaar"
    assert numbers_with_units(text) == {
        ("10", "kiloton"), ("1500000000", "euro"), ("40", "dollar"), ("5", "day"), ("12", "percent"),
        ("20", "year"),
    }  # fmt: skip


def test_a_counted_noun_is_not_a_unit_and_one_is_an_article() -> None:
    assert numbers_with_units("2.000 kernwapens en 300 tanks, een dag") == set()


@pytest.mark.parametrize(
    ("sentence", "sources"),
    [
        ("It takes at most 5 days.", "Rusland heeft maximaal vijf dagen nodig."),
        ("The plan costs 5.5 billion euros.", "Het plan kost 5,5 miljard euro."),
        ("Defence spending rose by 12 percent.", "De uitgaven stegen met 12 procent."),
        ("The weapons have a yield of 10 kilotons.", "2.000 kernwapens van 10 kiloton"),
    ],
)
def test_the_same_quantity_in_the_other_language_matches(sentence: str, sources: str) -> None:
    assert mismatched_units(sentence, sources) == set()


def test_a_number_copied_with_another_unit_is_reported() -> None:
    sources = "Rusland heeft zo'n 2.000 tactische kernwapens."
    assert mismatched_units("Their yield is about 2.000 kilotons.", sources) == {("2000", "kiloton")}
    assert mismatched_units("The exercise lasted 3 weeks.", "De oefening duurde 3 dagen.") == {("3", "week")}


def test_a_number_the_sources_lack_is_left_to_the_number_check() -> None:
    assert mismatched_units("It lasted 9 days.", "De oefening duurde 3 dagen.") == set()
