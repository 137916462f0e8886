"""How a source is named for people, the same in the web chat's Sources panel, `rag ask` and the
Markdown export: the document's title, its file (what the person put in the corpus folder, so they
can open it), its date, and where in it the passage is (pages, section). Chunk and document ids
are for `rag inspect`, not for reading."""

from __future__ import annotations

from pathlib import PurePosixPath

from rag.types import Citation, Document, Frozen, Hit, page_label


class SourceLabel(Frozen):
    title: str
    file: str = ""  # the path in the corpus folder; "" when unknown or the title already says it
    date: str = ""
    where: str = ""  # "p. 4–5 · Methods", "p. 7", ""

    def details(self) -> list[str]:
        return [part for part in (self.file, self.date, self.where) if part]

    def text(self) -> str:
        """ "Title (report.pdf, 2023-03, p. 4 · Methods)"; just "Title" when nothing more is known."""
        details = self.details()
        return f"{self.title} ({', '.join(details)})" if details else self.title


def _file(title: str, document: Document | None) -> str:
    """The document's path, unless the title is just its name (a title taken from the file name)."""
    if document is None:
        return ""
    path = PurePosixPath(document.path)
    same = {path.name.casefold(), path.stem.casefold(), path.stem.replace("_", " ").casefold()}
    return "" if title.strip().casefold() in same else document.path


def citation_label(citation: Citation, document: Document | None) -> SourceLabel:
    """`document`: the cited one, when the index still holds it (a saved answer may outlive it)."""
    return SourceLabel(
        title=citation.title, file=_file(citation.title, document), date=citation.date or "",
        where=citation.location,
    )  # fmt: skip


def hit_label(hit: Hit, document: Document | None) -> SourceLabel:
    chunk = hit.chunk
    return SourceLabel(
        title=chunk.doc_title, file=_file(chunk.doc_title, document), date=chunk.doc_date or "",
        where=page_label(chunk.pages),
    )  # fmt: skip
