"""EmbeddingCache: chunk vectors keyed by (embedder fingerprint, sha256 of the chunk text).

One SQLite file per fingerprint under `settings.home / "embed-cache"`. SQLite gives atomic,
crash-safe writes and safe concurrent use for free. The cache is only an accelerator: any
failure to read or write it means "embed again", never a failed ingest.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager, suppress
from pathlib import Path

import numpy as np

from rag.embedders.base import Embedder, Vectors
from rag.errors import IndexMismatchError

log = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_LOOKUP_BATCH = 500  # stays under SQLite's limit on query parameters
_FLOAT_BYTES = np.dtype(np.float32).itemsize


def embed_checked(embedder: Embedder, texts: Sequence[str], fix: str) -> Vectors:
    """The embedder's vectors of `texts`; a matrix of another shape (a model that is not the
    one the index expects) is refused with `fix` in the message."""
    matrix = embedder.embed_documents(list(texts))
    if matrix.shape != (len(texts), embedder.dim):
        raise IndexMismatchError(
            f"the embedder returned shape {matrix.shape} for {len(texts)} texts "
            f"(expected dimension {embedder.dim}); {fix}"
        )
    return matrix


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_dir(home: Path, fingerprint: str) -> Path:
    """A readable, filesystem-safe folder name per fingerprint (hashed when very long)."""
    safe = _UNSAFE.sub("_", fingerprint).strip("._") or "default"
    if len(safe) > 96:
        safe = safe[:48] + "-" + hashlib.sha256(fingerprint.encode()).hexdigest()[:16]
    return home / "embed-cache" / safe


class EmbeddingCache:
    def __init__(self, directory: Path, dim: int) -> None:
        self.path = directory / "vectors.sqlite"
        self.dim = dim

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=30)) as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
            with conn:  # one transaction: committed on success, rolled back on error
                yield conn

    def get_many(self, keys: Sequence[str]) -> dict[str, Vectors]:
        """The cached vectors among `keys`; wrong-sized entries count as missing."""
        found: dict[str, Vectors] = {}
        unique = sorted(set(keys))
        try:
            with self._connect() as conn:
                for start in range(0, len(unique), _LOOKUP_BATCH):
                    batch = unique[start : start + _LOOKUP_BATCH]
                    marks = ",".join("?" * len(batch))
                    rows = conn.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", batch)
                    for key, blob in rows:
                        if not isinstance(blob, bytes) or len(blob) != self.dim * _FLOAT_BYTES:
                            continue  # damaged or another model's: embed again
                        vector = np.frombuffer(blob, dtype=np.float32)
                        if np.all(np.isfinite(vector)):
                            found[key] = vector
        except (sqlite3.Error, OSError) as exc:
            log.warning("embedding cache %s unreadable (%s); embedding again", self.path, exc)
            self._discard_if_damaged(exc)
            return {}
        return found

    def _discard_if_damaged(self, exc: Exception) -> None:
        """A file that is not (or no longer) an SQLite database stays so: without this, every
        ingest would embed everything again. A locked, read-only or full disk is left alone."""
        if not isinstance(exc, sqlite3.DatabaseError) or isinstance(exc, sqlite3.OperationalError):
            return
        log.warning(
            "removing the damaged embedding cache %s; it fills again as chunks are embedded", self.path
        )
        for suffix in ("", "-journal", "-wal"):
            with suppress(OSError):
                self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)

    def put_many(self, vectors: Mapping[str, Vectors]) -> None:
        rows = [(key, np.asarray(vec, dtype=np.float32).tobytes()) for key, vec in vectors.items()]
        try:
            with self._connect() as conn:
                conn.executemany("INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)", rows)
        except (sqlite3.Error, OSError) as exc:
            log.warning("could not write the embedding cache %s (%s); continuing without it", self.path, exc)
