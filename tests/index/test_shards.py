"""A sharded index (what `rag ingest --ray` saves), without Ray: saved from the same documents,
chunks and vectors as a plain index, it loads as the same index, searches the same, fails loudly
when a shard is damaged, and a save that dies half-way leaves the previous index in place."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.config import Settings
from rag.embedders import HashingEmbedder
from rag.errors import IndexCorruptError
from rag.index import shards as shards_module
from rag.index.ingest import ingest_corpus
from rag.index.sharded_vectors import ShardedVectors
from rag.index.shards import SHARDS_DIR, is_sharded, live_shard_count, save_sharded, shard_count, shard_of
from rag.index.store import CorpusIndex, load_index, read_saved
from rag.retrieval.hybrid import Retriever
from rag.testing import SEEDS
from rag.testing import test_settings as make_settings

QUERIES = ("Waar wil Poetin kernwapens plaatsen?", "How did NATO respond?", "appeltaart kaneel")


@pytest.fixture
def plain(tmp_path: Path) -> tuple[Settings, CorpusIndex]:
    settings = make_settings(tmp_path / "plain", SEEDS)
    ingest_corpus(settings)
    return settings, load_index(settings, HashingEmbedder())


def _save_sharded(tmp_path: Path, index: CorpusIndex, count: int) -> Settings:
    settings = make_settings(tmp_path / "sharded", SEEDS)
    vectors = index.vectors.reconstruct_all()  # type: ignore[attr-defined]
    save_sharded(settings, HashingEmbedder(), index.documents, index.chunks, vectors, count)
    return settings


def test_shard_key_is_stable_and_spreads_documents() -> None:
    ids = [f"doc-{n}" for n in range(400)]
    members = [shard_of(doc_id, 4) for doc_id in ids]
    assert members == [shard_of(doc_id, 4) for doc_id in ids]
    assert all(60 < members.count(shard) < 140 for shard in range(4))
    assert shard_count(10) == 1 and shard_count(450_000) == 3 and shard_count(10, wanted=5) == 5


def test_sharded_index_loads_as_the_plain_one(tmp_path: Path, plain: tuple[Settings, CorpusIndex]) -> None:
    _, whole = plain
    settings = _save_sharded(tmp_path, whole, 3)
    assert is_sharded(settings.index_dir)
    assert len(list((settings.index_dir / SHARDS_DIR).glob("*/*"))) == 3  # five seeds over three shards
    loaded = load_index(settings, HashingEmbedder())
    assert isinstance(loaded.vectors, ShardedVectors)
    assert loaded.documents == whole.documents
    assert loaded.chunks == whole.chunks  # ids, texts, offsets and order
    assert np.allclose(loaded.vectors.reconstruct_all(), whole.vectors.reconstruct_all(), atol=1e-6)  # type: ignore[attr-defined]


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_sharded_search_equals_plain_search(
    tmp_path: Path, plain: tuple[Settings, CorpusIndex], mode: str
) -> None:
    plain_settings, whole = plain
    settings = _save_sharded(tmp_path, whole, 4)
    embedder = HashingEmbedder()
    one = Retriever.from_index(whole, embedder, plain_settings)
    many = Retriever.from_index(load_index(settings, embedder), embedder, settings)
    for query in QUERIES:
        expected = one.search(query, k=8, mode=mode)  # type: ignore[arg-type]
        found = many.search(query, k=8, mode=mode)  # type: ignore[arg-type]
        assert [hit.chunk.id for hit in found] == [hit.chunk.id for hit in expected]
        assert [hit.score for hit in found] == pytest.approx([hit.score for hit in expected])
    doc_id = whole.documents[1].id
    filtered = many.search(QUERIES[0], k=5, doc_ids=[doc_id])
    assert filtered and {hit.chunk.doc_id for hit in filtered} == {doc_id}


def test_sharded_vectors_merge_by_score_across_shards() -> None:
    from rag.index.faiss_store import FaissIndex

    rng = np.random.default_rng(7)
    matrix = rng.normal(size=(50, 16)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    single = FaissIndex(16)
    single.add(matrix)
    split = rng.integers(0, 3, size=50)
    parts, maps = [], []
    for shard in range(3):
        store = FaissIndex(16)
        store.add(matrix[split == shard])
        parts.append(store)
        maps.append(np.flatnonzero(split == shard).astype(np.int64))
    sharded = ShardedVectors(parts, maps)
    for query in matrix[:5] + 0.1:
        scores, positions = sharded.search(query, 10)
        expected_scores, expected_positions = single.search(query, 10)
        assert positions.tolist() == expected_positions.tolist()
        assert np.allclose(scores, expected_scores)


def test_a_plain_ingest_after_a_sharded_one_sees_it_up_to_date(
    tmp_path: Path, plain: tuple[Settings, CorpusIndex]
) -> None:
    _, whole = plain
    settings = _save_sharded(tmp_path, whole, 2)
    saved = read_saved(settings, HashingEmbedder())
    assert saved is not None and saved.chunks == list(whole.chunks)
    assert ingest_corpus(settings).up_to_date


def test_a_plain_ingest_keeps_a_sharded_index_in_as_many_shards(
    tmp_path: Path, plain: tuple[Settings, CorpusIndex]
) -> None:
    """After 'rag ingest --ray', the Documents tab, --watch or a plain 'rag ingest' (even
    --rebuild) must not turn a large sharded index into one index of everything."""
    plain_settings, whole = plain
    settings = _save_sharded(tmp_path, whole, 3)
    result = ingest_corpus(settings, rebuild=True)
    assert not result.up_to_date and result.stats is not None
    assert is_sharded(settings.index_dir) and live_shard_count(settings.index_dir) == 3
    loaded = load_index(settings, HashingEmbedder())
    assert loaded.chunks == whole.chunks and loaded.lexical is not None
    embedder = HashingEmbedder()
    one = Retriever.from_index(whole, embedder, plain_settings)
    many = Retriever.from_index(loaded, embedder, settings)
    assert [h.chunk.id for h in many.search(QUERIES[0], k=8)] == [
        h.chunk.id for h in one.search(QUERIES[0], k=8)
    ]
    ingest_corpus(settings, rebuild=True)  # the shards of the save before last are pruned
    assert len(list((settings.index_dir / SHARDS_DIR).iterdir())) == 2


def test_a_damaged_shard_is_reported(tmp_path: Path, plain: tuple[Settings, CorpusIndex]) -> None:
    _, whole = plain
    settings = _save_sharded(tmp_path, whole, 3)
    chunks_file = next((settings.index_dir / SHARDS_DIR).glob("*/*/gen-*/chunks.jsonl"))
    chunks_file.write_text("{}\n", encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="rag ingest --rebuild"):
        load_index(settings, HashingEmbedder())
    assert read_saved(settings, HashingEmbedder()) is None  # so the next ingest rebuilds


def test_a_save_that_dies_halfway_keeps_the_previous_index(
    tmp_path: Path, plain: tuple[Settings, CorpusIndex], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, whole = plain
    settings = _save_sharded(tmp_path, whole, 3)
    before = load_index(settings, HashingEmbedder())

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # after the shards are written, before the switch

    monkeypatch.setattr(shards_module, "save_files", killed)
    vectors = whole.vectors.reconstruct_all()  # type: ignore[attr-defined]
    with pytest.raises(KeyboardInterrupt):
        save_sharded(settings, HashingEmbedder(), whole.documents[:2], whole.chunks[:3], vectors[:3], 2)
    monkeypatch.undo()
    after = load_index(settings, HashingEmbedder())
    assert after.chunks == before.chunks and after.generation == before.generation
    runs = settings.index_dir / SHARDS_DIR
    assert len(list(runs.iterdir())) == 2  # the live run and the dead one's
    save_sharded(settings, HashingEmbedder(), whole.documents, whole.chunks, vectors, 3)
    assert len(list(runs.iterdir())) == 2  # the dead run pruned; the live and the previous kept
