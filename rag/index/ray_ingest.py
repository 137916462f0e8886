"""`rag ingest --ray auto|ADDRESS`: read, clean, chunk and embed the corpus as a Ray Data pipeline,
and save the result as index shards (rag/index/shards.py) that `rag chat`, `answer()`, `rag ask`
and `rag search` load as one index.

    corpus files (this process) -> ReadAndChunk (actors) -> EmbedChunks (actors, one model each)
        -> rows back here, put in corpus order -> shards by document id -> saved atomically

The same code runs on a laptop (`auto`: a local Ray) and on a cluster (its address). Every
worker reads the files by the path this process gives, so on a cluster the corpus folder must be
at the same path on every machine (a shared or copied folder), and the models must be assembled
on every machine (`rag setup`). The result equals `rag ingest`'s index chunk for chunk.

Like `rag ingest`, an unchanged corpus is not processed again: when every file's bytes, the
model and the chunker settings match the saved index, it says "up to date" (`--rebuild` forces).
Vectors of text embedded before come from each worker machine's embedding cache.
"""

from __future__ import annotations

import hashlib
import re
import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from rich.progress import Progress

from rag.config import Settings
from rag.corpus import CorpusLoad, SkippedFile
from rag.corpus.load import corpus_files, document_ids
from rag.embedders import Embedder, create_embedder
from rag.errors import ConfigError, CorpusError, RagError
from rag.index.embedding import BuildStats
from rag.index.ingest import IngestResult, compare, extraction_cache, ingest_corpus
from rag.index.manifest import check_manifest
from rag.index.persist import check_writable
from rag.index.ray_session import ray_session
from rag.index.ray_workers import EmbedChunks, ReadAndChunk, decode_chunks, raise_worker_error, worker_fields
from rag.index.shards import save_sharded, shard_count, skipped_files
from rag.index.store import read_manifest, read_saved
from rag.types import Chunk, Document

Row = dict[str, Any]
MAX_BLOCKS = 256  # files are handed out in up to this many blocks: small enough to balance the workers
DOCUMENTS_PER_BATCH = 4  # documents whose chunks one embedding call takes together
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception): .*$", re.MULTILINE)
_WRITABLE = "set RAG_DATA_DIR to a writable folder, or make this one writable (chmod u+w)"


def ingest_on_ray(
    settings: Settings, address: str, *, rebuild: bool = False, progress: bool = False, shards: int = 0
) -> IngestResult:
    """Bring the index in `settings.index_dir` up to date with `settings.corpus_dir` on Ray.

    `address`: 'auto' or a cluster address (HOST:6379, ray://HOST:10001). `shards`: the shard
    count (0: settings.shard_count, whose 0 means one shard per 200,000 chunks)."""
    started = time.perf_counter()
    files = _files(settings)
    if not files.paths:  # nothing to spread out: the single-process rules for an empty folder apply
        return ingest_corpus(settings, rebuild=rebuild, progress=progress)
    embedder = create_embedder(settings)  # its name and fingerprint; the model is not loaded here
    saved = read_saved(settings, embedder)
    if not rebuild and saved is not None and _unchanged(settings, embedder, files.paths):
        load = CorpusLoad(documents=tuple(saved.documents), skipped=tuple(files.left_out))
        return IngestResult(load, saved.chunks, True, None, settings.index_dir, _since(started))
    check_writable(settings.index_dir, _WRITABLE)  # before any embedding: fail in a second
    with ray_session(address, cpus=settings.ray_cpus) as ray:
        rows = _run(ray, settings, files.items(), progress, local=address == "auto")
    pipeline = _since(started)
    built = _assemble(rows)
    _check(settings, built)
    failed = {skip.path for skip in built.skipped}
    unread = _hashes(
        {doc_id: path for doc_id, path in files.paths.items() if files.relative[doc_id] in failed}
    )
    _save(settings, embedder, built, shard_count(len(built.chunks), shards or settings.shard_count), unread)
    skipped = tuple(sorted([*files.left_out, *built.skipped], key=lambda skip: skip.path))
    load = CorpusLoad(documents=tuple(built.documents), skipped=skipped)
    n, embedded = len(built.chunks), built.embedded
    stats = BuildStats(embedded=embedded, reused=n - embedded, seconds=pipeline, embed_seconds=pipeline)
    changes = compare(saved.documents if saved else [], built.documents)
    timings = {"ray": pipeline, "save": _since(started) - pipeline}
    return IngestResult(
        load, built.chunks, False, stats, settings.index_dir, _since(started), changes, timings
    )


@dataclass(frozen=True)
class CorpusFiles:
    paths: dict[str, Path]  # document id -> file, in corpus order
    relative: dict[str, str]  # document id -> its path in the corpus folder
    left_out: list[SkippedFile]  # hidden, unsupported: never handed to a worker

    def items(self) -> list[Row]:
        """The pipeline's input rows: absolute paths, as every worker must find the files."""
        return [
            {"order": n, "path": str(path.resolve()), "rel": self.relative[doc_id], "doc_id": doc_id}
            for n, (doc_id, path) in enumerate(self.paths.items())
        ]


def _files(settings: Settings) -> CorpusFiles:
    files, left_out = corpus_files(settings.corpus_dir)
    problems = [skip for skip in left_out if skip.problem]
    if settings.strict_corpus and problems:
        raise CorpusError(f"{problems[0].reason} (strict mode: fix or remove it)")
    relative = [path.relative_to(settings.corpus_dir).as_posix() for path in files]
    ids = document_ids(relative)
    return CorpusFiles(
        paths={ids[rel]: path for path, rel in zip(files, relative, strict=True)},
        relative={ids[rel]: rel for rel in relative},
        left_out=left_out,
    )


def _check(settings: Settings, built: Built) -> None:
    if settings.strict_corpus and built.skipped:
        raise CorpusError(f"{built.skipped[0].reason} (strict mode: fix or remove it)")
    if not built.documents:
        reasons = "; ".join(skip.reason for skip in built.skipped)
        raise CorpusError(f"corpus folder {settings.corpus_dir} has no usable documents ({reasons})")


def _since(started: float) -> float:
    return time.perf_counter() - started


def _unchanged(settings: Settings, embedder: Embedder, files: dict[str, Path]) -> bool:
    """True when the live index was built with these settings from exactly these files' bytes
    (`files`: document id -> path), counting the files it could not read."""
    try:
        manifest = read_manifest(settings.index_dir)
        check_manifest(manifest, settings, embedder, directory=settings.index_dir, check_dim=False)
        return _hashes(files) == {**manifest.documents, **skipped_files(settings.index_dir)}
    except (RagError, OSError):
        return False


def _hashes(files: dict[str, Path]) -> dict[str, str]:
    return {doc_id: hashlib.sha256(path.read_bytes()).hexdigest() for doc_id, path in files.items()}


def _run(ray: Any, settings: Settings, items: list[Row], progress: bool, *, local: bool) -> list[Row]:
    """The pipeline, its rows collected as they come (any order)."""
    workers = max(1, int(ray.cluster_resources().get("CPU", 1)))
    fields = worker_fields(settings)
    cache = str(extraction_cache(settings).directory.resolve())
    # At most one actor per CPU in each stage, one CPU each (and one model thread). On a cluster
    # Ray restarts the actors of a lost machine; a local actor that dies is a bug to see at once
    # (and without restarts Ray does not print its C++ warning about restarting them).
    options: dict[str, Any] = {
        "compute": ray.data.ActorPoolStrategy(min_size=1, max_size=workers),
        "num_cpus": 1,
    }
    if local:
        options["max_restarts"] = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # max_restarts goes in **ray_remote_args
        dataset = (
            ray.data.from_items(items, override_num_blocks=min(len(items), MAX_BLOCKS))
            .map_batches(
                ReadAndChunk,
                fn_constructor_kwargs={"fields": fields, "extraction_cache": cache},
                batch_size=1,
                **options,
            )
            .map_batches(
                EmbedChunks,
                fn_constructor_kwargs={"fields": fields},
                batch_size=DOCUMENTS_PER_BATCH,
                **options,
            )
        )
    rows: list[Row] = []
    with Progress(disable=not progress) as bar:
        task = bar.add_task(f"Ingesting on Ray ({workers} CPUs)", total=len(items))
        try:
            for row in dataset.iter_rows():
                if row["error"]:  # the first one stops the ingest (leaving the session stops Ray)
                    raise_worker_error(str(row["error"]))
                rows.append(dict(row))
                bar.advance(task)
        except RagError:
            raise
        except Exception as exc:  # a worker's failure arrives wrapped in Ray's exceptions
            raise _unwrap(exc) from None
    return rows


def _unwrap(exc: BaseException) -> RagError:
    """An unexpected failure on a worker (a RagError comes as an error row): Ray passes on only
    its traceback text, whose last exception line outside Ray's own says what went wrong."""
    found = [line for line in _EXCEPTION_LINE.findall(str(exc)) if not line.startswith("ray.")]
    first = found[-1] if found else (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return ConfigError(
        f"the Ray pipeline failed ({first}); run again, or without --ray to ingest in this process"
    )


@dataclass(frozen=True)
class Built:
    """What the workers made, in corpus order (as `rag ingest` orders it)."""

    documents: list[Document]
    chunks: list[Chunk]
    vectors: npt.NDArray[np.float32]  # one row per chunk
    skipped: list[SkippedFile]  # files a worker could not read, with the reason
    embedded: int  # chunks embedded now (the rest came from the workers' embedding caches)


def _assemble(rows: Iterable[Row]) -> Built:
    built = Built([], [], np.zeros((0, 1), np.float32), [], 0)
    matrices: list[npt.NDArray[np.float32]] = []
    embedded = 0
    for row in sorted(rows, key=lambda row: int(row["order"])):
        if row["skipped"]:
            built.skipped.append(SkippedFile(path=str(row["rel"]), reason=str(row["skipped"])))
            continue
        built.documents.append(Document.model_validate_json(row["document"]))
        own = decode_chunks(str(row["chunks"]))
        matrices.append(np.frombuffer(row["vectors"], dtype=np.float32).reshape(len(own), int(row["dim"])))
        built.chunks.extend(own)
        embedded += int(row["embedded"])
    vectors = np.concatenate(matrices) if matrices else built.vectors
    return Built(built.documents, built.chunks, vectors, built.skipped, embedded)


def _save(settings: Settings, embedder: Embedder, built: Built, count: int, unread: dict[str, str]) -> None:
    cache = extraction_cache(settings)  # the documents read now, for the next ingest on this machine
    for doc in built.documents:
        cache.put(doc.path, doc.id, doc)
    cache.flush()
    try:
        save_sharded(settings, embedder, built.documents, built.chunks, built.vectors, count, skipped=unread)
    except OSError as exc:  # the previous index stays as it was: saves are atomic
        raise ConfigError(
            f"cannot save the index in {settings.index_dir.absolute()} ({exc.strerror or exc}); {_WRITABLE}"
        ) from exc
