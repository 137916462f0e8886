"""A saved index that no longer fits the settings, or whose files are damaged, fails clearly."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from rag.errors import IndexCorruptError, IndexMismatchError
from rag.index.persist import CURRENT
from rag.index.store import CHUNKS, DOCUMENTS, MANIFEST, VECTORS, build_index, load_index, save_index
from tests.index.helpers import CountingEmbedder, make_corpus, make_settings


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    """The folder of the live generation of a freshly saved index."""
    settings = make_settings(tmp_path)
    documents, chunks = make_corpus()
    return save_index(build_index(settings, CountingEmbedder(), documents, chunks), settings.index_dir)


def test_other_embedder_is_a_mismatch_naming_both_models(saved: Path, tmp_path: Path) -> None:
    with pytest.raises(IndexMismatchError) as error:
        load_index(make_settings(tmp_path), CountingEmbedder(dim=32))
    message = str(error.value)
    assert "hashing-64-v1" in message and "hashing-32-v1" in message
    assert "rag ingest --rebuild" in message


@pytest.mark.parametrize(
    ("setting", "value", "shown"),
    [("chunk_tokens", 300, "300"), ("chunk_overlap", 8, "8"), ("index_type", "hnsw", "hnsw")],
)
def test_other_chunker_or_index_type_is_a_mismatch(
    saved: Path, tmp_path: Path, setting: str, value: object, shown: str
) -> None:
    with pytest.raises(IndexMismatchError, match="rag ingest --rebuild") as error:
        load_index(make_settings(tmp_path, **{setting: value}), CountingEmbedder())
    assert shown in str(error.value)


def test_inspect_style_load_skips_model_checks(saved: Path, tmp_path: Path) -> None:
    loaded = load_index(make_settings(tmp_path), None)
    assert len(loaded.chunks) == 6


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _garbage(path: Path) -> None:
    path.write_text("{not json", encoding="utf-8")


def _remove(path: Path) -> None:
    path.unlink()


@pytest.mark.parametrize("damage", [_truncate, _garbage, _remove], ids=["truncated", "garbage", "missing"])
@pytest.mark.parametrize("file_name", [VECTORS, MANIFEST, CHUNKS, DOCUMENTS, "checksums.json"])
def test_damaged_files_are_reported_as_corrupt(
    saved: Path, tmp_path: Path, file_name: str, damage: Callable[[Path], None]
) -> None:
    damage(saved / file_name)
    with pytest.raises(IndexCorruptError, match="rag ingest --rebuild"):
        load_index(make_settings(tmp_path), CountingEmbedder())


def _rewrite_with_checksum(folder: Path, file_name: str, content: str) -> None:
    """Damage that checksums cannot see: the file was consistent when written, but wrong."""
    from rag.files import sha256_file

    (folder / file_name).write_text(content, encoding="utf-8")
    checksums = json.loads((folder / "checksums.json").read_text())
    checksums[file_name] = sha256_file(folder / file_name)
    (folder / "checksums.json").write_text(json.dumps(checksums))


def test_vector_count_must_match_chunk_count(saved: Path, tmp_path: Path) -> None:
    lines = (saved / CHUNKS).read_text(encoding="utf-8").splitlines(keepends=True)
    _rewrite_with_checksum(saved, CHUNKS, "".join(lines[:-1]))
    with pytest.raises(IndexCorruptError, match="5 chunks"):
        load_index(make_settings(tmp_path), CountingEmbedder())


def test_invalid_manifest_fields_are_corrupt(saved: Path, tmp_path: Path) -> None:
    manifest = json.loads((saved / MANIFEST).read_text())
    del manifest["dim"]
    _rewrite_with_checksum(saved, MANIFEST, json.dumps(manifest))
    with pytest.raises(IndexCorruptError, match="manifest"):
        load_index(make_settings(tmp_path), CountingEmbedder())


def test_current_pointing_nowhere_is_corrupt(saved: Path, tmp_path: Path) -> None:
    (saved.parent / CURRENT).write_text("gen-missing\n", encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="missing index folder"):
        load_index(make_settings(tmp_path), CountingEmbedder())


class _NamedEmbedder(CountingEmbedder):
    """The offline twin under another backend's model name (what the onnx-int8 embedder records)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self._model_name = name

    @property
    def name(self) -> str:
        return self._model_name


def test_index_of_the_other_backend_names_the_setting_that_built_it(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    documents, chunks = make_corpus()
    built_by = _NamedEmbedder("embeddinggemma-300m+onnx-int8")
    save_index(build_index(settings, built_by, documents, chunks), settings.index_dir)
    with pytest.raises(IndexMismatchError) as error:
        load_index(settings, _NamedEmbedder("embeddinggemma-300m"))
    message = str(error.value)
    assert "'embeddinggemma-300m+onnx-int8' (settings: 'embeddinggemma-300m')" in message
    assert "set RAG_EMBEDDER=onnx-int8" in message and "rag ingest --rebuild" in message
