"""FaissIndex: the VectorIndex over chunk vectors, backed by FAISS (inner product = cosine here).

- auto:    the default. Exact search (flat) up to `flat_max` vectors, IVF with 8-bit scalar
           quantisation (ivf-sq8) above: at a million chunks flat search takes ~0.15-0.3 s a query
           and 3 GB of RAM, ivf-sq8 a few ms and a quarter of it (BENCHMARKS.md, "A million chunks").
           Chosen from the number of vectors of the first `add` (a build adds them all at once).
- flat:    exact search (IndexFlatIP).
- hnsw:    graph search (IndexHNSWFlat); fast, but keeps every float (no RAM saving) and builds
           slowly (hours at a million chunks on one core).
- ivf:     inverted lists over full vectors (IndexIVFFlat).
- ivf-sq8: inverted lists over 8-bit codes (IndexIVFScalarQuantizer), 4 bytes per float saved.
IVF types are trained at the first `add`; below IVF_MIN_VECTORS training is unreliable, so the
index stays exact (flat) and says so. A saved index can be opened memory-mapped (see `load`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt

from rag.errors import IndexCorruptError, IndexMismatchError
from rag.index.choice import (
    AUTO_FLAT_MAX,
    IVF_MIN_VECTORS,
    IndexType,
    MmapMode,
    resolve_type,
    structure,
    use_mmap,
)

__all__ = ["IVF_MIN_VECTORS", "FaissIndex", "IndexType", "MmapMode"]

HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
# At a million chunks HNSW needed efSearch 256 for recall@10 >= .95 (64 gave .86), at 1.6 ms p95
# (BENCHMARKS.md, "A million chunks"); small graphs pay little for the wider search.
HNSW_EF_SEARCH = 256
# ivf-sq8: 4*sqrt(n) lists, probing SQ8_NPROBE_SHARE of them (at least SQ8_MIN_NPROBE). At a
# million chunks (4,000 lists) the benchmark reached recall@10 >= .95 with 8; the app probes 20,
# a margin for real corpora, whose vectors spread more than the synthetic one (BENCHMARKS.md, "A
# million chunks"). An earlier run probing 40 gained .01 recall over 8 for a p95 of 20 ms.
SQ8_LISTS_PER_SQRT = 4
SQ8_NPROBE_SHARE = 0.005
SQ8_MIN_NPROBE = 16
TRAINING_PER_LIST = 40  # k-means sample per list: FAISS asks >= 39; more only slows training
_DEFERRED = ("auto", "ivf", "ivf-sq8")  # built at the first add, when the vectors are known


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


def ivf_lists(n_vectors: int, per_sqrt: float = 1.0) -> int:
    return max(1, round(per_sqrt * math.sqrt(n_vectors)))


def sq8_nprobe(nlist: int) -> int:
    return min(nlist, max(SQ8_MIN_NPROBE, math.ceil(SQ8_NPROBE_SHARE * nlist)))


def training_sample(vectors: npt.NDArray[np.float32], nlist: int) -> npt.NDArray[np.float32]:
    """A fixed random sample (same vectors, same index) of TRAINING_PER_LIST per list."""
    wanted = TRAINING_PER_LIST * nlist
    if len(vectors) <= wanted:
        return vectors
    rows = np.sort(np.random.default_rng(0).choice(len(vectors), wanted, replace=False))
    return np.ascontiguousarray(vectors[rows])


def new_ivf_sq8(dim: int, vectors: npt.NDArray[np.float32], nlist: int | None = None) -> Any:
    """IVF over 8-bit codes, trained on a sample of `vectors` (not added: the caller adds)."""
    nlist = nlist or ivf_lists(len(vectors), SQ8_LISTS_PER_SQRT)
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFScalarQuantizer(
        quantizer, dim, nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
    )
    index.train(training_sample(vectors, nlist))
    index.nprobe = sq8_nprobe(nlist)
    return index


def new_ivf_flat(dim: int, vectors: npt.NDArray[np.float32]) -> Any:
    nlist = ivf_lists(len(vectors))
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    index.train(training_sample(vectors, nlist))
    index.nprobe = min(nlist, max(8, nlist // 4))
    return index


def new_hnsw(dim: int) -> Any:
    index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    return index


def _new_index(kind: str, dim: int, vectors: npt.NDArray[np.float32]) -> Any:
    if kind == "ivf-sq8":
        return new_ivf_sq8(dim, vectors)
    if kind == "ivf":
        return new_ivf_flat(dim, vectors)
    if kind == "hnsw":
        return new_hnsw(dim)
    return faiss.IndexFlatIP(dim)


class FaissIndex:
    """Inner-product search over L2-normalised vectors; positions follow insertion order."""

    def __init__(
        self, dim: int, index_type: IndexType = "flat", *, threads: int = 1, flat_max: int = AUTO_FLAT_MAX
    ) -> None:
        faiss.omp_set_num_threads(threads)
        self._dim = dim
        self.index_type: IndexType = index_type
        self.flat_max = flat_max
        deferred = index_type in _DEFERRED
        self._index: Any = None if deferred else _new_index(index_type, dim, np.zeros((0, dim), np.float32))
        # What FAISS actually runs: "flat", "hnsw", "ivf", "ivf-sq8", or "flat (ivf needs ...)".
        self.effective_type: str = resolve_type(index_type, 0, flat_max) if deferred else index_type
        self.mmapped = False

    @property
    def dim(self) -> int:
        return self._dim

    def __len__(self) -> int:
        return 0 if self._index is None else int(self._index.ntotal)

    def add(self, vectors: npt.NDArray[np.float32]) -> None:
        matrix = _as_matrix(vectors, self._dim)
        if self._index is None:  # deferred types: the first batch decides what to build
            self.effective_type = resolve_type(self.index_type, len(matrix), self.flat_max)
            self._index = _new_index(structure(self.effective_type), self._dim, matrix)
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
        params = None
        if k == len(self) and self.effective_type in ("ivf", "ivf-sq8"):
            # Every vector asked for (a filtered search ranks them all): probe every list, or
            # the vectors outside the usual few would be missing.
            params = faiss.SearchParametersIVF()
            params.nprobe = int(self._index.nlist)
        scores, positions = self._index.search(matrix[:1], k, params=params)
        found = positions[0] >= 0  # approximate indexes pad with -1 when they find fewer
        return scores[0][found].astype(np.float32), positions[0][found].astype(np.int64)

    def reconstruct_all(self) -> npt.NDArray[np.float32]:
        """Every stored vector in position order (for checks and re-indexing); ivf-sq8 gives
        back its 8-bit approximations, not the original floats."""
        if not len(self):
            return np.zeros((0, self._dim), dtype=np.float32)
        if self.effective_type in ("ivf", "ivf-sq8"):
            self._index.make_direct_map()  # kept in RAM: works on a memory-mapped index too
        return np.asarray(self._index.reconstruct_n(0, len(self)), dtype=np.float32)

    def save(self, path: Path) -> None:
        """Written through a Python file: a full disk is an OSError (ENOSPC) as for any other
        file, where faiss writing to a path would raise a bare RuntimeError."""
        index = self._index if self._index is not None else faiss.IndexFlatIP(self._dim)
        with path.open("wb") as handle:
            writer = faiss.PyCallbackIOWriter(handle.write)  # type: ignore[attr-defined]  # not in its stubs
            faiss.write_index(index, writer)

    @classmethod
    def load(
        cls,
        path: Path,
        *,
        index_type: IndexType = "flat",
        threads: int = 1,
        mmap: MmapMode = "off",
        available: int | None = None,
    ) -> FaissIndex:
        """Read a saved index; a damaged file raises IndexCorruptError, never a crash.

        `mmap`: "on" maps the file instead of reading it (pages come from disk as searches touch
        them), "auto" does so when the file is larger than MMAP_RAM_SHARE of `available` bytes
        (default: MemAvailable). FAISS >= 1.10 maps every type used here (IO_FLAG_MMAP_IFC);
        a memory-mapped index is read-only, which is all a loaded index is used for."""
        mapped = use_mmap(mmap, path.stat().st_size if path.exists() else 0, available)
        try:
            raw = faiss.read_index(str(path), _MMAP_FLAG if mapped else 0)
        except (RuntimeError, OSError) as exc:
            raise IndexCorruptError(
                f"cannot read the vector index {path} ({exc}); run 'rag ingest --rebuild'"
            ) from exc
        store = cls.from_faiss(raw, index_type, threads=threads)
        store.mmapped = mapped
        return store

    @classmethod
    def from_faiss(cls, raw: Any, index_type: IndexType = "flat", *, threads: int = 1) -> FaissIndex:
        """Wrap a FAISS index built elsewhere (a loaded file, a benchmark's candidate)."""
        store = cls(int(raw.d), index_type, threads=threads)
        store._index = raw
        store.effective_type = _kind_of(raw, index_type)
        return store


# IO_FLAG_MMAP_IFC maps flat codes (flat, HNSW storage, SQ) and inverted lists alike; the older
# IO_FLAG_MMAP maps inverted lists only (flat and HNSW would be read into RAM).
_MMAP_FLAG: int = int(getattr(faiss, "IO_FLAG_MMAP_IFC", faiss.IO_FLAG_MMAP))


def _kind_of(raw: Any, index_type: IndexType) -> str:
    if isinstance(raw, faiss.IndexHNSWFlat):
        return "hnsw"
    if isinstance(raw, faiss.IndexIVFScalarQuantizer):
        return "ivf-sq8"
    if isinstance(raw, faiss.IndexIVFFlat):
        return "ivf"
    wanted = index_type if index_type in ("ivf", "ivf-sq8") else "flat"
    return "flat" if wanted == "flat" else f"flat ({wanted} needs >= {IVF_MIN_VECTORS} vectors)"
