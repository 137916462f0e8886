from __future__ import annotations

from pathlib import Path

import numpy as np

from rag.index.embed_cache import EmbeddingCache, cache_dir, text_key


def test_put_then_get_returns_the_same_vectors(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path, dim=4)
    vector = np.array([0.5, 0.5, 0.5, 0.5], dtype=np.float32)
    cache.put_many({text_key("a"): vector})
    found = cache.get_many([text_key("a"), text_key("b")])
    assert list(found) == [text_key("a")]
    np.testing.assert_array_equal(found[text_key("a")], vector)


def test_vectors_of_another_size_count_as_missing(tmp_path: Path) -> None:
    EmbeddingCache(tmp_path, dim=4).put_many({"k": np.ones(4, dtype=np.float32)})
    assert EmbeddingCache(tmp_path, dim=8).get_many(["k"]) == {}


def test_a_damaged_cache_file_means_embedding_again(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path, dim=4)
    cache.path.write_bytes(b"this is not a sqlite database" * 100)
    assert cache.get_many(["k"]) == {}
    cache.put_many({"k": np.ones(4, dtype=np.float32)})  # logs and carries on


def test_many_keys_are_looked_up_in_batches(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path, dim=2)
    vectors = {f"k{i}": np.full(2, i, dtype=np.float32) for i in range(1200)}
    cache.put_many(vectors)
    assert len(cache.get_many(list(vectors))) == 1200


def test_cache_folder_names_are_safe(tmp_path: Path) -> None:
    assert cache_dir(tmp_path, "hashing-64-v1") == tmp_path / "embed-cache" / "hashing-64-v1"
    assert cache_dir(tmp_path, "sha256:abc").name == "sha256_abc"
    assert cache_dir(tmp_path, "name:../../etc").parent == tmp_path / "embed-cache"
    assert len(cache_dir(tmp_path, "files:" + "f" * 200).name) < 100
