"""Chunk texts -> their vectors, through the embedding cache: only text this model has not
embedded before goes to the model, in groups cached as they finish (an interrupted ingest
resumes), with a progress bar and progress events for the web chat."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
from rich.progress import Progress

from rag.config import Settings
from rag.embedders.base import Embedder, Vectors
from rag.index.embed_cache import EmbeddingCache, cache_dir, embed_checked, text_key
from rag.types import Chunk, Frozen


class BuildStats(Frozen):
    """What one build did: chunks embedded now versus reused from the embedding cache.

    Counts chunks (embedded + reused == number of chunks); identical texts are embedded once.
    """

    embedded: int
    reused: int
    seconds: float
    embed_seconds: float = 0.0  # of `seconds`, the time in the model (its loading included)

    def with_total(self, seconds: float) -> BuildStats:
        """The same counts, with the whole build's time (embedding, vector index, BM25)."""
        return self.model_copy(update={"seconds": seconds})


class IngestProgress(Frozen):
    """One step of an ingest, for a progress bar: `done` of `total` units of `stage` (files read,
    documents chunked, chunks embedded)."""

    stage: Literal["reading", "chunking", "embedding", "saving", "done"]
    done: int
    total: int

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total else 1.0


ProgressCallback = Callable[[IngestProgress], None]


def _embed_missing(
    embedder: Embedder,
    texts: dict[str, str],
    cache: EmbeddingCache,
    group: int,
    progress: bool,
    on_progress: ProgressCallback | None = None,
) -> dict[str, Vectors]:
    """Embed `texts` (key -> text) in groups, caching each group so an interrupted ingest resumes."""
    keys = list(texts)
    vectors: dict[str, Vectors] = {}
    with Progress(disable=not progress or not keys) as bar:
        task = bar.add_task("Embedding chunks", total=len(keys))
        if on_progress is not None:
            on_progress(IngestProgress(stage="embedding", done=0, total=len(keys)))
        for start in range(0, len(keys), group):
            batch = keys[start : start + group]
            matrix = embed_checked(embedder, [texts[key] for key in batch], "check RAG_EMBED_MODEL")
            fresh = dict(zip(batch, matrix, strict=True))
            cache.put_many(fresh)
            vectors.update(fresh)
            bar.advance(task, len(batch))
            if on_progress is not None:
                on_progress(IngestProgress(stage="embedding", done=start + len(batch), total=len(keys)))
    return vectors


def embed_chunks(
    settings: Settings,
    embedder: Embedder,
    chunks: Sequence[Chunk],
    *,
    progress: bool = False,
    on_progress: ProgressCallback | None = None,
    dim: int | None = None,
) -> tuple[npt.NDArray[np.float32], BuildStats]:
    """The chunks' vectors as rows in chunk order, and how many were embedded now or reused.

    `dim`: the model's dimension when known (from a saved index of the same model); asking the
    embedder loads the model, which is not needed when every vector is in the cache."""
    started = time.perf_counter()
    keys = [text_key(chunk.text) for chunk in chunks]
    dim = dim if dim is not None else embedder.dim
    cache = EmbeddingCache(cache_dir(settings.home, embedder.fingerprint), dim)
    vectors = cache.get_many(keys)
    missing = {key: chunk.text for key, chunk in zip(keys, chunks, strict=True) if key not in vectors}
    group = max(64, settings.embed_batch_size * 8)
    vectors.update(_embed_missing(embedder, missing, cache, group, progress, on_progress))
    seconds = time.perf_counter() - started
    matrix = np.stack([vectors[key] for key in keys]) if keys else np.zeros((0, dim), np.float32)
    reused = sum(1 for key in keys if key not in missing)
    stats = BuildStats(embedded=len(keys) - reused, reused=reused, seconds=seconds, embed_seconds=seconds)
    return matrix.astype(np.float32, copy=False), stats
