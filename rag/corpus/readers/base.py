"""What a reader returns, the error it raises, and lazy imports of optional libraries."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType

from rag.errors import CorpusError


@dataclass(frozen=True)
class Extracted:
    """A document's text as its reader found it: the "raw" text that cleaning aligns to.

    `pages` holds the offset in `text` where each page starts (page 1 at pages[0]), empty for
    formats without pages. `headings` holds (start, end, level) spans of `text`. `title` and
    `date` ("YYYY-MM[-DD]") come from the file's metadata when it has them.
    """

    text: str
    pages: tuple[int, ...] = ()
    headings: tuple[tuple[int, int, int], ...] = ()
    title: str | None = None
    date: str | None = None
    notes: tuple[str, ...] = field(default=())  # e.g. "read by OCR"


class ReaderError(CorpusError):
    """A file that cannot be read. The message follows the file's name: "is encrypted: ..."."""


def require(module: str, package: str) -> ModuleType:
    """Import `module`, or fail naming the Python package that provides it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ReaderError(
            f"needs the Python package '{package}', which is not installed: "
            f"run '.venv/bin/pip install -e .' (or pip install {package})"
        ) from exc


class TextBuilder:
    """Builds a reader's text from paragraphs (separated by a blank line), remembering where
    pages start and which paragraphs are headings."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.pages: list[int] = []
        self.headings: list[tuple[int, int, int]] = []

    def new_page(self) -> None:
        if self.parts:
            self._add("\n\n")
        self.pages.append(self.length)

    def paragraph(self, text: str, *, heading: int = 0) -> None:
        text = text.strip()
        if not text:
            return
        if self.parts and not (self.pages and self.pages[-1] == self.length):
            self._add("\n\n")
        if heading:
            self.headings.append((self.length, self.length + len(text), heading))
        self._add(text)

    def _add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def build(self, *, title: str | None = None, date: str | None = None) -> Extracted:
        return Extracted(
            text="".join(self.parts),
            pages=tuple(self.pages),
            headings=tuple(self.headings),
            title=title or None,
            date=date or None,
        )
