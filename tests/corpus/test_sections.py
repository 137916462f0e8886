"""Headings carried from the readers into Documents and chunks; the section of an offset; the
pages of a span inside a chunk."""

from __future__ import annotations

from pathlib import Path

from rag.corpus import chunk_document, load_corpus
from rag.corpus.pages import clip_runs, pages_in
from rag.corpus.sections import document_headings, headings_for, section_at
from rag.types import Segment, page_label
from tests.corpus.fixtures import docx_file, epub_file

HEADINGS = ((0, 1, "Inleiding"), (100, 2, "Kosten"), (250, 2, "Baten"))


def test_section_is_the_nearest_heading_at_or_before_the_offset() -> None:
    assert section_at(HEADINGS, 0) == "Inleiding"
    assert section_at(HEADINGS, 99) == "Inleiding"
    assert section_at(HEADINGS, 100) == "Kosten"
    assert section_at(HEADINGS, 400) == "Baten"
    assert section_at(((50, 1, "Later"),), 10) is None
    assert section_at((), 10) is None


def test_a_chunk_keeps_the_heading_in_force_and_those_inside_it() -> None:
    assert headings_for(HEADINGS, 120, 300) == ((100, 2, "Kosten"), (250, 2, "Baten"))
    assert headings_for(HEADINGS, 100, 200) == ((100, 2, "Kosten"),)
    assert headings_for(((50, 1, "Later"),), 0, 40) == ()


def test_raw_headings_are_mapped_into_the_cleaned_text() -> None:
    # raw "  Kop\n\nTekst": cleaning dropped the two leading spaces.
    segments = (Segment(start=0, raw_start=2, length=10),)
    assert document_headings("Kop\n\nTekst", segments, ((2, 5, 1),)) == ((0, 1, "Kop"),)
    assert document_headings("Kop\n\nTekst", segments, ((0, 2, 1),)) == ()  # cleaned away


def test_docx_headings_reach_the_document_and_its_chunks(tmp_path: Path) -> None:
    docx_file(tmp_path / "verslag.docx")
    [doc] = load_corpus(tmp_path).documents
    assert [(level, text) for _, level, text in doc.headings] == [
        (1, "Jaarverslag van de vereniging"), (2, "Activiteiten"), (2, "Financiën"),
    ]  # fmt: skip
    assert all(doc.text[o : o + len(t)] == t for o, _, t in doc.headings)
    contributie = doc.text.index("De contributie")
    assert section_at(doc.headings, contributie) == "Financiën"
    chunks = chunk_document(doc, lambda s: len(s.split()), target_tokens=8, overlap_tokens=0)
    holder = next(c for c in chunks if c.start <= contributie < c.end)
    assert section_at(holder.headings, contributie) == "Financiën"


def test_epub_chapter_headings_reach_the_document(tmp_path: Path) -> None:
    chapters = [("Hoofdstuk een", "Het boek begint in Amsterdam."), ("Hoofdstuk twee", "Dan Utrecht.")]
    epub_file(tmp_path / "boek.epub", chapters)
    [doc] = load_corpus(tmp_path).documents
    assert section_at(doc.headings, doc.text.index("Dan Utrecht")) == "Hoofdstuk twee"
    assert section_at(doc.headings, doc.text.index("Het boek begint")) == "Hoofdstuk een"


def test_pages_of_a_span_inside_a_chunk() -> None:
    runs = ((0, 50, 3), (50, 120, 4), (120, 200, 5))
    clipped = clip_runs(runs, 40, 130)
    assert clipped == ((40, 50, 3), (50, 120, 4), (120, 130, 5))
    assert pages_in(clipped, 60, 80) == (4,)
    assert pages_in(clipped, 45, 60) == (3, 4)


def test_page_labels() -> None:
    assert page_label((4,)) == "p. 4"
    assert page_label((4, 5)) == "p. 4–5"
    assert page_label((3, 4, 8)) == "p. 3–4, 8"
    assert page_label(()) == ""
