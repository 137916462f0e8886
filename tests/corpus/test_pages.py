"""page_runs and pages_of: pages of the cleaned text from raw page starts and the alignment."""

from __future__ import annotations

from rag.corpus.pages import page_runs, pages_of
from rag.types import Document, Segment


def _doc(text: str, pages: tuple[tuple[int, int, int], ...]) -> Document:
    return Document(id="d", path="d.pdf", title="t", content_hash="h", text=text, pages=pages)


def test_a_segment_crossing_a_page_start_is_split() -> None:
    # raw: "aaaa|bbbb" with page 2 starting at raw 4; cleaned text copies it whole.
    runs = page_runs((Segment(start=0, raw_start=0, length=8),), (0, 4))
    assert runs == ((0, 4, 1), (4, 8, 2))


def test_moved_text_keeps_its_page() -> None:
    # cleaned = raw[0:5] + " " + raw[10:14] + "\n\n" + raw[5:9]: a page-1 footnote moved after page 2 text.
    segments = (
        Segment(start=0, raw_start=0, length=5),
        Segment(start=6, raw_start=10, length=4),
        Segment(start=12, raw_start=5, length=4),
    )
    runs = page_runs(segments, (0, 10))
    assert runs == ((0, 5, 1), (6, 10, 2), (12, 16, 1))
    doc = _doc("x" * 16, runs)
    assert pages_of(doc, 0, 16) == (1, 2)
    assert pages_of(doc, 6, 10) == (2,)
    assert pages_of(doc, 12, 16) == (1,)
    assert pages_of(doc, 5, 6) == ()  # only an inserted space


def test_no_page_starts_no_runs() -> None:
    assert page_runs((Segment(start=0, raw_start=0, length=3),), ()) == ()


def test_an_inserted_space_inside_one_page_belongs_to_its_run() -> None:
    segments = (Segment(start=0, raw_start=0, length=3), Segment(start=4, raw_start=4, length=3))
    assert page_runs(segments, (0, 20)) == ((0, 7, 1),)
