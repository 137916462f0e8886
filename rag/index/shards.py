"""A sharded index: the documents split over shards by a hash of their id, each shard a complete
saved index, and one top-level generation that names them. Loading gives one CorpusIndex whose
documents, chunks and chunk positions are exactly those of the unsharded index of the same corpus.

Layout of the index folder when sharded:
    CURRENT, gen-*/          as for any index (persist.py); the live generation holds
        manifest.json          the whole index's manifest (every document, the chunk count, model)
        shards.json            the shard set: its run folder, the shard names, the document order
    shards/<run>/<NNN>/      one saved index per non-empty shard (its own CURRENT and generation)

A save writes every shard into a fresh run folder first and then the top-level generation naming
that run: a kill at any moment leaves CURRENT naming the previous complete index. Run folders that
neither the live nor the previous generation names are pruned after the switch (and after a plain
save, which leaves the shards of the index before it unnamed).

Shard of a document: the first 8 hex digits of sha256(document id) modulo the shard count. The id
(its path), not the content: an edited document stays in its shard.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import shutil
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from pydantic import Field, ValidationError

from rag.config import Settings
from rag.embedders.base import Embedder
from rag.errors import IndexCorruptError, IndexEmptyError, IndexMismatchError, IndexMissingError, RagError
from rag.index.faiss_store import FaissIndex
from rag.index.manifest import check_manifest, make_manifest
from rag.index.persist import current_generation, live_generation, read_json, save_files
from rag.index.sharded_vectors import ShardedVectors
from rag.index.store import (
    LEXICAL,
    MANIFEST,
    CorpusIndex,
    SavedIndex,
    lexical_of,
    load_index,
    load_lexical,
    parse_manifest,
    read_saved,
    save_index,
)
from rag.types import Chunk, Document, Frozen, IndexManifest

SHARDS = "shards.json"
SHARDS_DIR = "shards"
FORMAT_VERSION = 1
CHUNKS_PER_SHARD = 200_000  # the shard count when not given: a shard small enough to rebuild alone
_REBUILD = "run 'rag ingest --rebuild'"


class ShardSet(Frozen):
    """What shards.json records."""

    format_version: int = FORMAT_VERSION
    run: str  # the folder under shards/ that holds this index's shards
    count: int  # the modulus of the shard key
    shards: tuple[str, ...]  # the non-empty shards' folder names
    order: tuple[str, ...]  # document ids in corpus order (the unsharded index's order)
    # id -> sha256 of the files that could not be read: unchanged, they need no new attempt
    skipped: dict[str, str] = Field(default_factory=dict)


def shard_of(doc_id: str, count: int) -> int:
    return int(hashlib.sha256(doc_id.encode("utf-8")).hexdigest()[:8], 16) % count


def shard_count(n_chunks: int, wanted: int = 0) -> int:
    """`wanted` when given (> 0), else one shard per CHUNKS_PER_SHARD chunks."""
    return wanted if wanted > 0 else max(1, math.ceil(n_chunks / CHUNKS_PER_SHARD))


def is_sharded(directory: Path) -> bool:
    name = live_generation(directory)
    return name is not None and (directory / name / SHARDS).is_file()


def live_shard_count(directory: Path) -> int | None:
    """How many shards the live index has; None for a plain index, no index or an unreadable one
    (which the next save replaces anyway)."""
    if not is_sharded(directory):
        return None
    try:
        return len(_live(directory)[2].shards)
    except RagError:
        return None


def save_sharded(
    settings: Settings,
    embedder: Embedder,
    documents: Sequence[Document],
    chunks: Sequence[Chunk],
    vectors: npt.NDArray[np.float32],
    count: int,
    *,
    skipped: Mapping[str, str] | None = None,
) -> Path:
    """Save documents, chunks and their vectors (rows in chunk order) as `count` shards plus the
    top-level generation naming them. Returns the top-level generation folder."""
    directory = settings.index_dir
    dim = int(vectors.shape[1])
    run = f"run-{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}"
    members = [shard_of(doc.id, count) for doc in documents]
    shard_of_doc = {doc.id: member for doc, member in zip(documents, members, strict=True)}
    rows = np.array([shard_of_doc[chunk.doc_id] for chunk in chunks], dtype=np.int64)
    names = []
    parts: list[tuple[Sequence[Document], Sequence[Chunk]]] = []
    for shard in sorted(set(members)):
        shard_docs = [doc for doc, member in zip(documents, members, strict=True) if member == shard]
        shard_chunks = [chunk for chunk, row in zip(chunks, rows, strict=True) if row == shard]
        store = FaissIndex(
            dim, settings.index_type, threads=settings.embed_threads, flat_max=settings.auto_flat_max_chunks
        )
        store.add(vectors[rows == shard])  # "auto" chooses by the shard's own size
        manifest = make_manifest(
            settings, embedder, shard_docs, len(shard_chunks), dim=dim, vector_index=store.effective_type
        )
        name = f"{shard:03d}"
        save_index(
            CorpusIndex(manifest, shard_docs, shard_chunks, store),
            directory / SHARDS_DIR / run / name,
            lexical=False,
        )
        names.append(name)
        parts.append((shard_docs, shard_chunks))
    order = tuple(doc.id for doc in documents)
    merged = _merge(parts, order)[1]  # the chunks in the order load_sharded gives them
    shard_set = ShardSet(run=run, count=count, shards=tuple(names), order=order, skipped=dict(skipped or {}))
    whole = make_manifest(settings, embedder, documents, len(chunks), dim=dim)
    folder = save_files(
        directory,
        {
            MANIFEST: lambda path: path.write_text(whole.model_dump_json(indent=2), encoding="utf-8"),
            SHARDS: lambda path: path.write_text(shard_set.model_dump_json(indent=2), encoding="utf-8"),
            LEXICAL: lexical_of(merged).save,  # one BM25 over all shards
        },
    )
    prune_runs(directory)
    return folder


def prune_runs(directory: Path) -> None:
    """Remove the shard runs that neither the live nor the previous generation names (a crashed
    save's, or those of an index two saves ago)."""
    root = directory / SHARDS_DIR
    if not root.is_dir():
        return
    named = set()
    for generation in directory.glob("gen-*"):  # persist keeps the live and the previous one
        try:
            named.add(_read_shard_set(generation / SHARDS).run)
        except IndexCorruptError:
            continue  # a plain generation: it names no run
    for run in root.iterdir():
        if run.name not in named:
            shutil.rmtree(run, ignore_errors=True)


def skipped_files(directory: Path) -> dict[str, str]:
    """The files the live sharded index could not read (id -> sha256); {} for a plain index."""
    try:
        return _live(directory)[2].skipped if is_sharded(directory) else {}
    except RagError:
        return {}


def _read_shard_set(path: Path) -> ShardSet:
    try:
        return ShardSet.model_validate(read_json(path))
    except ValidationError as exc:
        raise IndexCorruptError(f"{path} is not a valid shard set ({exc}); {_REBUILD}") from exc


def _live(directory: Path) -> tuple[Path, IndexManifest, ShardSet]:
    folder = current_generation(directory, (MANIFEST, SHARDS))
    manifest = parse_manifest(folder / MANIFEST)
    shard_set = _read_shard_set(folder / SHARDS)
    if shard_set.format_version != FORMAT_VERSION:
        raise IndexCorruptError(f"{folder / SHARDS} has format {shard_set.format_version}; {_REBUILD}")
    return folder, manifest, shard_set


def _shard_dirs(directory: Path, shard_set: ShardSet) -> list[Path]:
    return [directory / SHARDS_DIR / shard_set.run / name for name in shard_set.shards]


def load_sharded(
    settings: Settings, embedder: Embedder | None, *, directory: Path, allow_empty: bool = False
) -> CorpusIndex:
    """The sharded index as one CorpusIndex (see store.load_index, which calls this)."""
    folder, manifest, shard_set = _live(directory)
    if not manifest.documents and not allow_empty:
        raise IndexEmptyError(f"No documents are indexed yet in {directory}; add some and run 'rag ingest'")
    check_manifest(manifest, settings, embedder, directory=directory)
    parts = [
        load_index(settings, embedder, directory=shard, allow_empty=True)
        for shard in _shard_dirs(directory, shard_set)
    ]
    documents, chunks, positions = _merge([(p.documents, p.chunks) for p in parts], shard_set.order)
    _check_whole(folder, manifest, documents, chunks)
    vectors = ShardedVectors([part.vectors for part in parts], positions)
    lexical = load_lexical(folder, len(chunks))
    return CorpusIndex(manifest, documents, chunks, vectors, generation=folder.name, lexical=lexical)


def read_saved_sharded(settings: Settings, embedder: Embedder, directory: Path) -> SavedIndex | None:
    """store.read_saved for a sharded index: its documents and chunks in corpus order, or None."""
    try:
        folder, manifest, shard_set = _live(directory)
        check_manifest(manifest, settings, embedder, directory=directory, check_dim=False)
    except (IndexMissingError, IndexCorruptError, IndexMismatchError):
        return None
    parts = [read_saved(settings, embedder, directory=shard) for shard in _shard_dirs(directory, shard_set)]
    if any(part is None for part in parts):
        return None
    try:
        documents, chunks, _ = _merge([(p.documents, p.chunks) for p in parts if p], shard_set.order)
        _check_whole(folder, manifest, documents, chunks)
    except IndexCorruptError:
        return None
    return SavedIndex(list(documents), list(chunks), manifest.dim)


def _merge(
    parts: Sequence[tuple[Sequence[Document], Sequence[Chunk]]], order: Sequence[str]
) -> tuple[list[Document], list[Chunk], list[npt.NDArray[np.int64]]]:
    """Documents and chunks in corpus order, and each shard's map from its chunk positions to
    the global ones."""
    home: dict[str, int] = {}
    by_id: dict[str, Document] = {}
    local: dict[str, list[int]] = {}  # doc id -> its chunks' positions in its shard
    for shard, (documents, chunks) in enumerate(parts):
        for doc in documents:
            home[doc.id], by_id[doc.id] = shard, doc
        for position, chunk in enumerate(chunks):
            local.setdefault(chunk.doc_id, []).append(position)
    if sorted(by_id) != sorted(order) or len(order) != len(set(order)):
        raise IndexCorruptError(f"the shards hold other documents than the shard set names; {_REBUILD}")
    positions = [np.full(len(chunks), -1, dtype=np.int64) for _, chunks in parts]
    chunks_out: list[Chunk] = []
    for doc_id in order:
        shard = home[doc_id]
        for position in local.get(doc_id, []):
            positions[shard][position] = len(chunks_out)
            chunks_out.append(parts[shard][1][position])
    return [by_id[doc_id] for doc_id in order], chunks_out, positions


def _check_whole(
    folder: Path, manifest: IndexManifest, documents: Sequence[Document], chunks: Sequence[Chunk]
) -> None:
    hashes = {doc.id: doc.content_hash for doc in documents}
    if hashes != manifest.documents or len(chunks) != manifest.n_chunks:
        raise IndexCorruptError(
            f"the shards named in {folder} differ from its manifest ({len(chunks)} chunks, manifest "
            f"says {manifest.n_chunks}); {_REBUILD}"
        )
