"""The sentence splitter: Dutch abbreviations, initials, footnote marks, offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.corpus import split_sentences


def _sentences(text: str, language: str = "nl") -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, language)]


@pytest.mark.parametrize(
    "sentence",
    [
        "Dit geldt o.a. voor de Baltische staten.",
        "Neem bijv. Estland als voorbeeld.",
        "Volgens mr. Jansen is dat zo.",
        "Dat schreef dr. J.E. Noll in 2017.",
        "Het gaat om wapens e.d. die snel inzetbaar zijn.",
        "Er zijn afspraken m.b.t. de Founding Act.",
        "Het is een dilemma, d.w.z. een keuze zonder goede uitkomst.",
        "Rusland heeft ca. 2.000 van deze wapens.",
        "Zie nr. 94 van het AIV voor meer.",
        "Het rapport van D.A. Shlapak en M.W. Johnson verscheen in 2016.",
        "Dr. Noll en Mr. Jansen waren het eens.",
    ],
)
def test_no_split_after_abbreviations_and_initials(sentence: str) -> None:
    text = f"Eerste zin. {sentence} Laatste zin."
    assert _sentences(text) == ["Eerste zin.", sentence, "Laatste zin."]


def test_footnote_number_glued_to_a_sentence_end_stays_with_it() -> None:
    text = "Een wake-up call voor de NAVO.1 Na de Russische inval volgde de VJTF."
    assert _sentences(text) == ["Een wake-up call voor de NAVO.1", "Na de Russische inval volgde de VJTF."]


def test_questions_exclamations_quotes_and_paragraphs() -> None:
    text = (
        "Is de ander goed- of kwaadwillend? Dat weet niemand! Hij zei: ‘Dit is geen bluf.’ Toen\n\nniets meer"
    )
    assert _sentences(text) == [
        "Is de ander goed- of kwaadwillend?",
        "Dat weet niemand!",
        "Hij zei: ‘Dit is geen bluf.’",
        "Toen",
        "niets meer",
    ]


def test_no_split_before_lowercase_or_inside_numbers() -> None:
    text = "In 2016 waren er 10.000 militairen, i.e. een brigade. Tanks 14.300 32.700 stuks."
    assert _sentences(text) == [
        "In 2016 waren er 10.000 militairen, i.e. een brigade.",
        "Tanks 14.300 32.700 stuks.",
    ]


def test_enumeration_at_sentence_start_is_not_a_sentence() -> None:
    assert _sentences("1. In het geval van een conflict. 2. De afschrikking.") == [
        "1. In het geval van een conflict.",
        "2. De afschrikking.",
    ]


def test_english_abbreviations() -> None:
    assert _sentences("Mrs. Smith met Dr. Jones. They agreed.", "en") == [
        "Mrs. Smith met Dr. Jones.",
        "They agreed.",
    ]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("Ab c.?!\n’1 dr")), max_size=200))
def test_spans_are_ordered_trimmed_and_cover_all_words(text: str) -> None:
    spans = split_sentences(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        previous_end = end
    assert "".join("".join(text[s:e].split()) for s, e in spans) == "".join(text.split())
