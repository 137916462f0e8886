"""Numbers in words read as digit strings, in Dutch and English."""

from __future__ import annotations

import pytest

from rag.text import spelled_numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ongeveer vijfduizend militairen", {"5000"}),
        ("drieëntwintig landen", {"23"}),
        ("tweehonderdvijftig tanks", {"250"}),
        ("drieduizendvijfhonderdtwintig", {"3520"}),
        ("two hundred and fifty troops", {"250"}),
        ("twenty-one allies", {"21"}),
        ("five thousand soldiers", {"5000"}),
        ("negen van de twaalf oefeningen", {"9", "12"}),
        ("5.500 or 5,500 or 5500", {"5500"}),
        ("5 miljoen euro", {"5", "1000000", "5000000"}),
        ("duizend soldaten", {"1000"}),
    ],
)
def test_numbers_in_words_and_digits(text: str, expected: set[str]) -> None:
    assert spelled_numbers(text) == expected


@pytest.mark.parametrize(
    "text", ["een rapport over de NAVO", "one of them", "honderden soldaten", "duizenden burgers", "achten"]
)
def test_words_that_only_look_like_numbers_are_not_numbers(text: str) -> None:
    assert spelled_numbers(text) == set()


def test_and_joins_a_number_only_after_a_scale() -> None:
    assert spelled_numbers("vijf en zes") == {"5", "6"}
    assert spelled_numbers("two hundred and five") == {"205"}
