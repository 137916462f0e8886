"""The disk fills up while `rag ingest` saves: the writer of one index file writes to /dev/full
(a real ENOSPC, through the real code, faiss included), or switching CURRENT fails. The user is
told to free space, and the previous index still loads and answers."""

from __future__ import annotations

import errno
from collections.abc import Mapping
from pathlib import Path

import pytest

from rag.config import Settings
from rag.errors import ConfigError
from rag.index import persist
from rag.index.ingest import ingest_corpus
from rag.index.store import CHUNKS, DOCUMENTS, MANIFEST, VECTORS, load_index
from tests.faults.helpers import answers_from_saved_index, fault_settings

FULL = Path("/dev/full")
pytestmark = pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full (Linux)")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """An index saved once; then the corpus grows, so the next ingest saves a new one."""
    settings = fault_settings(tmp_path)
    ingest_corpus(settings)
    (settings.corpus_dir / "navo.txt").write_text("De NAVO houdt een top in Vilnius.\n", encoding="utf-8")
    return settings


def _fill_disk_at(file_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    real = persist._write_generation

    def write_generation(folder: Path, writers: Mapping[str, persist.Writer]) -> None:
        broken = dict(writers)
        broken[file_name] = lambda path: writers[file_name](FULL)
        real(folder, broken)

    monkeypatch.setattr(persist, "_write_generation", write_generation)


def _assert_previous_index_kept(settings: Settings, error: ConfigError, chunk_ids: list[str]) -> None:
    message = str(error)
    assert "No space left on device" in message and "free some disk space" in message
    assert "RAG_DATA_DIR" in message and "'rag ingest' again" in message
    assert [c.id for c in load_index(settings, None).chunks] == chunk_ids
    assert "Poetin" in answers_from_saved_index(settings)
    assert not [p for p in settings.index_dir.iterdir() if p.name.startswith("tmp-")]


@pytest.mark.parametrize("file_name", [MANIFEST, DOCUMENTS, CHUNKS, VECTORS])
def test_disk_full_while_writing_an_index_file(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, file_name: str
) -> None:
    before = [c.id for c in load_index(settings, None).chunks]
    _fill_disk_at(file_name, monkeypatch)
    with pytest.raises(ConfigError) as error:
        ingest_corpus(settings)
    _assert_previous_index_kept(settings, error.value, before)
    monkeypatch.undo()  # space freed: the advice works
    assert not ingest_corpus(settings).up_to_date
    assert len(load_index(settings, None).documents) == 4


def test_disk_full_while_switching_to_the_new_index(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = [c.id for c in load_index(settings, None).chunks]

    def point_current(directory: Path, generation: str) -> None:
        (directory / f"{persist.CURRENT}.tmp").write_text(generation[:3], encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(persist, "_point_current", point_current)
    with pytest.raises(ConfigError) as error:
        ingest_corpus(settings)
    _assert_previous_index_kept(settings, error.value, before)
    monkeypatch.undo()
    ingest_corpus(settings)
    assert len(load_index(settings, None).documents) == 4
    assert len([p for p in settings.index_dir.iterdir() if p.name.startswith("gen-")]) == 2  # pruned
