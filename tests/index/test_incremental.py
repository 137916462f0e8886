"""Incremental ingest: adding, changing or removing one document reads, chunks and embeds only that
document; a removal loads no model; removed documents leave both indexes and the answers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

import rag.corpus.load as load_module
import rag.index.ingest as ingest_module
from rag.answering.pipeline import Assistant
from rag.corpus.readers import Extracted
from rag.embedders import Vectors
from rag.generators.scripted import ScriptedGenerator
from rag.index.ingest import ingest_corpus
from rag.index.store import load_index
from rag.retrieval import Retriever
from rag.testing import cite_first_passage
from rag.types import Chunk, Document
from tests.index.helpers import CountingEmbedder, make_settings

FILES = {
    "belarus.txt": "Poetin wil tactische kernwapens in Belarus plaatsen. De NAVO reageert kalm op de zet.\n",
    "taart.md": "# Appeltaart\n\nAppeltaart bakken met kaneel en rozijnen. Laat de taart een uur afkoelen.\n",
    "oekraine.txt": "Oekraïne vraagt om meer luchtafweer. De oorlog duurt voort en de winter komt eraan.\n",
}
NEW = "De gemeente bouwt een nieuwe brug over de Waal bij Nijmegen, klaar in 2027.\n"


class NoModelEmbedder(CountingEmbedder):
    """Fails if anything needs the model: embedding or asking its dimension."""

    @property
    def dim(self) -> int:
        raise AssertionError("the model was needed")

    def embed_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        raise AssertionError("the model was needed")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Which files were read and which documents chunked."""
    done: dict[str, list[str]] = {"read": [], "chunked": []}
    read, chunk = load_module.read_document, ingest_module.chunk_document

    def counting_read(path: Path, data: bytes) -> Extracted:
        done["read"].append(path.name)
        return read(path, data)

    def counting_chunk(doc: Document, *args: object, **kwargs: int) -> list[Chunk]:
        done["chunked"].append(doc.id)
        return chunk(doc, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(load_module, "read_document", counting_read)
    monkeypatch.setattr(ingest_module, "chunk_document", counting_chunk)
    return done


def test_adding_a_document_reads_chunks_and_embeds_only_it(
    tmp_path: Path, corpus: Path, work: dict[str, list[str]]
) -> None:
    settings = make_settings(tmp_path, corpus_dir=corpus)
    first = ingest_corpus(settings, embedder=CountingEmbedder())
    work["read"].clear()
    work["chunked"].clear()
    (corpus / "brug.txt").write_text(NEW, encoding="utf-8")
    embedder = CountingEmbedder()
    result = ingest_corpus(settings, embedder=embedder)
    assert work == {"read": ["brug.txt"], "chunked": ["brug"]}
    assert embedder.embedded == [NEW.strip()]
    assert result.changes.added == ("brug.txt",) and not result.changes.changed and not result.changes.removed
    kept = [chunk for chunk in result.chunks if chunk.doc_id != "brug"]
    assert kept == list(first.chunks)
    assert [c.id for c in load_index(settings, CountingEmbedder()).chunks] == [c.id for c in result.chunks]


def test_changing_a_document_rechunks_only_it(
    tmp_path: Path, corpus: Path, work: dict[str, list[str]]
) -> None:
    settings = make_settings(tmp_path, corpus_dir=corpus)
    ingest_corpus(settings, embedder=CountingEmbedder())
    work["chunked"].clear()
    (corpus / "taart.md").write_text(FILES["taart.md"] + "\nServeer met slagroom.\n", encoding="utf-8")
    result = ingest_corpus(settings, embedder=CountingEmbedder())
    assert work["chunked"] == ["taart"]
    assert result.changes.changed == ("taart.md",)


def test_removing_a_document_needs_no_model_and_leaves_both_indexes(tmp_path: Path, corpus: Path) -> None:
    settings = make_settings(tmp_path, corpus_dir=corpus)
    ingest_corpus(settings, embedder=CountingEmbedder())
    (corpus / "belarus.txt").unlink()
    result = ingest_corpus(settings, embedder=NoModelEmbedder())
    assert result.changes.removed == ("belarus.txt",) and result.stats is not None
    assert result.stats.embedded == 0
    index = load_index(settings, CountingEmbedder())
    assert "belarus" not in {chunk.doc_id for chunk in index.chunks}
    assert index.get_document("belarus") is None
    retriever = Retriever.from_index(index, CountingEmbedder(), settings)
    for mode in ("dense", "lexical"):
        hits = retriever.search("kernwapens in Belarus", mode=mode)
        assert all(hit.chunk.doc_id != "belarus" for hit in hits)
    assistant = Assistant(
        settings, index=index, embedder=CountingEmbedder(), generator=ScriptedGenerator(cite_first_passage)
    )
    answer = assistant.answer("Waar wil Poetin kernwapens plaatsen?")
    assert all(citation.doc_id != "belarus" for citation in answer.citations)


def test_an_unchanged_corpus_is_read_from_the_cache(
    tmp_path: Path, corpus: Path, work: dict[str, list[str]]
) -> None:
    settings = make_settings(tmp_path, corpus_dir=corpus)
    ingest_corpus(settings, embedder=CountingEmbedder())
    work["read"].clear()
    again = ingest_corpus(settings, embedder=NoModelEmbedder())
    assert again.up_to_date and work["read"] == []


def test_rebuild_reads_and_chunks_everything_again(
    tmp_path: Path, corpus: Path, work: dict[str, list[str]]
) -> None:
    settings = make_settings(tmp_path, corpus_dir=corpus)
    ingest_corpus(settings, embedder=CountingEmbedder())
    work["read"].clear()
    work["chunked"].clear()
    result = ingest_corpus(settings, embedder=CountingEmbedder(), rebuild=True)
    assert sorted(work["read"]) == sorted(FILES)
    assert sorted(work["chunked"]) == ["belarus", "oekraine", "taart"]
    assert not result.up_to_date and set(result.timings) >= {"load", "chunk", "embed", "index", "save"}


def test_a_new_chunk_size_rechunks_every_document(
    tmp_path: Path, corpus: Path, work: dict[str, list[str]]
) -> None:
    ingest_corpus(make_settings(tmp_path, corpus_dir=corpus), embedder=CountingEmbedder())
    work["chunked"].clear()
    smaller = make_settings(tmp_path, corpus_dir=corpus, chunk_tokens=16, chunk_overlap=4)
    ingest_corpus(smaller, embedder=CountingEmbedder())
    assert sorted(work["chunked"]) == ["belarus", "oekraine", "taart"]  # saved chunks no longer fit
