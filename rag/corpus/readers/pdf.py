"""PDF with a text layer, through pdfminer.six's layout analysis; pages without text through OCR.

pdfminer.six was chosen by measurement (tests/corpus/fixtures.py, a two-column article): it
returned the left column fully before the right whether the producer drew the page column by
column or row by row; pypdfium2 follows the drawing order (wrong for the row-by-row file), and
pdfplumber's extract_text merges both columns line by line.

Every text box becomes a paragraph, its lines kept, so that the common cleaning (clean.py) undoes
hyphenation, rebuilds paragraphs, joins a sentence that runs on into the next column or page, and
sets footnotes and captions apart. Running headers and footers are dropped here, where their place
on the page is known: a box in the top or bottom band of a page that is a page number, or whose
text (digits aside) recurs in that band on other pages.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.corpus.readers.base import Extracted, ReaderError, TextBuilder, require
from rag.corpus.readers.ocr import ocr_pdf_pages

MARGIN_BAND = 0.1  # share of the page height at the top and at the bottom holding headers/footers
_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|pagina|blz\.?|p\.)\s*)?[-–— ]*(?:\d{1,4}|[ivxlcdm]{1,6})"
    r"(?:\s*(?:/|of|van)\s*\d{1,4})?[-–— ]*$",
    re.IGNORECASE,
)
_FILE_TITLE = re.compile(r"(?:\.(?:docx?|pdf|indd|tex|odt|rtf)$|^microsoft word|^untitled)", re.IGNORECASE)
_CID = re.compile(r"\(cid:\d+\)")  # pdfminer's stand-in for a glyph without a Unicode mapping
_MIN_PAGE_TEXT = 5  # visible characters: a page with fewer and with an image is a scan


@dataclass(frozen=True)
class Box:
    text: str
    top: float  # distance from the page's top edge to the box's top, points
    bottom: float  # distance from the page's bottom edge to the box's bottom, points
    height: float  # the page's height


@dataclass(frozen=True)
class Page:
    boxes: list[Box]
    has_image: bool


def read_pdf(path: Path, data: bytes) -> Extracted:
    pages, info = _layout(path)
    kept = _drop_running_lines(pages)
    scans = [i for i, page in enumerate(pages) if _needs_ocr(page, kept[i])]
    ocr_text = ocr_pdf_pages(path, scans) if scans else {}
    builder = TextBuilder()
    for i, boxes in enumerate(kept):
        builder.new_page()
        if i in ocr_text:
            builder.paragraph(ocr_text[i])
            continue
        for box in boxes:
            builder.paragraph(box.text)
    # No date from the metadata: a PDF's CreationDate is when it was exported, not written.
    extracted = builder.build(title=_title(info))
    if not extracted.text.strip():
        raise ReaderError("has no text layer and OCR found no text in it: check that it is a document")
    return extracted


def _layout(path: Path) -> tuple[list[Page], dict[str, Any]]:
    """Every page's text boxes in pdfminer's reading order, and the document info dictionary."""
    require("pdfminer", "pdfminer.six")
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.psexceptions import PSException

    pages: list[Page] = []
    try:
        with path.open("rb") as handle:
            document = PDFDocument(PDFParser(handle))
            info = document.info[0] if document.info else {}
            manager = PDFResourceManager()
            device = PDFPageAggregator(manager, laparams=LAParams())
            interpreter = PDFPageInterpreter(manager, device)
            for pdf_page in PDFPage.create_pages(document):
                interpreter.process_page(pdf_page)
                pages.append(_page(device.get_result()))
    except PDFEncryptionError as exc:
        raise ReaderError(
            "is encrypted (it needs a password to open): save a copy without a password and put that "
            "in the corpus folder"
        ) from exc
    except (PSException, ValueError, KeyError, TypeError, AssertionError) as exc:
        raise ReaderError(
            f"is not a readable PDF ({type(exc).__name__}: {exc}): re-save or re-export it"
        ) from exc
    if not pages:
        raise ReaderError("is a PDF without pages: re-save or re-export it")
    return pages, info


def _page(layout: Any) -> Page:
    from pdfminer.layout import LTFigure, LTImage, LTTextContainer

    height = float(layout.height)
    boxes = [
        Box(text, height - float(item.y1), float(item.y0), height)
        for item in layout
        if isinstance(item, LTTextContainer) and (text := _CID.sub("", item.get_text())).strip()
    ]
    return Page(boxes, has_image=any(isinstance(item, LTFigure | LTImage) for item in layout))


def _normal(text: str) -> str:
    return " ".join(re.sub(r"\d+", "#", text).casefold().split())


def _in_band(box: Box) -> bool:
    return box.top < MARGIN_BAND * box.height or box.bottom < MARGIN_BAND * box.height


def _drop_running_lines(pages: list[Page]) -> list[list[Box]]:
    """Each page's boxes without page numbers and running headers/footers."""
    seen_on = Counter(text for page in pages for text in {_normal(b.text) for b in page.boxes if _in_band(b)})
    kept: list[list[Box]] = []
    for page in pages:
        kept.append(
            [
                box
                for box in page.boxes
                if not (
                    _in_band(box)
                    and (_PAGE_NUMBER.match(box.text.strip()) or seen_on[_normal(box.text)] >= 2)
                )
            ]
        )
    return kept


def _needs_ocr(page: Page, boxes: list[Box]) -> bool:
    visible = sum(len("".join(b.text.split())) for b in boxes)
    return page.has_image and visible < _MIN_PAGE_TEXT


def _info_text(info: dict[str, Any], key: str) -> str:
    value: Any = info.get(key)
    if hasattr(value, "resolve"):
        value = value.resolve()
    if isinstance(value, bytes):
        from pdfminer.utils import decode_text

        value = decode_text(value)
    return " ".join(value.split()) if isinstance(value, str) else ""


def _title(info: dict[str, Any]) -> str | None:
    title = _info_text(info, "Title")
    return title if title and not _FILE_TITLE.search(title) else None
