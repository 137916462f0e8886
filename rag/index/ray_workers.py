"""The two stages of `rag ingest --ray`, each a class Ray Data runs in a pool of actors: one
instance per worker, so the tokenizer and the embedding model load once per worker, not per batch.

They call the project's own code (load_file, chunk_document, create_embedder, the embedding
cache): a chunk made on a worker is the chunk `rag ingest` makes, byte for byte. Rows carry
pydantic JSON and raw float32 bytes, which Arrow holds without conversion.

A worker may be another machine: it gets the settings the driver was given explicitly (flags,
RAG_ variables, .env) and resolves the rest itself, so its models folder is its own (`rag setup`
there); models run on one thread per worker (one worker per CPU).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from rag import errors
from rag.config import Settings
from rag.corpus import chunk_document
from rag.corpus.cache import ExtractionCache
from rag.corpus.load import load_file
from rag.embedders import Embedder, create_embedder
from rag.errors import CorpusError, RagError
from rag.index.embed_cache import EmbeddingCache, cache_dir, embed_checked, text_key
from rag.types import Chunk, Document

Batch = dict[str, Any]  # column name -> values (numpy arrays in, lists out)
_SEP = "\x1f"  # between an error's class name and its message


def worker_fields(settings: Settings) -> dict[str, Any]:
    """What a worker needs to rebuild the settings: the explicitly set fields, one thread."""
    fields = settings.model_dump(include=settings.model_fields_set)
    fields["embed_threads"] = 1
    return fields


def _settings(fields: dict[str, Any]) -> Settings:
    # model_construct: the driver's values as they are, defaults (the models folder) resolved on
    # this machine, and no .env of the worker's own folder read in between.
    return Settings.model_construct(**fields)


def encode_chunks(chunks: list[Chunk]) -> str:
    return "\n".join(chunk.model_dump_json() for chunk in chunks)  # JSON escapes newlines in text


def decode_chunks(text: str) -> list[Chunk]:
    return [Chunk.model_validate_json(line) for line in text.splitlines() if line]


def worker_error(exc: RagError) -> str:
    """A worker's RagError as a row value: Ray would hand the driver only its traceback text."""
    return f"{type(exc).__name__}{_SEP}{exc}"


def raise_worker_error(value: str) -> None:
    """The RagError a worker reported, as the class it raised (RagError for an unknown name)."""
    name, _, message = value.partition(_SEP)
    found = getattr(errors, name, None)
    kind = found if isinstance(found, type) and issubclass(found, RagError) else RagError
    raise kind(f"on a Ray worker: {message}")


class ReadAndChunk:
    """Rows (order, path, rel, doc_id) -> (order, rel, document JSON, chunks, skipped reason,
    error). The embedder (its tokenizer counts chunk tokens) is made at the first batch, so a
    machine without the models reports that as an error row instead of failing to start."""

    def __init__(self, fields: dict[str, Any], extraction_cache: str | None) -> None:
        self.settings = _settings(fields)
        self.cache = ExtractionCache(Path(extraction_cache)) if extraction_cache else None
        self.embedder: Embedder | None = None

    def __call__(self, batch: Batch) -> Batch:
        out: Batch = {name: [] for name in ("order", "rel", "document", "chunks", "skipped", "error")}
        rows = zip(batch["order"], batch["path"], batch["rel"], batch["doc_id"], strict=True)
        for order, path, rel, doc_id in rows:
            document, chunks, skipped, error = "", "", "", ""
            try:
                doc = load_file(Path(str(path)), str(rel), str(doc_id), self.cache)
                document, chunks = doc.model_dump_json(), encode_chunks(self._chunk(doc))
            except CorpusError as exc:
                skipped = str(exc)
            except RagError as exc:
                error = worker_error(exc)
            for name, value in zip(
                out, (int(order), str(rel), document, chunks, skipped, error), strict=True
            ):
                out[name].append(value)
        return out

    def _chunk(self, doc: Document) -> list[Chunk]:
        self.embedder = self.embedder or create_embedder(self.settings)
        target, overlap = self.settings.chunk_tokens, self.settings.chunk_overlap
        return chunk_document(doc, self.embedder.count_tokens, target_tokens=target, overlap_tokens=overlap)


class EmbedChunks:
    """Adds each row's chunk vectors (float32 bytes, chunk order), its dimension and how many
    chunks the model embedded (the rest came from this machine's embedding cache). A RagError
    (the model missing on this machine) marks every row of the batch with it."""

    def __init__(self, fields: dict[str, Any]) -> None:
        self.settings = _settings(fields)
        self.embedder: Embedder | None = None

    def __call__(self, batch: Batch) -> Batch:
        out = {name: list(values) for name, values in batch.items()}
        try:
            self.embedder = self.embedder or create_embedder(self.settings)
            out["vectors"], out["dim"], out["embedded"] = self._embed(self.embedder, batch)
        except RagError as exc:
            rows = len(out["order"])
            out["vectors"], out["dim"], out["embedded"] = [b""] * rows, [0] * rows, [0] * rows
            out["error"] = [worker_error(exc)] * rows
        return out

    def _embed(self, embedder: Embedder, batch: Batch) -> tuple[list[bytes], list[int], list[int]]:
        per_row = [[chunk.text for chunk in decode_chunks(str(text))] for text in batch["chunks"]]
        texts = {text_key(text): text for row in per_row for text in row}
        dim = embedder.dim
        cache = EmbeddingCache(cache_dir(self.settings.home, embedder.fingerprint), dim)
        vectors = cache.get_many(list(texts))
        missing = [key for key in texts if key not in vectors]
        if missing:
            matrix = embed_checked(
                embedder, [texts[key] for key in missing], "check RAG_EMBED_MODEL on every Ray worker"
            )
            fresh = dict(zip(missing, matrix, strict=True))
            cache.put_many(fresh)
            vectors.update(fresh)
        fresh_keys = set(missing)
        blobs, dims, counts = [], [], []
        for row in per_row:
            keys = [text_key(text) for text in row]
            matrix = np.stack([vectors[key] for key in keys]) if keys else np.zeros((0, dim), np.float32)
            blobs.append(np.ascontiguousarray(matrix, dtype=np.float32).tobytes())
            dims.append(dim)
            counts.append(sum(1 for key in keys if key in fresh_keys))
        return blobs, dims, counts
