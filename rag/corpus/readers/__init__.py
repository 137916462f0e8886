"""One reader per format, chosen by the file's suffix.

A reader takes (path, bytes) and returns `Extracted`: the text as the format gives it (the "raw"
text that cleaning aligns to), where pages start, headings, and the title and date of the file's
metadata. Libraries are imported when a file of their format is read, and a missing one fails
naming the package to install. Add a format: write `read_x(path, data) -> Extracted` and add its
suffixes to READERS.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rag.corpus.readers.base import Extracted, ReaderError
from rag.corpus.readers.markup import read_epub, read_html
from rag.corpus.readers.office import read_docx, read_odt
from rag.corpus.readers.pdf import read_pdf
from rag.corpus.readers.text import decode, read_text

Reader = Callable[[Path, bytes], Extracted]

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".text": read_text,
    ".md": read_text,
    ".markdown": read_text,
    ".pdf": read_pdf,
    ".docx": read_docx,
    ".odt": read_odt,
    ".html": read_html,
    ".htm": read_html,
    ".xhtml": read_html,
    ".epub": read_epub,
}
SUFFIXES = tuple(READERS)
MARKDOWN = (".md", ".markdown")


def reader_for(path: Path) -> Reader | None:
    return READERS.get(path.suffix.lower())


def read_document(path: Path, data: bytes) -> Extracted:
    """The file's text through the reader of its suffix; ReaderError when there is none."""
    reader = reader_for(path)
    if reader is None:
        raise ReaderError(
            f"has an unsupported format ({path.suffix or 'no suffix'}): supported are "
            f"{', '.join(SUFFIXES)}; convert it to one of these or remove it"
        )
    return reader(path, data)


__all__ = [
    "MARKDOWN",
    "READERS",
    "SUFFIXES",
    "Extracted",
    "ReaderError",
    "decode",
    "read_document",
    "reader_for",
]
