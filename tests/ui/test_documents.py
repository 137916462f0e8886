"""The Documents tab without a browser: the background indexer (progress, answering from the old
index meanwhile, the atomic swap, errors, one pass at a time) and the rows of the table."""

from __future__ import annotations

import os
import shutil
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from rag.answering.pipeline import Assistant
from rag.config import Settings
from rag.corpus import SkippedFile
from rag.embedders.base import Embedder
from rag.errors import CorpusError
from rag.index.embedding import IngestProgress, ProgressCallback
from rag.index.ingest import IngestResult, ingest_corpus
from rag.index.store import read_manifest
from rag.testing import SEEDS, make_test_assistant
from rag.types import Document
from tests.corpus.fixtures import text_pdf
from ui.chat import AssistantProvider, ChatController, Options, Session
from ui.documents import DocumentsController, document_rows, progress_fraction
from ui.documents_view import progress_text, render_notice, render_progress, render_table
from ui.indexer import BackgroundIndexer, IndexerState

NEW_TEXT = (
    "De stormvloedkering in Zeeland beschermt de dijken tegen het hoge water. "
    "Bij zware storm sluiten de schuiven van de Oosterscheldekering.\n"
)
NEW_QUESTION = "Wat doet de stormvloedkering in Zeeland bij zware storm?"
TIMEOUT = 120


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copy(seed, folder / seed.name)
    return folder


@pytest.fixture
def assistant(tmp_path: Path, corpus: Path) -> Assistant:
    return make_test_assistant(tmp_path / "app", corpus_dir=corpus)


class Gate:
    """An ingest that waits for the test before it starts, counting passes running at once."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.release = threading.Event()
        self.started = threading.Event()
        self.fail = fail
        self.running = 0
        self.most = 0
        self.passes = 0
        self.progress: list[IngestProgress] = []
        self._lock = threading.Lock()

    def __call__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> IngestResult:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.passes += 1
        self.started.set()
        try:
            assert self.release.wait(TIMEOUT)
            if self.fail is not None:
                raise self.fail

            def both(progress: IngestProgress) -> None:
                self.progress.append(progress)
                assert on_progress is not None
                on_progress(progress)

            return ingest_corpus(settings, embedder=embedder, on_progress=both)
        finally:
            with self._lock:
                self.running -= 1


def cited_paths(assistant: Assistant, question: str) -> set[str]:
    answer = assistant.answer(question)
    return {assistant.document(c.doc_id).path for c in answer.citations}


def test_new_file_is_indexed_in_the_background_and_swapped_in(assistant: Assistant, corpus: Path) -> None:
    provider = AssistantProvider(assistant.settings, assistant)
    gate = Gate()
    indexer = BackgroundIndexer(assistant.settings, provider, ingest=gate)
    (corpus / "zeeland.txt").write_text(NEW_TEXT, encoding="utf-8")
    indexer.request()
    assert gate.started.wait(TIMEOUT)
    # While the pass runs, the old index answers: the new file is not there yet.
    assert indexer.state().running and provider.base() is assistant
    assert "zeeland.txt" not in cited_paths(provider.base(), NEW_QUESTION)
    gate.release.set()
    assert indexer.wait(TIMEOUT)
    state = indexer.state()
    assert not state.running and state.error is None and state.passes == 1
    assert [p.stage for p in gate.progress][-1] == "done" and any(
        p.stage == "embedding" for p in gate.progress
    )
    new = provider.base()
    assert new is not assistant and new.generator is assistant.generator  # no model loaded again
    assert "zeeland.txt" in cited_paths(new, NEW_QUESTION)
    assert {d.path for d in new.documents} == {p.name for p in corpus.iterdir()}


def test_the_swap_drops_variants_built_on_the_old_index(assistant: Assistant, corpus: Path) -> None:
    provider = AssistantProvider(assistant.settings, assistant)
    options = Options.from_settings(assistant.settings)
    other = Options("extractive", options.ollama_host, options.ollama_model, options.top_k, "auto")
    old_variant = provider.for_options(other)
    (corpus / "zeeland.txt").write_text(NEW_TEXT, encoding="utf-8")
    indexer = BackgroundIndexer(assistant.settings, provider)
    indexer.request()
    assert indexer.wait(TIMEOUT)
    variant = provider.for_options(other)
    assert variant is not old_variant and variant.index is provider.base().index


def test_a_failed_pass_is_one_line_and_the_old_index_keeps_answering(assistant: Assistant) -> None:
    provider = AssistantProvider(assistant.settings, assistant)
    gate = Gate(fail=CorpusError("report.pdf cannot be read: re-save it"))
    gate.release.set()
    indexer = BackgroundIndexer(assistant.settings, provider, ingest=gate)
    indexer.request()
    assert indexer.wait(TIMEOUT)
    state = indexer.state()
    assert state.error == "Indexing failed: report.pdf cannot be read: re-save it"
    assert provider.base() is assistant and provider.base().answer(NEW_QUESTION).text
    assert "Indexing failed" in render_notice(state) and "Indexing failed" in render_progress(state)


def test_removing_the_last_file_empties_the_index_and_the_chat_says_so(
    assistant: Assistant, corpus: Path
) -> None:
    provider = AssistantProvider(assistant.settings, assistant)
    controller = DocumentsController(provider)
    first, last = controller.files()
    controller.remove(first)
    assert controller.indexer.wait(TIMEOUT)
    after_first = provider.base()
    assert [d.path for d in after_first.documents] == [last]
    controller.remove(last)  # the folder is now empty: the index becomes empty, which is no failure
    assert controller.indexer.wait(TIMEOUT)
    state = controller.indexer.state()
    assert state.error is None and state.documents == 0
    assert "The index is empty" in render_progress(state) and controller.rows() == []
    assert read_manifest(assistant.settings.index_dir).documents == {}  # saved, verified, empty
    *_, (_, chat, _, status, session) = ChatController(provider).respond(
        "Wat staat er in de documenten?", [], Session(), Options.from_settings(assistant.settings)
    )
    bubble = chat[-1]["content"]
    assert "No documents are indexed yet" in bubble and "Documents tab" in bubble and "rag ingest" in bubble
    assert not session.answers  # no answer from the removed files
    assert "No documents are indexed yet" in status  # the footer says so too
    assert len(list((assistant.settings.data_dir / "trash").rglob("*.txt"))) == 2  # nothing lost
    (corpus / "zeeland.txt").write_text(NEW_TEXT, encoding="utf-8")
    controller.reindex()
    assert controller.indexer.wait(TIMEOUT)
    new = provider.base()
    assert [d.path for d in new.documents] == ["zeeland.txt"] and provider.error is None
    assert new.generator is assistant.generator  # the models stayed loaded while the index was empty
    assert "zeeland.txt" in cited_paths(new, NEW_QUESTION)


def test_one_pass_at_a_time_and_requests_meanwhile_make_one_more(assistant: Assistant) -> None:
    provider = AssistantProvider(assistant.settings, assistant)
    gate = Gate()
    indexer = BackgroundIndexer(assistant.settings, provider, ingest=gate)
    indexer.request()
    assert gate.started.wait(TIMEOUT)
    for _ in range(3):
        assert indexer.request().queued
    gate.release.set()
    assert indexer.wait(TIMEOUT)
    assert (gate.passes, gate.most, indexer.state().passes) == (2, 1, 2)


def test_upload_stores_files_starts_indexing_and_reports_each_file(
    assistant: Assistant, corpus: Path, tmp_path: Path
) -> None:
    provider = AssistantProvider(assistant.settings, assistant)
    controller = DocumentsController(provider)
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "zeeland.txt").write_text(NEW_TEXT, encoding="utf-8")
    (uploads / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a PDF")
    (uploads / "tool.exe").write_bytes(b"MZ")
    same = sorted(corpus.iterdir())[0]
    lines = controller.upload(
        [("../zeeland.txt", uploads / "zeeland.txt"), ("broken.pdf", uploads / "broken.pdf"),
         ("tool.exe", uploads / "tool.exe"), ("again.txt", same)]
    )  # fmt: skip
    assert lines[0] == "../zeeland.txt: added as zeeland.txt"
    assert "not supported" in lines[2] and "already in the corpus" in lines[3]
    assert "Indexing in the background" in lines[-1]
    assert controller.indexer.wait(TIMEOUT)
    rows = {row.path: row for row in controller.rows()}
    assert rows["zeeland.txt"].status == "indexed" and rows["zeeland.txt"].chunks
    assert rows["broken.pdf"].status == "skipped" and "broken.pdf" in rows["broken.pdf"].reason
    # The chat tab shows the skipped file with its reason, one line.
    notice = render_notice(controller.indexer.state())
    assert "Not indexed (1)" in notice and "broken.pdf" in notice


def test_nothing_added_means_no_indexing(assistant: Assistant, corpus: Path) -> None:
    controller = DocumentsController(AssistantProvider(assistant.settings, assistant))
    lines = controller.upload([("copy.txt", sorted(corpus.iterdir())[0])])
    assert (
        len(lines) == 1 and controller.indexer.state().passes == 0 and not controller.indexer.state().running
    )


def doc(path: str, **fields: Any) -> Document:
    values: dict[str, Any] = {"title": f"Title of {path}", **fields}
    return Document(id=path.split(".")[0], path=path, content_hash="0", text="x", **values)


def test_rows_give_every_file_its_status(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for age, name in enumerate(("new.txt", "bad.docx", "tool.exe", "a.pdf")):
        (folder / name).write_bytes(b"x")
        os.utime(folder / name, (1_700_000_000 - age * 60, 1_700_000_000 - age * 60))
    documents = (doc("a.pdf", pages=((0, 1, 1), (1, 2, 2)), language="en", date="2024-05"), doc("gone.txt"))
    skipped = (SkippedFile(path="bad.docx", reason="bad.docx is corrupt: re-save it"),)
    idle = IndexerState(skipped=skipped)
    listed = document_rows(folder, documents, Counter({"a": 4}), idle)
    # The removed document (no file) first, then the newest file first.
    assert [r.path for r in listed] == ["gone.txt", "new.txt", "bad.docx", "tool.exe", "a.pdf"]
    rows = {r.path: r for r in listed}
    a = rows["a.pdf"]
    assert (a.status, a.kind, a.pages, a.chunks, a.language, a.date) == (
        "indexed",
        "PDF",
        2,
        4,
        "en",
        "2024-05",
    )
    assert rows["gone.txt"].status == "removed"
    assert rows["new.txt"].status == "not indexed" and "press Re-index" in rows["new.txt"].reason
    assert (rows["bad.docx"].status, rows["bad.docx"].reason) == (
        "skipped",
        "bad.docx is corrupt: re-save it",
    )
    assert rows["tool.exe"].status == "skipped" and "unsupported format" in rows["tool.exe"].reason
    busy = {r.path: r for r in document_rows(folder, documents, Counter(), IndexerState(running=True))}
    assert busy["new.txt"].status == "indexing" and busy["bad.docx"].status == "indexing"


def test_a_pdf_row_counts_its_pages(tmp_path: Path, corpus: Path) -> None:
    text_pdf(corpus / "two.pdf", ["Eerste bladzijde over dijken.", "Tweede bladzijde over water."])
    assistant = make_test_assistant(tmp_path / "app", corpus_dir=corpus)
    rows = {r.path: r for r in DocumentsController(AssistantProvider(assistant.settings, assistant)).rows()}
    assert (rows["two.pdf"].kind, rows["two.pdf"].pages, rows["two.pdf"].status) == ("PDF", 2, "indexed")


def test_table_escapes_names_and_titles() -> None:
    rows = document_rows(Path("/nonexistent"), (doc("x.txt", title="<script>alert(1)</script>"),), Counter(),
                         IndexerState())  # fmt: skip
    html = render_table(rows)
    assert "<script>" not in html and "&lt;script&gt;" in html and "removed" in html


def test_progress_text_runs_through_the_stages() -> None:
    embedding = IndexerState(running=True, progress=IngestProgress(stage="embedding", done=30, total=60))
    assert progress_text(embedding) == "Embedding passages: 30 of 60 — 65%"
    reading = IndexerState(running=True, progress=IngestProgress(stage="reading", done=0, total=1))
    saving = IndexerState(running=True, progress=IngestProgress(stage="saving", done=0, total=1))
    assert progress_fraction(reading) < progress_fraction(embedding) < progress_fraction(saving) < 1
    assert progress_text(IndexerState()) == ""
