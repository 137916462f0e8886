"""PDF: reading order of a two-column article, running headers and page numbers dropped,
hyphenation undone, footnotes and captions apart, pages of known sentences; scans through OCR;
encrypted and corrupt files skipped with a reason."""

from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path
from typing import Literal

import pytest

from rag.corpus import chunk_document, load_corpus
from rag.corpus.pages import pages_of
from rag.errors import CorpusError
from rag.types import Document
from tests.corpus.fixtures import CAPTION, FOOTNOTE, HEADER, text_pdf, two_column_pdf
from tests.corpus.helpers import words

ORDERS = ["columns", "rows"]
# Sentences in reading order, including one that runs on from the left column into the right and
# one that runs on from page 1 to page 2.
SENTENCES = [
    ("The first column opens with a sentence about radar stations on the coast.", (1,)),
    (
        "This sentence starts in the left column and only ends in the right column after a long list "
        "of reasons, such as geography, railway gauges, bridges and the narrow Suwalki gap between "
        "Poland and Lithuania.",
        (1,),
    ),
    ("Critics answered that the battalions were too small to stop an attack", (1,)),
    (
        "The second column closes page one with a sentence about a tripwire force that runs on to the "
        "next page, where it ends.",
        (1, 2),
    ),
    ("Page two goes on with a sentence about the summit in Madrid.", (2,)),
    ("The right column of page two reports that the airspace was patrolled around the clock.", (2,)),
    ("The last page sums up the argument in one sentence about credible deterrence.", (3,)),
    ("The final sentence of the article thanks the reviewers for their comments.", (3,)),
]


@functools.cache
def article(order: Literal["columns", "rows"]) -> Document:
    folder = Path(tempfile.mkdtemp(prefix=f"rag-pdf-{order}-"))
    two_column_pdf(folder / "article.pdf", order=order)
    return load_corpus(folder).documents[0]


def _span(doc: Document, sentence: str) -> tuple[int, int]:
    start = doc.text.find(sentence)
    assert start >= 0, f"not found whole: {sentence!r}"
    return start, start + len(sentence)


@pytest.mark.parametrize("order", ORDERS)
def test_two_columns_are_read_in_order(order: Literal["columns", "rows"]) -> None:
    doc = article(order)
    starts = [_span(doc, sentence)[0] for sentence, _ in SENTENCES]
    assert starts == sorted(starts)


@pytest.mark.parametrize("order", ORDERS)
def test_running_headers_and_page_numbers_are_dropped(order: Literal["columns", "rows"]) -> None:
    doc = article(order)
    assert HEADER not in doc.text and "Journal of Tests" not in doc.text
    paragraphs = doc.text.split("\n\n")
    assert not [p for p in paragraphs if p.strip().isdigit()]
    assert doc.title == "Deterrence in the Baltic states"  # the title on page 1 is not a header


@pytest.mark.parametrize("order", ORDERS)
def test_hyphenated_line_ends_are_joined(order: Literal["columns", "rows"]) -> None:
    text = article(order).text
    assert "the battalions were too small" in text  # "bat-" + "talions"
    assert "the vulnerabilities of the small states" in text  # "vulner-" + "abilities"
    assert "bat-" not in text and "vulner-" not in text


@pytest.mark.parametrize("order", ORDERS)
def test_footnote_and_caption_are_their_own_passages(order: Literal["columns", "rows"]) -> None:
    doc = article(order)
    regions = {kind: doc.text[s:e] for s, e, kind in doc.regions}
    assert regions == {"footnote": FOOTNOTE, "caption": CAPTION}
    chunks = chunk_document(doc, words, target_tokens=60, overlap_tokens=10)
    kinds = {c.text: c.kind for c in chunks if c.kind != "text"}
    assert kinds == {FOOTNOTE: "footnote", CAPTION: "caption"}
    footnote = next(c for c in chunks if c.kind == "footnote")
    caption = next(c for c in chunks if c.kind == "caption")
    assert (footnote.pages, caption.pages) == ((1,), (2,))


@pytest.mark.parametrize("order", ORDERS)
def test_pages_of_known_sentences(order: Literal["columns", "rows"]) -> None:
    doc = article(order)
    for sentence, pages in SENTENCES:
        assert pages_of(doc, *_span(doc, sentence)) == pages, sentence
    assert pages_of(doc, 0, len(doc.text)) == (1, 2, 3)


def test_every_chunk_knows_its_pages() -> None:
    doc = article("rows")
    chunks = chunk_document(doc, words, target_tokens=40, overlap_tokens=0)
    for chunk in chunks:
        assert doc.text[chunk.start : chunk.end] == chunk.text
        assert chunk.pages and chunk.pages == pages_of(doc, chunk.start, chunk.end)
    last_page = next(c for c in chunks if "final sentence of the article" in c.text)
    assert last_page.pages == (3,)


def test_unpaged_documents_have_no_pages(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Een zin over de NAVO.", "utf-8")
    doc = load_corpus(tmp_path).documents[0]
    assert doc.pages == () and pages_of(doc, 0, len(doc.text)) == ()
    assert chunk_document(doc, words, target_tokens=10, overlap_tokens=0)[0].pages == ()


def test_encrypted_and_corrupt_pdfs_are_skipped_and_the_rest_indexed(tmp_path: Path) -> None:
    text_pdf(tmp_path / "locked.pdf", ["A secret report about the budget."], user_password="geheim")
    (tmp_path / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage\n")
    (tmp_path / "truncated.pdf").write_bytes((tmp_path / "locked.pdf").read_bytes()[:300])
    text_pdf(tmp_path / "good.pdf", ["The good report says that the budget grew."])
    load = load_corpus(tmp_path)
    assert [d.path for d in load.documents] == ["good.pdf"]
    assert "the budget grew" in load.documents[0].text
    reasons = {s.path: s.reason for s in load.skipped}
    assert reasons["locked.pdf"].startswith("locked.pdf is encrypted")
    assert "without a password" in reasons["locked.pdf"]
    assert reasons["corrupt.pdf"].startswith("corrupt.pdf is not a readable PDF")
    assert reasons["truncated.pdf"].startswith("truncated.pdf is not a readable PDF")
    with pytest.raises(CorpusError, match=r"corrupt\.pdf is not a readable PDF"):
        load_corpus(tmp_path, strict=True)


def test_a_pdf_with_a_password_only_for_editing_is_read(tmp_path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(tmp_path / "owner.pdf"), encrypt=StandardEncryption("", ownerPassword="baas"))
    canvas.drawString(72, 720, "Anyone may read this report about the harbour.")
    canvas.save()
    assert "about the harbour" in load_corpus(tmp_path).documents[0].text


def test_a_scan_is_read_by_ocr(tmp_path: Path) -> None:
    from tests.corpus.fixtures import scanned_pdf

    assert shutil.which("tesseract"), "tesseract is missing: ./rag.sh installs tesseract-ocr"
    sentence = "De gemeente opent in maart een nieuwe bibliotheek aan het plein."
    scanned_pdf(tmp_path / "brief.pdf", sentence)
    doc = load_corpus(tmp_path).documents[0]
    assert sentence in " ".join(doc.text.split())
    assert pages_of(doc, 0, len(doc.text)) == (1,)


def test_a_scan_without_tesseract_is_skipped_naming_the_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.corpus.fixtures import scanned_pdf

    scanned_pdf(tmp_path / "scan.pdf", "Een brief.")
    (tmp_path / "note.txt").write_text("Een notitie.", "utf-8")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    load = load_corpus(tmp_path)
    assert [d.path for d in load.documents] == ["note.txt"]
    [skipped] = load.skipped
    assert skipped.path == "scan.pdf"
    assert "scan.pdf is a scan without a text layer" in skipped.reason
    assert "apt-get install tesseract-ocr tesseract-ocr-nld" in skipped.reason
