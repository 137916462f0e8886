from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.errors import IndexCorruptError, IndexMismatchError
from rag.index.base import VectorIndex
from rag.index.faiss_store import IVF_MIN_VECTORS, FaissIndex, IndexType

TYPES: tuple[IndexType, ...] = ("flat", "hnsw", "ivf")


def unit_vectors(n: int, dim: int, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def exact_top(vectors: np.ndarray, query: np.ndarray, k: int) -> list[int]:
    return list(np.argsort(-(vectors @ query))[:k])


@pytest.mark.parametrize("index_type", TYPES)
def test_every_type_finds_the_exact_top1_on_a_small_set(index_type: IndexType) -> None:
    vectors = unit_vectors(200, 32)
    index = FaissIndex(32, index_type)
    index.add(vectors)
    assert isinstance(index, VectorIndex)
    assert len(index) == 200
    for query in unit_vectors(20, 32, seed=1):
        scores, positions = index.search(query, 5)
        assert int(positions[0]) == exact_top(vectors, query, 1)[0]
        assert scores[0] == pytest.approx(float(vectors[positions[0]] @ query), abs=1e-5)
        assert list(scores) == sorted(scores, reverse=True)


def test_small_ivf_falls_back_to_exact_search_and_says_so() -> None:
    index = FaissIndex(16, "ivf")
    index.add(unit_vectors(50, 16))
    assert index.effective_type.startswith("flat")
    assert str(IVF_MIN_VECTORS) in index.effective_type


def test_large_ivf_is_trained_and_finds_stored_vectors() -> None:
    vectors = unit_vectors(IVF_MIN_VECTORS + 100, 16)
    index = FaissIndex(16, "ivf")
    index.add(vectors)
    assert index.effective_type == "ivf"
    for position in (0, 17, IVF_MIN_VECTORS + 99):
        _, positions = index.search(vectors[position], 3)
        assert int(positions[0]) == position


@pytest.mark.parametrize("index_type", TYPES)
def test_save_and_load_round_trip(tmp_path: Path, index_type: IndexType) -> None:
    vectors = unit_vectors(300, 24)
    index = FaissIndex(24, index_type)
    index.add(vectors)
    index.save(tmp_path / "v.faiss")
    loaded = FaissIndex.load(tmp_path / "v.faiss", index_type=index_type)
    assert (loaded.dim, len(loaded), loaded.effective_type) == (24, 300, index.effective_type)
    query = unit_vectors(1, 24, seed=5)[0]
    np.testing.assert_array_equal(loaded.search(query, 10)[1], index.search(query, 10)[1])
    np.testing.assert_allclose(loaded.reconstruct_all(), vectors, atol=1e-6)


@pytest.mark.parametrize("index_type", TYPES)
def test_k_larger_than_the_index_returns_everything_once(index_type: IndexType) -> None:
    index = FaissIndex(8, index_type)
    index.add(unit_vectors(3, 8))
    scores, positions = index.search(unit_vectors(1, 8, seed=2)[0], 10)
    assert sorted(positions.tolist()) == [0, 1, 2]
    assert scores.dtype == np.float32 and positions.dtype == np.int64


@pytest.mark.parametrize("index_type", TYPES)
def test_empty_index_returns_nothing(tmp_path: Path, index_type: IndexType) -> None:
    index = FaissIndex(8, index_type)
    index.add(np.zeros((0, 8), dtype=np.float32))
    assert len(index) == 0
    assert index.search(unit_vectors(1, 8)[0], 5)[1].size == 0
    index.save(tmp_path / "empty.faiss")
    assert len(FaissIndex.load(tmp_path / "empty.faiss")) == 0


def test_wrong_dimension_is_a_mismatch_not_a_crash() -> None:
    index = FaissIndex(8)
    index.add(unit_vectors(4, 8))
    with pytest.raises(IndexMismatchError, match="rebuild"):
        index.search(unit_vectors(1, 16)[0], 2)
    with pytest.raises(IndexMismatchError):
        index.add(unit_vectors(2, 9))


def test_truncated_file_is_reported_as_corrupt(tmp_path: Path) -> None:
    index = FaissIndex(8, "hnsw")
    index.add(unit_vectors(100, 8))
    path = tmp_path / "v.faiss"
    index.save(path)
    path.write_bytes(path.read_bytes()[:500])
    with pytest.raises(IndexCorruptError, match="rag ingest --rebuild"):
        FaissIndex.load(path)
