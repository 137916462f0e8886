"""Mapping gold quotes (verbatim from the raw files) onto the cleaned text."""

from __future__ import annotations

import pytest

from rag.corpus import clean_span_to_raw, find_quote, gold_normalise, raw_span_to_clean
from tests.corpus.helpers import GOLD_FILES, gold_quotes, raw, seed, squash
from tests.shared_eval import require

QUOTES = gold_quotes()


def test_there_are_gold_quotes_to_check() -> None:
    for path in GOLD_FILES:
        require(path)
    assert len(QUOTES) >= 40


@pytest.mark.parametrize(
    ("item", "source", "quote"), QUOTES, ids=[f"{q[0]}-{i}" for i, q in enumerate(QUOTES)]
)
def test_every_gold_quote_maps_to_its_cleaned_text(item: str, source: str, quote: str) -> None:
    doc = seed(source[:3])
    span = find_quote(doc, raw(doc), quote)
    assert span is not None, f"{item}: quote not located"
    start, end = span
    assert 0 <= start < end <= len(doc.text)
    assert squash(doc.text[start:end]) == squash(gold_normalise(quote))


def test_quote_not_in_the_file_is_none() -> None:
    doc = seed("003")
    assert find_quote(doc, raw(doc), "Deze zin staat nergens in het corpus.") is None
    assert find_quote(doc, raw(doc), "   ") is None


def test_quote_that_was_cleaned_away_is_none() -> None:
    doc = seed("004")
    assert find_quote(doc, raw(doc), "Terug naar boven") is None


def test_hyphenated_quote_maps_onto_the_joined_word() -> None:
    doc = seed("001")
    span = find_quote(doc, raw(doc), "het veilig- heidsdilemma uit twee dilemma’s bestaat")
    assert span is not None
    assert doc.text[span[0] : span[1]] == "het veiligheidsdilemma uit twee dilemma’s bestaat"


def test_spans_round_trip_through_raw() -> None:
    doc = seed("002")
    source = raw(doc)
    start = doc.text.index("Rjabkov zei woensdag")
    end = start + len("Rjabkov zei woensdag")
    raw_span = clean_span_to_raw(doc, start, end)
    assert raw_span is not None
    assert source[raw_span[0] : raw_span[1]] == "Rjabkov zei woensdag"
    assert raw_span_to_clean(doc, *raw_span) == (start, end)


def test_span_of_removed_text_maps_to_none() -> None:
    doc = seed("004")
    source = raw(doc)
    where = source.index("Terug naar boven")
    assert raw_span_to_clean(doc, where, where + 16) is None
