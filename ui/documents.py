"""The Documents tab without Gradio: what happens on an upload, a removal or "Re-index", and the
rows of the documents table (each file of the corpus folder with its status).

A file's status: "indexed" (in the index the chat answers from), "indexing" (in the folder, a pass
is running or queued), "skipped" (the last pass or the folder listing could not use it; the reason
is its one line), "not indexed" (added outside the chat since the last pass: press Re-index),
"removed" (still in the index, its file gone: leaves with the next pass).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Literal

from rag.corpus import SkippedFile
from rag.corpus.library import AddResult, add_file, remove_file
from rag.corpus.load import corpus_files
from rag.errors import RagError
from ui.chat import AssistantProvider
from ui.indexer import BackgroundIndexer, IndexerState
from ui.messages import friendly_message

if TYPE_CHECKING:
    from rag.types import Document

Status = Literal["indexed", "indexing", "skipped", "not indexed", "removed"]
NOT_INDEXED = "added to the folder since the last indexing: press Re-index"
STAGE_TEXT = {
    "reading": "Reading the documents",
    "chunking": "Splitting into passages",
    "embedding": "Embedding passages",
    "saving": "Saving the index",
    "done": "Loading the new index",
}
# Where each stage starts and ends on the bar: reading files and embedding take the time.
STAGE_SPAN = {
    "reading": (0.0, 0.3),
    "chunking": (0.3, 0.35),
    "embedding": (0.35, 0.95),
    "saving": (0.95, 0.99),
    "done": (0.99, 1.0),
}


@dataclass(frozen=True)
class DocumentRow:
    path: str  # relative to the corpus folder
    title: str
    kind: str  # "PDF", "DOCX", ...
    status: Status
    pages: int | None = None
    chunks: int | None = None
    language: str | None = None
    date: str | None = None
    reason: str = ""  # why it was skipped


def _kind(path: str) -> str:
    return PurePosixPath(path).suffix.lstrip(".").upper() or "—"


def _indexed_row(doc: Document, chunks: int, status: Status) -> DocumentRow:
    pages = len({page for _, _, page in doc.pages}) or None
    return DocumentRow(
        path=doc.path, title=doc.title, kind=_kind(doc.path), status=status, pages=pages,
        chunks=chunks, language=doc.language, date=doc.date,
    )  # fmt: skip


def document_rows(
    folder: Path, documents: tuple[Document, ...], chunk_counts: Counter[str], state: IndexerState
) -> list[DocumentRow]:
    """One row per corpus file and per indexed document: rows without a file first (removed), then
    the newest files first, so what was just added is at the top."""
    try:
        files, left_out = corpus_files(folder)
    except RagError:
        files, left_out = [], []
    present = {path.relative_to(folder).as_posix() for path in files}
    busy = state.running or state.queued
    skipped: dict[str, SkippedFile] = {s.path: s for s in (*left_out, *(state.skipped or ())) if s.problem}
    rows = {
        doc.path: _indexed_row(doc, chunk_counts[doc.id], "indexed" if doc.path in present else "removed")
        for doc in documents
    }
    for path in sorted(present - rows.keys()):
        status: Status = "indexing" if busy else "skipped" if path in skipped else "not indexed"
        reason = (
            skipped[path].reason if status == "skipped" else NOT_INDEXED if status == "not indexed" else ""
        )
        rows[path] = DocumentRow(path=path, title=PurePosixPath(path).name, kind=_kind(path),
                                 status=status, reason=reason)  # fmt: skip
    for path, skip in skipped.items():
        if path not in rows and path not in present:  # left out by the listing (unsupported, links)
            rows[path] = DocumentRow(path=path, title=PurePosixPath(path).name, kind=_kind(path),
                                     status="skipped", reason=skip.reason)  # fmt: skip
    return sorted(rows.values(), key=lambda row: (-_modified(folder / row.path), row.path))


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return float("inf")  # no file: sorts first


def progress_fraction(state: IndexerState) -> float:
    """The whole pass as 0..1 (stages weighted by how long they usually take)."""
    if state.progress is None:
        return 0.0
    start, end = STAGE_SPAN[state.progress.stage]
    return start + (end - start) * state.progress.fraction


class DocumentsController:
    """Uploads, removals and re-indexing for one corpus folder; the indexer swaps the chat's index."""

    def __init__(self, provider: AssistantProvider, indexer: BackgroundIndexer | None = None) -> None:
        self.provider = provider
        self.settings = provider.settings
        self.indexer = indexer or BackgroundIndexer(provider.settings, provider)
        self.trash = self.settings.data_dir / "trash"

    def rows(self) -> list[DocumentRow]:
        assistant = self.provider.current()
        documents = tuple(assistant.index.documents) if assistant is not None else ()
        counts = Counter(c.doc_id for c in assistant.index.chunks) if assistant is not None else Counter()
        return document_rows(self.settings.corpus_dir, documents, counts, self.indexer.state())

    def files(self) -> list[str]:
        """The corpus files a person can remove (relative paths)."""
        try:
            files, _ = corpus_files(self.settings.corpus_dir)
        except RagError:
            return []
        return [path.relative_to(self.settings.corpus_dir).as_posix() for path in files]

    def upload(self, uploads: list[tuple[str, Path]]) -> list[str]:
        """Store each (name, temporary file) in the corpus folder; one line per file. Indexing
        starts (or is queued) when at least one file was added."""
        results: list[AddResult] = []
        for name, source in uploads:
            try:
                results.append(add_file(self.settings.corpus_dir, name, source))
            except (OSError, RagError) as exc:
                line = friendly_message(exc) if isinstance(exc, RagError) else f"could not be stored ({exc})"
                results.append(AddResult(outcome="refused", name=name, message=f"{name}: {line}"))
        lines = [result.message for result in results]
        if any(result.outcome in ("added", "renamed") for result in results):
            self.indexer.request()
            lines.append(
                "Indexing in the background; questions are answered from the current index meanwhile."
            )
        return lines

    def remove(self, path: str | None) -> str:
        if not path:
            return "Choose a document to remove first."
        try:
            line = remove_file(self.settings.corpus_dir, self.trash, path)
        except (OSError, RagError) as exc:
            return (
                friendly_message(exc) if isinstance(exc, RagError) else f"{path} could not be moved ({exc})"
            )
        self.indexer.request()
        return f"{line}. Re-indexing without it."

    def reindex(self) -> str:
        state = self.indexer.request()
        if state.queued:
            return "Indexing is running; another pass will follow it to pick up the latest changes."
        return "Re-indexing in the background; questions are answered from the current index meanwhile."
