"""ingest_corpus: folder -> documents -> chunks -> vectors -> saved index, doing as little as it can.

If the saved index was built from exactly these documents with these settings, nothing is
chunked, embedded or saved, and the embedding model is never loaded ("index up to date").
Otherwise only chunks whose text is new to this model are embedded (see store.build_index).
"""

from __future__ import annotations

import errno
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rag.config import Settings
from rag.corpus import CorpusLoad, chunk_documents, load_corpus
from rag.embedders import Embedder, create_embedder
from rag.errors import ConfigError, CorpusError
from rag.index.persist import check_writable
from rag.index.store import (
    BuildStats,
    IngestProgress,
    ProgressCallback,
    build_index,
    index_up_to_date,
    load_index,
    save_index,
)
from rag.types import Chunk


@dataclass(frozen=True)
class IngestResult:
    load: CorpusLoad  # .documents, and .skipped: files that could not be read
    chunks: Sequence[Chunk]
    up_to_date: bool  # nothing changed: the saved index was kept as it was
    stats: BuildStats | None  # None when up to date
    index_dir: Path
    seconds: float


def ingest_corpus(
    settings: Settings,
    *,
    rebuild: bool = False,
    progress: bool = False,
    embedder: Embedder | None = None,
    on_progress: ProgressCallback | None = None,
) -> IngestResult:
    """Bring the index in `settings.index_dir` up to date with `settings.corpus_dir`.

    `rebuild=True` skips the up-to-date shortcut and writes a fresh index (the embedding cache
    still spares re-embedding text this model has seen). `on_progress` hears each stage (reading,
    chunking, embedding chunk by chunk, saving, done), e.g. for the web chat's progress bar.
    """
    started = time.perf_counter()
    report = on_progress or _ignore
    report(IngestProgress(stage="reading", done=0, total=1))
    load = load_corpus(settings.corpus_dir, strict=settings.strict_corpus)
    if not load.documents:
        raise CorpusError(
            f"no readable documents in {settings.corpus_dir}; add documents or pass --corpus DIR"
        )
    embedder = embedder or create_embedder(settings)
    if not rebuild and index_up_to_date(settings, embedder, load.documents):
        saved = load_index(settings, None).chunks
        report(IngestProgress(stage="done", done=1, total=1))
        return IngestResult(load, saved, True, None, settings.index_dir, time.perf_counter() - started)
    fix = "set RAG_DATA_DIR to a writable folder, or make this one writable (chmod u+w)"
    check_writable(settings.index_dir, fix)  # before any embedding: fail in a second, not an hour
    report(IngestProgress(stage="chunking", done=0, total=len(load.documents)))
    chunks = chunk_documents(
        load.documents,
        embedder.count_tokens,
        target_tokens=settings.chunk_tokens,
        overlap_tokens=settings.chunk_overlap,
    )
    index = build_index(
        settings, embedder, load.documents, chunks, progress=progress, on_progress=on_progress
    )
    report(IngestProgress(stage="saving", done=0, total=1))
    try:
        save_index(index, settings.index_dir)
    except OSError as exc:  # the previous index stays as it was: saves are atomic
        raise ConfigError(_save_failed(settings.index_dir, exc, fix)) from exc
    report(IngestProgress(stage="done", done=1, total=1))
    return IngestResult(load, chunks, False, index.stats, settings.index_dir, time.perf_counter() - started)


def _ignore(progress: IngestProgress) -> None:
    pass


def _save_failed(index_dir: Path, exc: OSError, fix: str) -> str:
    where = index_dir.absolute()
    if exc.errno == errno.ENOSPC:
        fix = (
            "free some disk space there (or set RAG_DATA_DIR to a folder on a larger disk) and run "
            "'rag ingest' again; the previous index is still in place"
        )
    return f"cannot save the index in {where} ({exc.strerror or exc}); {fix}"
