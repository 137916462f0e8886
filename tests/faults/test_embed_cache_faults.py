"""Embedding cache faults: the cache is only an accelerator, so `rag ingest` still works (it
embeds again, with a warning) when the cache file is garbage, its vectors are damaged, or its
folder cannot be created; a garbage file is replaced, so the next ingest is fast again."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from rag.config import Settings
from rag.embedders.hashing import HashingEmbedder
from rag.index.embed_cache import cache_dir
from rag.index.ingest import ingest_corpus
from tests.faults.helpers import answers_from_saved_index, fault_settings
from tests.index.helpers import CountingEmbedder

DIM = HashingEmbedder().dim  # as the saved index is loaded with


def _cache_file(settings: Settings) -> Path:
    return cache_dir(settings.home, CountingEmbedder(DIM).fingerprint) / "vectors.sqlite"


def _ingest(settings: Settings) -> CountingEmbedder:
    """A rebuild (so the cache is asked), answered from afterwards; the embedder shows the work."""
    embedder = CountingEmbedder(DIM)
    result = ingest_corpus(settings, embedder=embedder, rebuild=True)
    assert result.stats is not None and result.stats.embedded == len(embedder.embedded)
    assert "Poetin" in answers_from_saved_index(settings)
    return embedder


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = fault_settings(tmp_path)
    assert _ingest(settings).embedded  # the first ingest fills the cache
    assert not _ingest(settings).embedded  # ... and the second uses it
    return settings


def test_embed_cache_file_is_garbage(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    _cache_file(settings).write_bytes(b"not an sqlite database " * 200)
    with caplog.at_level(logging.WARNING, logger="rag.index.embed_cache"):
        assert _ingest(settings).embedded  # embedded again
    assert "embedding again" in caplog.text and "removing the damaged embedding cache" in caplog.text
    assert not _ingest(settings).embedded  # the cache was replaced and filled again


def test_embed_cache_vectors_damaged(settings: Settings) -> None:
    with closing(sqlite3.connect(_cache_file(settings))) as conn, conn:
        conn.execute("UPDATE vectors SET vector = ?", (b"\x00\x01",))
    assert _ingest(settings).embedded  # wrong-sized vectors count as missing
    assert not _ingest(settings).embedded  # ... and were written again


def test_embed_cache_folder_cannot_be_created(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = fault_settings(tmp_path)
    settings.home.mkdir(parents=True)
    (settings.home / "embed-cache").write_text("a file where the cache folder goes", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="rag.index.embed_cache"):
        assert _ingest(settings).embedded
        assert _ingest(settings).embedded  # no cache: slower, never failing
    assert "could not write the embedding cache" in caplog.text
