"""Index faults that tests/index/test_load_errors.py leaves out, each followed by the advice the
user is given, to show that it repairs the index: a garbled or empty CURRENT pointer, a vector
file that is garbage yet matches its checksum, a damaged file repaired by a plain `rag ingest`,
and an index built with another embedder met by `rag ask`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.cli import app
from rag.config import Settings
from rag.errors import IndexCorruptError, IndexMissingError, RagError
from rag.files import sha256_file
from rag.index.ingest import ingest_corpus
from rag.index.persist import CHECKSUMS, CURRENT
from rag.index.store import FILES, MANIFEST, VECTORS, load_index
from tests.faults.helpers import QUESTION, answers_from_saved_index, fault_settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = fault_settings(tmp_path)
    ingest_corpus(settings)
    return settings


def _live(settings: Settings) -> Path:
    return settings.index_dir / (settings.index_dir / CURRENT).read_text(encoding="utf-8").strip()


def _load_fails(settings: Settings, kind: type[RagError], fix: str) -> None:
    with pytest.raises(kind) as error:
        load_index(settings, None)
    assert fix in str(error.value)


def test_index_pointer_garbled(settings: Settings) -> None:
    (settings.index_dir / CURRENT).write_bytes(b"\xff\xfe\x00garbage\x80")
    _load_fails(settings, IndexCorruptError, "run 'rag ingest --rebuild'")
    ingest_corpus(settings, rebuild=True)  # the advice works
    assert "Poetin" in answers_from_saved_index(settings)


def test_index_pointer_empty(settings: Settings) -> None:
    (settings.index_dir / CURRENT).write_text("", encoding="utf-8")
    _load_fails(settings, IndexMissingError, "run 'rag ingest'")
    ingest_corpus(settings)
    assert "Poetin" in answers_from_saved_index(settings)


def test_index_vectors_garbage_with_a_matching_checksum(settings: Settings) -> None:
    folder = _live(settings)
    (folder / VECTORS).write_bytes(b"not a faiss index" * 10)
    checksums = json.loads((folder / CHECKSUMS).read_text(encoding="utf-8"))
    checksums[VECTORS] = sha256_file(folder / VECTORS)
    (folder / CHECKSUMS).write_text(json.dumps(checksums), encoding="utf-8")
    _load_fails(settings, IndexCorruptError, "cannot read the vector index")
    ingest_corpus(settings, rebuild=True)
    assert "Poetin" in answers_from_saved_index(settings)


@pytest.mark.parametrize("file_name", [*FILES, CHECKSUMS])
def test_index_file_truncated_is_repaired_by_rag_ingest(settings: Settings, file_name: str) -> None:
    path = _live(settings) / file_name
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    _load_fails(settings, IndexCorruptError, "run 'rag ingest --rebuild'")
    assert not ingest_corpus(settings).up_to_date  # even without --rebuild: a damaged index is rebuilt
    assert "Poetin" in answers_from_saved_index(settings)


def test_index_built_with_another_embedder_met_by_rag_ask(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _live(settings)  # pretend it was built with the built-in embedding model
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest.update(embed_model="embeddinggemma-300m", embed_fingerprint="embeddinggemma-300m:abc", dim=768)
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    checksums = json.loads((folder / CHECKSUMS).read_text(encoding="utf-8"))
    checksums[MANIFEST] = sha256_file(folder / MANIFEST)
    (folder / CHECKSUMS).write_text(json.dumps(checksums), encoding="utf-8")
    monkeypatch.chdir(settings.home.parent)
    env = {
        "RAG_HOME": str(settings.home),
        "RAG_DATA_DIR": str(settings.data_dir),
        "RAG_EMBEDDER": "hashing",
        "RAG_GENERATOR": "scripted",
    }
    result = CliRunner().invoke(app, ["ask", QUESTION], env=env)
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.output
    assert re.search(r"embeddinggemma-300m.*hashing.*rag ingest --rebuild", errors[0])
    result = CliRunner().invoke(app, ["ingest", "--corpus", str(settings.corpus_dir), "--rebuild"], env=env)
    assert result.exit_code == 0, result.output
    assert "Poetin" in answers_from_saved_index(settings)
