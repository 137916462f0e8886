"""index_type "auto" (flat while small, ivf-sq8 when large), memory-mapped opening, and the
manifest check that lets an index built before "auto" existed keep loading."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import numpy as np
import pytest

from rag.config import Settings
from rag.errors import IndexCorruptError, IndexMismatchError
from rag.index import choice
from rag.index.faiss_store import FaissIndex, sq8_nprobe
from rag.index.store import MANIFEST, build_index, load_index, save_index
from tests.index.helpers import CountingEmbedder, make_corpus, make_settings


def clustered(n: int, dim: int, seed: int = 0, clusters: int = 40) -> np.ndarray:
    """Unit vectors in `clusters` tight groups: the neighbour structure of real chunk vectors."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim)).astype(np.float32)
    points = centres[rng.integers(0, clusters, n)] + 0.3 * rng.standard_normal((n, dim)).astype(np.float32)
    return points / np.linalg.norm(points, axis=1, keepdims=True)


def test_config_offers_every_type_the_index_knows() -> None:
    assert get_args(Settings.model_fields["index_type"].annotation) == get_args(choice.IndexType)
    assert Settings.model_fields["index_type"].default == "auto"
    assert Settings.model_fields["auto_flat_max_chunks"].default == choice.AUTO_FLAT_MAX
    assert get_args(Settings.model_fields["index_mmap"].annotation) == get_args(choice.MmapMode)


@pytest.mark.parametrize(
    ("index_type", "n", "expected"),
    [
        ("auto", 500, "flat"),
        ("auto", choice.AUTO_FLAT_MAX, "flat"),
        ("auto", choice.AUTO_FLAT_MAX + 1, "ivf-sq8"),
        ("ivf-sq8", 100, f"flat (ivf-sq8 needs >= {choice.IVF_MIN_VECTORS} vectors)"),
        ("hnsw", 10, "hnsw"),
        ("flat", 10**7, "flat"),
    ],
)
def test_auto_chooses_by_corpus_size(index_type: str, n: int, expected: str) -> None:
    assert choice.resolve_type(index_type, n) == expected


def test_auto_builds_flat_below_the_threshold_and_ivf_sq8_above() -> None:
    vectors = clustered(3000, 32)
    small, large = FaissIndex(32, "auto", flat_max=5000), FaissIndex(32, "auto", flat_max=2500)
    small.add(vectors)
    large.add(vectors)
    assert (small.effective_type, large.effective_type) == ("flat", "ivf-sq8")
    assert large._index.nprobe == sq8_nprobe(large._index.nlist)


def test_auto_ivf_sq8_finds_the_same_top1_as_flat_on_clustered_data() -> None:
    vectors, queries = clustered(6000, 48), clustered(60, 48, seed=1)
    auto, flat = FaissIndex(48, "auto", flat_max=1000), FaissIndex(48, "flat")
    auto.add(vectors)
    flat.add(vectors)
    assert auto.effective_type == "ivf-sq8"
    same = [auto.search(q, 5)[1][0] == flat.search(q, 5)[1][0] for q in queries]
    assert sum(same) >= 0.95 * len(queries)


@pytest.mark.parametrize("index_type", ["flat", "hnsw", "ivf", "ivf-sq8"])
def test_memory_mapped_load_answers_like_the_loaded_index(tmp_path: Path, index_type: str) -> None:
    vectors = clustered(3000, 24)
    index = FaissIndex(24, index_type)  # type: ignore[arg-type]
    index.add(vectors)
    index.save(tmp_path / "v.faiss")
    mapped = FaissIndex.load(tmp_path / "v.faiss", index_type=index_type, mmap="on")  # type: ignore[arg-type]
    read = FaissIndex.load(tmp_path / "v.faiss", index_type=index_type, mmap="off")  # type: ignore[arg-type]
    assert (mapped.mmapped, read.mmapped) == (True, False)
    assert mapped.effective_type == read.effective_type == index.effective_type == index_type
    for query in clustered(10, 24, seed=3):
        np.testing.assert_array_equal(mapped.search(query, 10)[1], index.search(query, 10)[1])


def test_auto_mmap_maps_only_a_file_larger_than_half_the_free_ram(tmp_path: Path) -> None:
    index = FaissIndex(16, "flat")
    index.add(clustered(200, 16))
    index.save(tmp_path / "v.faiss")
    size = (tmp_path / "v.faiss").stat().st_size
    assert FaissIndex.load(tmp_path / "v.faiss", mmap="auto", available=size).mmapped
    assert not FaissIndex.load(tmp_path / "v.faiss", mmap="auto", available=4 * size).mmapped
    assert not choice.use_mmap("off", 10**12, available=1)
    assert choice.use_mmap("on", 1, available=10**12)


def test_manifest_records_the_setting_and_what_it_built(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    documents, chunks = make_corpus()
    index = build_index(settings, CountingEmbedder(), documents, chunks)
    assert (index.manifest.index_type, index.manifest.vector_index) == ("auto", "flat")
    assert index.vectors.effective_type == "flat"


def _rewrite_manifest(folder: Path, **fields: object) -> None:
    """Make the saved manifest look like one an older version wrote (checksum updated)."""
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest.update(fields)
    (folder / MANIFEST).write_text(json.dumps(manifest))
    from rag.files import sha256_file

    checksums = json.loads((folder / "checksums.json").read_text())
    checksums[MANIFEST] = sha256_file(folder / MANIFEST)
    (folder / "checksums.json").write_text(json.dumps(checksums))


def _saved(tmp_path: Path, **settings: object) -> Path:
    built = make_settings(tmp_path, **settings)
    documents, chunks = make_corpus()
    return save_index(build_index(built, CountingEmbedder(), documents, chunks), built.index_dir)


def test_an_index_built_as_flat_before_auto_loads_under_auto_while_small(tmp_path: Path) -> None:
    folder = _saved(tmp_path, index_type="flat")
    _rewrite_manifest(folder, vector_index=None)
    loaded = load_index(make_settings(tmp_path), CountingEmbedder())
    assert loaded.vectors.effective_type == "flat"


def test_an_auto_index_loads_under_the_type_it_chose_and_not_under_another(tmp_path: Path) -> None:
    _saved(tmp_path)
    assert len(load_index(make_settings(tmp_path, index_type="flat"), CountingEmbedder()).chunks) == 6
    with pytest.raises(IndexMismatchError, match="RAG_INDEX_TYPE=auto"):
        load_index(make_settings(tmp_path, index_type="hnsw"), CountingEmbedder())


def test_a_large_flat_index_under_auto_is_a_mismatch_naming_both_fixes(tmp_path: Path) -> None:
    paragraphs = {
        f"doc{d}": "\n\n".join(f"Alinea {p} van document {d} over onderwerp {p % 17}." for p in range(70))
        for d in range(30)
    }
    built = make_settings(tmp_path, index_type="flat")
    documents, chunks = make_corpus(paragraphs)
    assert len(chunks) == 2100 > choice.IVF_MIN_VECTORS
    folder = save_index(build_index(built, CountingEmbedder(), documents, chunks), built.index_dir)
    _rewrite_manifest(folder, vector_index=None)
    assert len(load_index(make_settings(tmp_path), CountingEmbedder()).chunks) == 2100  # auto: flat
    with pytest.raises(IndexMismatchError) as error:
        load_index(make_settings(tmp_path, auto_flat_max_chunks=1000), CountingEmbedder())
    message = str(error.value)
    assert "'ivf-sq8' at 2,100 chunks" in message
    assert "RAG_INDEX_TYPE=flat" in message and "rag ingest --rebuild" in message


def test_vectors_of_a_memory_mapped_ivf_sq8_come_back_within_its_8_bit_precision(tmp_path: Path) -> None:
    vectors = clustered(3000, 16)
    index = FaissIndex(16, "ivf-sq8")
    index.add(vectors)
    index.save(tmp_path / "v.faiss")
    mapped = FaissIndex.load(tmp_path / "v.faiss", index_type="ivf-sq8", mmap="on")
    np.testing.assert_allclose(mapped.reconstruct_all(), vectors, atol=0.02)


def test_a_vector_file_of_another_type_than_the_manifest_says_is_corrupt(tmp_path: Path) -> None:
    folder = _saved(tmp_path)
    _rewrite_manifest(folder, vector_index="hnsw")
    with pytest.raises(IndexCorruptError, match="manifest says 'hnsw'"):
        load_index(make_settings(tmp_path, index_type="hnsw"), CountingEmbedder())


@pytest.mark.parametrize("index_type", ["ivf", "ivf-sq8"])
def test_asking_an_ivf_index_for_every_vector_returns_every_vector(index_type: str) -> None:
    """A filtered search ranks all vectors: the lists outside nprobe must be searched too."""
    vectors = clustered(3000, 16)
    index = FaissIndex(16, index_type)  # type: ignore[arg-type]
    index.add(vectors)
    assert len(index.search(vectors[0], 100)[1]) == 100
    _, positions = index.search(vectors[0], len(index))
    assert sorted(positions.tolist()) == list(range(3000))
