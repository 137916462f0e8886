"""Cleaning, on cases taken from the real seeds."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.corpus import clean_text
from tests.corpus.helpers import raw, seed


def _region_texts(prefix: str, kind: str) -> list[str]:
    doc = seed(prefix)
    return [doc.text[s:e] for s, e, k in doc.regions if k == kind]


@pytest.mark.parametrize(
    ("prefix", "joined"),
    [
        ("001", "het veiligheidsdilemma uit twee dilemma’s"),  # veilig-\nheidsdilemma
        ("001", "het Atlantische bondgenootschap dat"),  # bond-\ngenootschap
        ("001", "de zogeheten veiligheidsparadox zijn"),  # veiligheids-\nparadox
        ("001", "onaangekondigde grootschalige oefeningen"),  # groot-\nschalige
        ("001", "realistisch, liberaal, constructivistisch en fatalistisch"),
        ("001", "beleid van inmenging in enkele post-Sovjetstaten"),  # evidence: "post-Sovjetstaten"
    ],
)
def test_hyphenation_at_line_breaks_is_undone(prefix: str, joined: str) -> None:
    assert joined in seed(prefix).text


@pytest.mark.parametrize(
    "kept",
    [
        "langs de NAVO-grenzen, lijken",  # "NAVO- \ngrenzen": acronym, space after the hyphen
        "door onder meer Iskander-raketten",  # "Iskander- \nraketten"
        "het Open Skies-verdrag",
        "het JIT-rapport over vlucht MH17",  # "JIT-\nrapport": acronym
        "de kant van het RAND-rapport",  # "RAND-\nrapport": hyphenated elsewhere in the text
        "vanuit politiek-historisch perspectief",  # the text writes "politiek-militair"
        "Sinds het Oekraïne-conflict",
        "NRC Handelsblad 13-01-2016",  # a digit after the hyphen
        "Ook strategisch-operationele scenario’s",
    ],
)
def test_real_hyphens_are_kept(kept: str) -> None:
    assert kept in seed("001").text


def test_url_broken_over_lines_is_rejoined_without_space() -> None:
    assert "natos-nuclear-deterrence/index.html" in seed("000").text
    assert (
        "http://www.europeanleadershipnetwork.org/anatomy-of-a-russian-exercise_2914.html" in seed("001").text
    )


def test_web_boilerplate_lines_are_removed_but_dateline_kept() -> None:
    doc = seed("004")
    assert "Delen" not in doc.text
    assert "Terug naar boven" not in doc.text
    assert doc.text.startswith("vrijdag 14 oktober 2022 , 8:47")
    assert "Bron: The Council of the European Union" in doc.text


def test_date_marker_is_stripped_and_rest_of_line_kept() -> None:
    assert seed("002").text.startswith("Beeld uit een video")
    assert "date 2023" not in seed("002").text
    assert clean_text(" date 2023-03 Eerste zin.\n\nTweede.").date_marker == "2023-03"


def test_running_headers_and_vertical_debris_are_removed() -> None:
    text = seed("001").text
    assert "KERSTENS EN NOLL" not in text
    assert text.count("RUSLAND, DE NAVO EN HET VEILIGHEIDSDILEMMA") == 1  # the title page keeps it
    assert "FO TO" not in text and "\n\nFO\n\n" not in text
    assert "vanaf 1985.  n" not in text and text.count("vanaf 1985.") == 1


def test_text_is_nfc_even_where_raw_is_not() -> None:
    doc = seed("001")
    assert not unicodedata.is_normalized("NFC", raw(doc))
    assert unicodedata.is_normalized("NFC", doc.text)
    assert "Maliukevičius" in doc.text


def test_paragraphs_are_rebuilt_from_wrapped_lines() -> None:
    text = seed("000").text
    assert (
        "Zowel bij de aanvang van de Russische agressie tegen Oekraïne in 2014 als bij de escalatie" in text
    )
    assert "  " not in text and " \n" not in text
    assert "\n\nDe aanpassing van de nucleaire afschrikking van de Navo\n\n" in text  # heading paragraph


def test_sentence_split_by_footnotes_across_a_page_is_rejoined() -> None:
    text = seed("000").text
    assert "Dergelijke statements werden sindsdien systematisch herhaald." in text


def test_column_split_sentence_without_intervening_text_is_joined() -> None:
    assert "Deze harde conclusie in het voorjaar van 2016" in seed("001").text


def test_headings_and_bylines_do_not_run_into_the_next_column() -> None:
    text = seed("001").text
    assert "\n\nLTZ1 B. Kerstens MSc EMSD en dr. J.E. Noll*\n\n" in text
    assert "\n\nDoekje voor het bloeden?\n\n" in text


def test_footnotes_of_001_become_footnote_regions() -> None:
    footnotes = _region_texts("001", "footnote")
    starts = [p.split(" ", 1)[0] for region in footnotes for p in region.split("\n\n")]
    numbered = [int(s) for s in starts if s.isdigit()]
    assert numbered == list(range(1, 65))  # every footnote 1..64, in order, each its own paragraph
    assert any("D.A. Shlapak, M.W. Johnson Reinforcing Deterrence" in r for r in footnotes)
    text_only = _text_outside_regions("001")
    assert "Wales Summit Declaration" not in text_only
    assert "Ibid., 42-50." not in text_only


def test_footnotes_of_000_become_footnote_regions() -> None:
    footnotes = _region_texts("000", "footnote")
    assert len(footnotes) == 2
    assert footnotes[0].startswith("1 https://tass.com/defense/1412575")
    assert footnotes[1].rstrip().endswith("bleak-prospects-for-nuclear-disarmament/ .")


def test_captions_of_001_become_caption_regions() -> None:
    captions = _region_texts("001", "caption")
    assert (
        "Nederland leverde in het voorjaar van 2017 vier F-16’s ter verdediging van het luchtruim "
        "boven de Baltische staten" in captions
    )
    assert any(
        c.startswith("Figuur 1 Het veiligheidsdilemma") and c.endswith("samenwerking") for c in captions
    )
    assert any("‘enhanced Forward Presence’ geleid door Canada" in c for c in captions)  # ‘en-\nhanced
    assert "Nederland leverde in het voorjaar" not in _text_outside_regions("001")


def _text_outside_regions(prefix: str) -> str:
    doc = seed(prefix)
    pieces, cursor = [], 0
    for start, end, _ in sorted(doc.regions):
        pieces.append(doc.text[cursor:start])
        cursor = end
    pieces.append(doc.text[cursor:])
    return "".join(pieces)


def test_regions_are_sorted_disjoint_and_trimmed() -> None:
    for prefix in ("000", "001"):
        doc = seed(prefix)
        previous_end = 0
        for start, end, _ in doc.regions:
            assert previous_end <= start < end <= len(doc.text)
            assert doc.text[start:end] == doc.text[start:end].strip()
            previous_end = end


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_segments_copy_raw_text_exactly(prefix: str) -> None:
    doc = seed(prefix)
    source = raw(doc)
    assert doc.segments
    for seg in doc.segments:
        assert (
            source[seg.raw_start : seg.raw_start + seg.length] == doc.text[seg.start : seg.start + seg.length]
        )


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_copied_character_is_aligned(prefix: str) -> None:
    """Characters not covered by a segment are only what cleaning inserted: joining spaces and
    paragraph breaks (and the one NFC-composed letter of 001)."""
    doc = seed(prefix)
    covered = set()
    for seg in doc.segments:
        covered.update(range(seg.start, seg.start + seg.length))
    uncovered = {doc.text[i] for i in range(len(doc.text)) if i not in covered}
    assert uncovered <= {" ", "\n", "č"}


_RAW_TEXT = st.text(alphabet=st.sampled_from(list("ab Cé-.\n\n  1x\u0301\u00adNAVO:,?")), max_size=300)


@settings(max_examples=150, deadline=None)
@given(_RAW_TEXT)
def test_cleaning_any_text_keeps_alignment_and_regions_valid(source: str) -> None:
    result = clean_text(source)
    assert result.text == result.text.strip()
    assert unicodedata.is_normalized("NFC", result.text)
    for seg in result.segments:
        assert seg.length > 0
        assert (
            source[seg.raw_start : seg.raw_start + seg.length]
            == result.text[seg.start : seg.start + seg.length]
        )
    for start, end, _ in result.regions:
        assert 0 <= start < end <= len(result.text)
