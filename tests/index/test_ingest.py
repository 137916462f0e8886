"""ingest_corpus and the `rag ingest` / `rag inspect` commands on a small folder, with the hashing twin."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.cli import app
from rag.errors import CorpusError
from rag.index.embedding import IngestProgress
from rag.index.ingest import ingest_corpus
from rag.index.store import load_index
from tests.index.helpers import CountingEmbedder, make_settings

FILES = {
    "belarus.txt": "Poetin wil tactische kernwapens in Belarus plaatsen. De NAVO reageert kalm op de zet.\n",
    "taart.md": "# Appeltaart\n\nAppeltaart bakken met kaneel en rozijnen. Laat de taart een uur afkoelen.\n",
    "oekraine.txt": "Oekraïne vraagt om meer luchtafweer. De oorlog duurt voort en de winter komt eraan.\n",
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_first_ingest_embeds_everything_and_saves(tmp_path: Path, corpus: Path) -> None:
    settings = make_settings(tmp_path, corpus_dir=corpus)
    embedder = CountingEmbedder()
    result = ingest_corpus(settings, embedder=embedder)
    assert not result.up_to_date
    assert result.stats is not None and result.stats.embedded == len(result.chunks) > 0
    assert len(result.load.documents) == 3
    loaded = load_index(settings, CountingEmbedder())
    assert [c.id for c in loaded.chunks] == [c.id for c in result.chunks]


def test_unchanged_corpus_is_up_to_date_without_embedding(tmp_path: Path, corpus: Path) -> None:
    settings = make_settings(tmp_path, corpus_dir=corpus)
    first = ingest_corpus(settings, embedder=CountingEmbedder())
    embedder = CountingEmbedder()
    again = ingest_corpus(settings, embedder=embedder)
    assert again.up_to_date and again.stats is None
    assert embedder.embedded == []
    assert [c.id for c in again.chunks] == [c.id for c in first.chunks]


def test_editing_one_file_re_embeds_only_its_chunks(tmp_path: Path, corpus: Path) -> None:
    settings = make_settings(tmp_path, corpus_dir=corpus)
    ingest_corpus(settings, embedder=CountingEmbedder())
    (corpus / "taart.md").write_text(FILES["taart.md"] + "\nServeer met slagroom.\n", encoding="utf-8")
    embedder = CountingEmbedder()
    result = ingest_corpus(settings, embedder=embedder)
    taart_texts = {c.text for c in result.chunks if c.doc_id.startswith("taart")}
    assert embedder.embedded and set(embedder.embedded) <= taart_texts
    assert result.stats is not None and result.stats.reused >= 2


def test_rebuild_writes_a_new_index_from_the_cache(tmp_path: Path, corpus: Path) -> None:
    settings = make_settings(tmp_path, corpus_dir=corpus)
    ingest_corpus(settings, embedder=CountingEmbedder())
    embedder = CountingEmbedder()
    result = ingest_corpus(settings, rebuild=True, embedder=embedder)
    assert not result.up_to_date
    assert embedder.embedded == []
    assert result.stats is not None and result.stats.reused == len(result.chunks)


def test_changed_chunk_size_rebuilds(tmp_path: Path, corpus: Path) -> None:
    ingest_corpus(make_settings(tmp_path, corpus_dir=corpus), embedder=CountingEmbedder())
    result = ingest_corpus(make_settings(tmp_path, corpus_dir=corpus, chunk_tokens=16, chunk_overlap=4),
                           embedder=CountingEmbedder())  # fmt: skip
    assert not result.up_to_date
    assert load_index(make_settings(tmp_path, chunk_tokens=16, chunk_overlap=4), None).chunks


def test_empty_folder_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CorpusError):
        ingest_corpus(make_settings(tmp_path, corpus_dir=empty), embedder=CountingEmbedder())


def _cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))


def test_cli_ingest_then_up_to_date_then_inspect(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _cli_env(tmp_path, monkeypatch)
    runner = CliRunner()
    first = runner.invoke(app, ["ingest", "--corpus", str(corpus), "--embedder", "hashing"])
    assert first.exit_code == 0, first.output
    assert "embedded" in first.output and "belarus" in first.output
    second = runner.invoke(app, ["ingest", "--corpus", str(corpus), "--embedder", "hashing"])
    assert second.exit_code == 0 and "up to date" in second.output
    chunk_id = load_index(make_settings(tmp_path), None).chunks[0].id
    shown = runner.invoke(app, ["inspect", chunk_id])
    assert shown.exit_code == 0, shown.output
    assert chunk_id in shown.output


def test_cli_inspect_unknown_chunk_suggests_ids(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _cli_env(tmp_path, monkeypatch)
    runner = CliRunner()
    runner.invoke(app, ["ingest", "--corpus", str(corpus), "--embedder", "hashing"])
    result = runner.invoke(app, ["inspect", "belarus:9999"])
    assert result.exit_code == 1
    assert "rag search" in result.output


def test_cli_rejects_an_unknown_embedder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _cli_env(tmp_path, monkeypatch)
    result = CliRunner().invoke(app, ["ingest", "--embedder", "word2vec"])
    assert result.exit_code == 1
    assert "hashing" in result.output


def test_cli_inspect_without_an_index_names_rag_ingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _cli_env(tmp_path, monkeypatch)
    result = CliRunner().invoke(app, ["inspect", "x:0000"])
    assert result.exit_code == 1
    assert "rag ingest" in result.output


def test_cli_ingest_skips_a_bad_file_with_one_line_and_strict_fails(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.corpus.fixtures import text_pdf

    _cli_env(tmp_path, monkeypatch)
    text_pdf(corpus / "verslag.pdf", ["Het verslag over de begroting.", "De tweede pagina over de haven."])
    (corpus / "kapot.pdf").write_bytes(b"%PDF-1.4 garbage")
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", "--corpus", str(corpus), "--embedder", "hashing"])
    assert result.exit_code == 0, result.output
    assert result.output.count("kapot.pdf is not a readable PDF") == 1
    assert "indexed 4 documents" in " ".join(result.output.split())
    pages = {c.pages for c in load_index(make_settings(tmp_path), None).chunks if c.doc_id == "verslag"}
    assert pages == {(1, 2)}  # both short pages fit in one chunk, which knows it spans them
    strict = runner.invoke(app, ["ingest", "--corpus", str(corpus), "--embedder", "hashing", "--strict"])
    assert strict.exit_code == 1
    assert "kapot.pdf is not a readable PDF" in strict.output


def test_progress_is_reported_stage_by_stage_up_to_every_chunk(tmp_path: Path, corpus: Path) -> None:
    settings = make_settings(tmp_path, corpus_dir=corpus)
    seen: list[IngestProgress] = []
    result = ingest_corpus(settings, embedder=CountingEmbedder(), on_progress=seen.append)
    stages = [p.stage for p in seen]
    assert stages[0] == "reading" and stages[-1] == "done"
    assert stages.index("chunking") < stages.index("embedding") < stages.index("saving")
    embedding = [p for p in seen if p.stage == "embedding"]
    assert embedding[0].done == 0 and embedding[-1].done == embedding[-1].total == len(result.chunks)
    # Nothing changed: the second run reads, finds the index up to date and is done.
    again: list[IngestProgress] = []
    assert ingest_corpus(settings, embedder=CountingEmbedder(), on_progress=again.append).up_to_date
    assert [p.stage for p in again] == ["reading", "done"] and again[-1].fraction == 1.0
