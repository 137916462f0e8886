"""Every document removed: `rag ingest` saves an empty index (valid, verified like any other), and
whatever loads it hears "no documents are indexed yet" with where to add some, instead of
answers from the removed files or a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.cli import app
from rag.errors import CorpusError, IndexEmptyError, IndexMissingError
from rag.index.ingest import ingest_corpus
from rag.index.store import load_index, read_manifest
from tests.index.helpers import CountingEmbedder, make_settings

TEXT = "Poetin wil tactische kernwapens in Belarus plaatsen. De NAVO reageert kalm op de zet.\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "belarus.txt").write_text(TEXT, encoding="utf-8")
    return folder


def test_removing_the_last_document_saves_an_empty_index(tmp_path: Path, corpus: Path) -> None:
    settings = make_settings(tmp_path, corpus_dir=corpus)
    ingest_corpus(settings, embedder=CountingEmbedder())
    (corpus / "belarus.txt").unlink()
    embedder = CountingEmbedder()
    result = ingest_corpus(settings, embedder=embedder)
    assert result.changes.removed == ("belarus.txt",) and not result.up_to_date
    assert result.chunks == [] and embedder.embedded == []
    manifest = read_manifest(settings.index_dir)  # checksums verified: a complete generation
    assert manifest.documents == {} and manifest.n_chunks == 0
    with pytest.raises(IndexEmptyError, match="No documents are indexed yet") as error:
        load_index(settings, CountingEmbedder())
    assert "Documents tab" in str(error.value) and "rag ingest" in str(error.value)
    assert isinstance(error.value, IndexMissingError)  # callers that handle "no index" handle this too
    assert ingest_corpus(settings, embedder=CountingEmbedder()).up_to_date


def test_a_document_added_to_an_emptied_index_is_indexed(tmp_path: Path, corpus: Path) -> None:
    settings = make_settings(tmp_path, corpus_dir=corpus)
    ingest_corpus(settings, embedder=CountingEmbedder())
    (corpus / "belarus.txt").rename(tmp_path / "belarus.txt")
    ingest_corpus(settings, embedder=CountingEmbedder())
    (tmp_path / "belarus.txt").rename(corpus / "terug.txt")
    result = ingest_corpus(settings, embedder=CountingEmbedder())
    assert result.changes.added == ("terug.txt",)
    assert [doc.path for doc in load_index(settings, CountingEmbedder()).documents] == ["terug.txt"]


def test_an_empty_folder_without_an_index_is_still_refused(tmp_path: Path) -> None:
    """No index to empty: an empty folder is more likely the wrong folder, and nothing is saved."""
    empty = tmp_path / "empty"
    empty.mkdir()
    settings = make_settings(tmp_path, corpus_dir=empty)
    with pytest.raises(CorpusError, match="no usable documents"):
        ingest_corpus(settings, embedder=CountingEmbedder())
    with pytest.raises(IndexMissingError) as error:
        load_index(settings, None)
    assert not isinstance(error.value, IndexEmptyError)


def test_cli_ingest_then_ask_and_search_on_an_emptied_index(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAG_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RAG_GENERATOR", "scripted")
    runner = CliRunner()
    options = ["--corpus", str(corpus), "--embedder", "hashing"]
    assert runner.invoke(app, ["ingest", *options]).exit_code == 0
    (corpus / "belarus.txt").unlink()
    emptied = runner.invoke(app, ["ingest", *options])
    assert emptied.exit_code == 0, emptied.output
    said = " ".join(emptied.output.split())
    assert "is empty (removed belarus.txt)" in said and "run 'rag ingest' again" in said
    monkeypatch.setenv("RAG_EMBEDDER", "hashing")
    monkeypatch.setenv("RAG_CORPUS_DIR", str(corpus))
    for command in ("ask", "search"):
        result = runner.invoke(app, [command, "Waar wil Poetin kernwapens plaatsen?"])
        assert result.exit_code == 1, result.output
        shown = " ".join(result.output.split())
        assert "No documents are indexed yet" in shown and "Traceback" not in shown
        assert "Belarus" not in shown  # nothing from the removed file
