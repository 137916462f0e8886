from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import rag.index.persist as persist
from rag.config import Settings
from rag.errors import CorpusError, IndexMissingError
from rag.index.store import CorpusIndex, build_index, load_index, read_manifest, read_saved, save_index
from rag.types import Chunk, Document
from tests.index.helpers import TEXTS, CountingEmbedder, make_corpus, make_settings


def build_and_save(tmp_path: Path, texts: dict[str, str] | None = None, **overrides: object) -> CorpusIndex:
    settings = make_settings(tmp_path, **overrides)
    documents, chunks = make_corpus(texts)
    index = build_index(settings, CountingEmbedder(), documents, chunks)
    save_index(index, settings.index_dir)
    return index


def test_round_trip_keeps_documents_chunks_vectors_and_manifest(tmp_path: Path) -> None:
    built = build_and_save(tmp_path)
    settings = make_settings(tmp_path)
    loaded = load_index(settings, CountingEmbedder())
    assert loaded.documents == built.documents
    assert loaded.chunks == built.chunks
    assert loaded.manifest == built.manifest
    np.testing.assert_allclose(loaded.vectors.reconstruct_all(), built.vectors.reconstruct_all())
    assert loaded.manifest.n_chunks == 6
    assert set(loaded.manifest.documents) == set(TEXTS)
    assert {"faiss-cpu", "numpy"} <= set(loaded.manifest.versions)
    assert loaded.manifest.chunker["chunk_tokens"] == settings.chunk_tokens


def test_lookup_by_chunk_and_document(tmp_path: Path) -> None:
    index = build_and_save(tmp_path)
    chunk = index.get_chunk("belarus:0001")
    assert chunk is not None and chunk.text == "De NAVO reageert kalm."
    assert index.get_chunk("nope:0000") is None
    document = index.get_document("taart")
    assert document is not None and document.text.startswith("Appeltaart")
    assert [c.id for c in index.chunks_of("oekraine")] == ["oekraine:0000", "oekraine:0001"]


def test_dense_search_ranks_the_matching_chunk_first(tmp_path: Path) -> None:
    index = build_and_save(tmp_path)
    scores, positions = index.vectors.search(CountingEmbedder().embed_query("kernwapens Belarus Poetin"), 3)
    assert index.chunks[int(positions[0])].id == "belarus:0000"
    assert len(positions) == 3 and scores[0] >= scores[1]


def test_missing_index_names_rag_ingest(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="run 'rag ingest'"):
        load_index(make_settings(tmp_path), CountingEmbedder())


def test_incremental_build_embeds_only_changed_chunks(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    documents, chunks = make_corpus()
    first = CountingEmbedder()
    stats = build_index(settings, first, documents, chunks).stats
    assert stats is not None and (stats.embedded, stats.reused) == (6, 0)
    assert len(first.embedded) == 6

    changed = dict(TEXTS, taart="Appeltaart bakken met kaneel.\n\nLaat de taart twee uur afkoelen.")
    documents, chunks = make_corpus(changed)
    second = CountingEmbedder()
    stats = build_index(settings, second, documents, chunks).stats
    assert second.embedded == ["Laat de taart twee uur afkoelen."]
    assert stats is not None and (stats.embedded, stats.reused) == (1, 5)


def test_cache_is_per_model_fingerprint(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    documents, chunks = make_corpus()
    build_index(settings, CountingEmbedder(dim=64), documents, chunks)
    other = CountingEmbedder(dim=32)
    build_index(settings, other, documents, chunks)
    assert len(other.embedded) == 6  # vectors of another model are never reused


def test_identical_chunk_texts_are_embedded_once(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    documents, chunks = make_corpus({"a": "Zelfde zin.\n\nAnders.", "b": "Zelfde zin.\n\nOok anders."})
    index = build_index(make_settings(tmp_path), embedder, documents, chunks)
    assert sorted(embedder.embedded) == ["Anders.", "Ook anders.", "Zelfde zin."]
    assert len(index.vectors) == 4


def test_chunks_of_unknown_documents_are_refused(tmp_path: Path) -> None:
    documents, chunks = make_corpus()
    with pytest.raises(CorpusError, match="unknown documents"):
        build_index(make_settings(tmp_path), CountingEmbedder(), documents[:1], chunks)


def test_crash_mid_save_leaves_the_previous_index_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = build_and_save(tmp_path)
    settings = make_settings(tmp_path)
    documents, chunks = make_corpus({"nieuw": "Een heel ander corpus."})
    new = build_index(settings, CountingEmbedder(), documents, chunks)

    def crash(directory: Path, generation: str) -> None:
        raise KeyboardInterrupt  # the moment before the switch: all new files are written

    monkeypatch.setattr(persist, "_point_current", crash)
    with pytest.raises(KeyboardInterrupt):
        save_index(new, settings.index_dir)
    assert load_index(settings, CountingEmbedder()).chunks == old.chunks


def test_leftovers_of_a_killed_save_are_ignored_then_pruned(tmp_path: Path) -> None:
    old = build_and_save(tmp_path)
    settings = make_settings(tmp_path)
    half_written = settings.index_dir / "tmp-gen-20990101T000000-deadbeef"
    half_written.mkdir()
    (half_written / "vectors.faiss").write_bytes(b"half")
    assert load_index(settings, CountingEmbedder()).chunks == old.chunks
    save_index(old, settings.index_dir)
    save_index(old, settings.index_dir)
    generations = sorted(p.name for p in settings.index_dir.iterdir() if p.is_dir())
    assert not half_written.exists()
    assert len(generations) == 2  # the live one and its predecessor


def test_save_replaces_the_index(tmp_path: Path) -> None:
    build_and_save(tmp_path)
    build_and_save(tmp_path, {"nieuw": "Een heel ander corpus."})
    loaded = load_index(make_settings(tmp_path), CountingEmbedder())
    assert [c.id for c in loaded.chunks] == ["nieuw:0000"]
    assert read_manifest(make_settings(tmp_path).index_dir).documents.keys() == {"nieuw"}


def index_up_to_date(settings: Settings, embedder: CountingEmbedder, documents: list[Document]) -> bool:
    """What ingest asks before doing anything: a saved index fits these settings and documents."""
    saved = read_saved(settings, embedder)
    return saved is not None and saved.built_from(documents)


def test_up_to_date_only_for_the_same_documents_and_settings(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    assert not index_up_to_date(settings, CountingEmbedder(), make_corpus()[0])
    build_and_save(tmp_path)
    documents = make_corpus()[0]
    assert index_up_to_date(settings, CountingEmbedder(), documents)
    assert not index_up_to_date(settings, CountingEmbedder(), documents[:2])
    assert not index_up_to_date(settings, CountingEmbedder(dim=32), documents)
    assert not index_up_to_date(make_settings(tmp_path, chunk_tokens=200), CountingEmbedder(), documents)
    edited = [documents[0].model_copy(update={"text": documents[0].text + " Extra."}), *documents[1:]]
    assert not index_up_to_date(settings, CountingEmbedder(), edited)


def test_empty_corpus_round_trips(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    save_index(build_index(settings, CountingEmbedder(), [], []), settings.index_dir)
    loaded = load_index(settings, CountingEmbedder(), allow_empty=True)
    assert loaded.chunks == () and len(loaded.vectors) == 0
    _scores, positions = loaded.vectors.search(CountingEmbedder().embed_query("iets"), 5)
    assert len(positions) == 0


def test_chunk_type_survives_the_round_trip(tmp_path: Path) -> None:
    index = build_and_save(tmp_path)
    loaded = load_index(make_settings(tmp_path), CountingEmbedder())
    assert all(isinstance(chunk, Chunk) for chunk in loaded.chunks)
    assert loaded.get_chunk("taart:0000") == index.get_chunk("taart:0000")
