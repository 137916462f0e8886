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

from rag.config import Settings
from rag.corpus import chunk_document
from rag.corpus.cache import ExtractionCache
from rag.corpus.load import load_file
from rag.embedders import create_embedder
from rag.errors import CorpusError, IndexMismatchError
from rag.index.embed_cache import EmbeddingCache, cache_dir, text_key
from rag.types import Chunk

Batch = dict[str, Any]  # column name -> values (numpy arrays in, lists out)


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


class ReadAndChunk:
    """Rows (order, path, rel, doc_id) -> (order, document JSON, chunks, skipped reason)."""

    def __init__(self, fields: dict[str, Any], extraction_cache: str | None) -> None:
        self.settings = _settings(fields)
        self.embedder = create_embedder(self.settings)  # only its tokenizer is used here
        self.cache = ExtractionCache(Path(extraction_cache)) if extraction_cache else None

    def __call__(self, batch: Batch) -> Batch:
        out: Batch = {"order": [], "rel": [], "document": [], "chunks": [], "skipped": []}
        rows = zip(batch["order"], batch["path"], batch["rel"], batch["doc_id"], strict=True)
        for order, path, rel, doc_id in rows:
            document, chunks, skipped = "", "", ""
            try:
                doc = load_file(Path(str(path)), str(rel), str(doc_id), self.cache)
            except CorpusError as exc:
                skipped = str(exc)
            else:
                document = doc.model_dump_json()
                chunks = encode_chunks(
                    chunk_document(
                        doc,
                        self.embedder.count_tokens,
                        target_tokens=self.settings.chunk_tokens,
                        overlap_tokens=self.settings.chunk_overlap,
                    )
                )
            for name, value in zip(out, (int(order), str(rel), document, chunks, skipped), strict=True):
                out[name].append(value)
        return out


class EmbedChunks:
    """Adds each row's chunk vectors (float32 bytes, chunk order), its dimension and how many
    chunks the model embedded (the rest came from this machine's embedding cache)."""

    def __init__(self, fields: dict[str, Any]) -> None:
        self.settings = _settings(fields)
        self.embedder = create_embedder(self.settings)

    def __call__(self, batch: Batch) -> Batch:
        per_row = [[chunk.text for chunk in decode_chunks(str(text))] for text in batch["chunks"]]
        texts = {text_key(text): text for row in per_row for text in row}
        dim = self.embedder.dim
        cache = EmbeddingCache(cache_dir(self.settings.home, self.embedder.fingerprint), dim)
        vectors = cache.get_many(list(texts))
        missing = [key for key in texts if key not in vectors]
        if missing:
            matrix = self.embedder.embed_documents([texts[key] for key in missing])
            if matrix.shape != (len(missing), dim):
                raise IndexMismatchError(
                    f"the embedder returned shape {matrix.shape} for {len(missing)} texts "
                    f"(expected dimension {dim}); check RAG_EMBED_MODEL on every Ray worker"
                )
            fresh = dict(zip(missing, matrix, strict=True))
            cache.put_many(fresh)
            vectors.update(fresh)
        fresh_keys = set(missing)
        out = {name: list(values) for name, values in batch.items()}
        out["vectors"], out["dim"], out["embedded"] = [], [], []
        for row in per_row:
            keys = [text_key(text) for text in row]
            matrix = np.stack([vectors[key] for key in keys]) if keys else np.zeros((0, dim), np.float32)
            out["vectors"].append(np.ascontiguousarray(matrix, dtype=np.float32).tobytes())
            out["dim"].append(dim)
            out["embedded"].append(sum(1 for key in keys if key in fresh_keys))
        return out
