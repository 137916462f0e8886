"""ingest_corpus: folder -> documents -> chunks -> vectors -> saved index, doing as little as it can.

Each step skips what it has done before:
- reading: a file whose bytes were read before comes from the extraction cache (PDF layout
  analysis and OCR are the slow part of loading);
- chunking: a document equal to one in the saved index keeps that index's chunks;
- embedding: only chunks whose text is new to this model are embedded (the embedding cache), and
  the model is not even loaded when there are none (a removed document);
- if the saved index was built from exactly these documents with these settings, nothing is
  chunked, embedded or saved ("index up to date").

Removing every document leaves an empty index (no documents, no chunks), saved atomically like any
other: loading it raises IndexEmptyError, which tells the person to add documents.
"""

from __future__ import annotations

import errno
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rag.config import Settings
from rag.corpus import CorpusLoad, chunk_document, load_corpus
from rag.corpus.cache import ExtractionCache
from rag.embedders import Embedder, create_embedder
from rag.errors import ConfigError, RagError
from rag.index.embedding import BuildStats, IngestProgress, ProgressCallback, embed_chunks
from rag.index.persist import check_writable
from rag.index.shards import live_shard_count, save_sharded
from rag.index.store import (
    SavedIndex,
    build_index,
    read_manifest,
    read_saved,
    save_index,
)
from rag.types import Chunk, Document


@dataclass(frozen=True)
class Changes:
    """Paths (relative to the corpus) of the documents added, changed and removed since the saved
    index; all documents count as added when there was none (or it no longer fits the settings)."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass(frozen=True)
class IngestResult:
    load: CorpusLoad  # .documents, and .skipped: files that could not be read
    chunks: Sequence[Chunk]
    up_to_date: bool  # nothing changed: the saved index was kept as it was
    stats: BuildStats | None  # None when up to date
    index_dir: Path
    seconds: float
    changes: Changes = Changes()
    # Seconds per step: "load" (read and clean, or the extraction cache), "chunk", "embed" (the
    # model, its loading included), "index" (cache lookups, FAISS) and "save".
    timings: dict[str, float] = field(default_factory=dict)


def extraction_cache(settings: Settings, *, refresh: bool = False) -> ExtractionCache:
    """The cache of cleaned documents, beside the index in the data folder: its entries belong
    to this corpus (pruned to its files at every load)."""
    return ExtractionCache(settings.data_dir / "extract-cache", refresh=refresh)


def ingest_corpus(
    settings: Settings,
    *,
    rebuild: bool = False,
    progress: bool = False,
    embedder: Embedder | None = None,
    on_progress: ProgressCallback | None = None,
) -> IngestResult:
    """Bring the index in `settings.index_dir` up to date with `settings.corpus_dir`.

    `rebuild=True` reads every file and chunks every document again and writes a fresh index
    (the embedding cache still spares re-embedding text this model has seen). `on_progress` hears
    each stage (reading, chunking, embedding chunk by chunk, saving, done), e.g. for the web
    chat's progress bar.
    """
    clock = _Clock()
    report = on_progress or _ignore
    report(IngestProgress(stage="reading", done=0, total=1))
    cache = extraction_cache(settings, refresh=rebuild)
    load = load_corpus(settings.corpus_dir, strict=settings.strict_corpus, cache=cache,
                       allow_empty=_own_folder(settings))  # fmt: skip
    clock.lap("load")
    embedder = embedder or create_embedder(settings)
    saved = read_saved(settings, embedder)
    changes = compare(saved.documents if saved else [], load.documents)
    if not rebuild and saved is not None and saved.built_from(load.documents):
        cache.flush()
        report(IngestProgress(stage="done", done=1, total=1))
        return IngestResult(load, saved.chunks, True, None, settings.index_dir, clock.total(), Changes(),
                            clock.laps)  # fmt: skip
    fix = "set RAG_DATA_DIR to a writable folder, or make this one writable (chmod u+w)"
    check_writable(settings.index_dir, fix)  # before any embedding: fail in a second, not an hour
    cache.flush()
    report(IngestProgress(stage="chunking", done=0, total=len(load.documents)))
    chunks = _chunks(settings, embedder, load.documents, None if rebuild else saved)
    clock.lap("chunk")
    dim = saved.dim if saved is not None else None
    shard_count = live_shard_count(settings.index_dir)
    stats: BuildStats | None
    try:
        if shard_count:  # written by 'rag ingest --ray': it stays in as many shards
            stats = _save_in_shards(settings, embedder, load.documents, chunks, shard_count, clock,
                                    report, progress=progress, on_progress=on_progress, dim=dim)  # fmt: skip
        else:
            stats = _save_whole(settings, embedder, load.documents, chunks, clock, report,
                                progress=progress, on_progress=on_progress, dim=dim)  # fmt: skip
    except OSError as exc:  # the previous index stays as it was: saves are atomic
        raise ConfigError(_save_failed(settings.index_dir, exc, fix)) from exc
    clock.lap("save")
    report(IngestProgress(stage="done", done=1, total=1))
    return IngestResult(load, chunks, False, stats, settings.index_dir, clock.total(), changes,
                        clock.laps)  # fmt: skip


def _save_whole(
    settings: Settings, embedder: Embedder, documents: Sequence[Document], chunks: list[Chunk],
    clock: _Clock, report: ProgressCallback, *, progress: bool, on_progress: ProgressCallback | None,
    dim: int | None,
) -> BuildStats | None:  # fmt: skip
    index = build_index(settings, embedder, documents, chunks, progress=progress, on_progress=on_progress,
                        dim=dim)  # fmt: skip
    if index.stats is not None:  # build_index splits its own time
        clock.laps["embed"] = index.stats.embed_seconds
        clock.laps["index"] = index.stats.seconds - index.stats.embed_seconds
    clock.restart()
    report(IngestProgress(stage="saving", done=0, total=1))
    save_index(index, settings.index_dir)
    return index.stats


def _save_in_shards(
    settings: Settings, embedder: Embedder, documents: Sequence[Document], chunks: list[Chunk],
    count: int, clock: _Clock, report: ProgressCallback, *, progress: bool,
    on_progress: ProgressCallback | None, dim: int | None,
) -> BuildStats:  # fmt: skip
    """A sharded index stays sharded: a plain ingest after 'rag ingest --ray' (or the web chat's
    Documents tab, or --watch) saves the same number of shards, not one index of everything."""
    matrix, stats = embed_chunks(settings, embedder, chunks, progress=progress, on_progress=on_progress,
                                 dim=dim)  # fmt: skip
    clock.laps["embed"] = stats.embed_seconds
    clock.restart()
    report(IngestProgress(stage="saving", done=0, total=1))
    save_sharded(settings, embedder, documents, chunks, matrix, count)
    return stats


def _own_folder(settings: Settings) -> bool:
    """True when the live index was built from this corpus folder: if it has no documents left,
    they were removed and the index empties (saved like any other, so nothing cites the removed
    files). An empty folder with no index, or with one from another folder, is more likely the
    wrong folder: load_corpus refuses it and the index is kept."""
    try:
        built_from = read_manifest(settings.index_dir).corpus_dir
    except RagError:
        return False
    return built_from is None or built_from == str(settings.corpus_dir.resolve())


def _chunks(
    settings: Settings, embedder: Embedder, documents: Sequence[Document], saved: SavedIndex | None
) -> list[Chunk]:
    """Every document's chunks: a saved index's own for a document it holds unchanged (same id,
    text and metadata, chunked with the same settings), the chunker's for the rest."""
    kept: dict[str, list[Chunk]] = {}
    if saved is not None:
        previous = {doc.id: doc for doc in saved.documents}
        same = {doc.id for doc in documents if previous.get(doc.id) == doc}
        for chunk in saved.chunks:
            if chunk.doc_id in same:
                kept.setdefault(chunk.doc_id, []).append(chunk)
    chunks: list[Chunk] = []
    target, overlap = settings.chunk_tokens, settings.chunk_overlap
    for doc in documents:
        if doc.id in kept:
            chunks.extend(kept[doc.id])
            continue
        count = embedder.count_tokens
        chunks.extend(chunk_document(doc, count, target_tokens=target, overlap_tokens=overlap))
    return chunks


def compare(before: Sequence[Document], after: Sequence[Document]) -> Changes:
    """What changed between two lists of documents, by path."""
    old = {doc.path: doc for doc in before}
    new = {doc.path: doc for doc in after}
    return Changes(
        added=tuple(sorted(new.keys() - old.keys())),
        changed=tuple(sorted(path for path in new.keys() & old.keys() if new[path] != old[path])),
        removed=tuple(sorted(old.keys() - new.keys())),
    )


class _Clock:
    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self.last
        self.last = now

    def restart(self) -> None:
        self.last = time.perf_counter()

    def total(self) -> float:
        return time.perf_counter() - self.started


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
