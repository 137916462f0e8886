"""FaissIndex: the VectorIndex over chunk vectors, backed by FAISS (inner product = cosine here).

- flat: exact search (IndexFlatIP), the default; fine up to ~100k chunks on a laptop.
- hnsw: graph search (IndexHNSWFlat), fast approximate search for large corpora.
- ivf:  inverted lists (IndexIVFFlat), trained on the vectors at the first `add`. Below
        IVF_MIN_VECTORS training is unreliable, so the index stays exact (flat) and says so.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

import faiss
import numpy as np
import numpy.typing as npt

from rag.errors import IndexCorruptError, IndexMismatchError

IndexType = Literal["flat", "hnsw", "ivf"]
IVF_MIN_VECTORS = 2048  # FAISS wants ~39 training points per list; sqrt(n) lists needs n >= 1521
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 64


def _as_matrix(vectors: npt.NDArray[np.float32], dim: int) -> npt.NDArray[np.float32]:
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    if matrix.ndim != 2 or matrix.shape[1] != dim:
        raise IndexMismatchError(
            f"vectors of shape {vectors.shape} do not fit an index of dimension {dim}; "
            "the embedder changed: run 'rag ingest --rebuild'"
        )
    return matrix


class FaissIndex:
    """Inner-product search over L2-normalised vectors; positions follow insertion order."""

    def __init__(self, dim: int, index_type: IndexType = "flat", *, threads: int = 1) -> None:
        faiss.omp_set_num_threads(threads)
        self._dim = dim
        self.index_type: IndexType = index_type
        self._index: Any = None if index_type == "ivf" else self._new_index(index_type)
        self.effective_type: str = index_type  # what FAISS actually runs ("flat" for a small ivf)

    def _new_index(self, index_type: str) -> Any:
        if index_type == "hnsw":
            index = faiss.IndexHNSWFlat(self._dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            return index
        return faiss.IndexFlatIP(self._dim)

    def _new_ivf(self, training: npt.NDArray[np.float32]) -> Any:
        nlist = max(1, int(math.sqrt(len(training))))
        quantizer = faiss.IndexFlatIP(self._dim)
        index = faiss.IndexIVFFlat(quantizer, self._dim, nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(training)
        index.nprobe = min(nlist, max(8, nlist // 4))
        return index

    @property
    def dim(self) -> int:
        return self._dim

    def __len__(self) -> int:
        return 0 if self._index is None else int(self._index.ntotal)

    def add(self, vectors: npt.NDArray[np.float32]) -> None:
        matrix = _as_matrix(vectors, self._dim)
        if self._index is None:  # ivf: the first batch decides between training and exact search
            if len(matrix) >= IVF_MIN_VECTORS:
                self._index = self._new_ivf(matrix)
            else:
                self._index = self._new_index("flat")
                self.effective_type = f"flat (ivf needs >= {IVF_MIN_VECTORS} vectors)"
        if len(matrix):
            self._index.add(matrix)

    def search(
        self, query: npt.NDArray[np.float32], k: int
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
        matrix = _as_matrix(query, self._dim)
        k = min(k, len(self))
        if k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        if self.effective_type == "hnsw":
            self._index.hnsw.efSearch = max(HNSW_EF_SEARCH, 2 * k)
        scores, positions = self._index.search(matrix[:1], k)
        found = positions[0] >= 0  # approximate indexes pad with -1 when they find fewer
        return scores[0][found].astype(np.float32), positions[0][found].astype(np.int64)

    def reconstruct_all(self) -> npt.NDArray[np.float32]:
        """Every stored vector in position order (for checks and re-indexing)."""
        if not len(self):
            return np.zeros((0, self._dim), dtype=np.float32)
        if self.effective_type == "ivf":
            self._index.make_direct_map()
        return np.asarray(self._index.reconstruct_n(0, len(self)), dtype=np.float32)

    def save(self, path: Path) -> None:
        """Written through a Python file: a full disk is an OSError (ENOSPC) as for any other
        file, where faiss writing to a path would raise a bare RuntimeError."""
        index = self._index if self._index is not None else self._new_index("flat")
        with path.open("wb") as handle:
            writer = faiss.PyCallbackIOWriter(handle.write)  # type: ignore[attr-defined]  # not in its stubs
            faiss.write_index(index, writer)

    @classmethod
    def load(cls, path: Path, *, index_type: IndexType = "flat", threads: int = 1) -> FaissIndex:
        """Read a saved index; a damaged file raises IndexCorruptError, never a crash."""
        try:
            raw = faiss.read_index(str(path))
        except (RuntimeError, OSError) as exc:
            raise IndexCorruptError(
                f"cannot read the vector index {path} ({exc}); run 'rag ingest --rebuild'"
            ) from exc
        store = cls(int(raw.d), index_type, threads=threads)
        store._index = raw
        store.effective_type = _kind_of(raw, index_type)
        return store


def _kind_of(raw: Any, index_type: IndexType) -> str:
    if isinstance(raw, faiss.IndexHNSWFlat):
        return "hnsw"
    if isinstance(raw, faiss.IndexIVFFlat):
        return "ivf"
    return "flat" if index_type != "ivf" else f"flat (ivf needs >= {IVF_MIN_VECTORS} vectors)"
