"""ShardedVectors: one VectorIndex over the vector indexes of several shards.

Every shard searches its own vectors for the top k; the candidates are merged by score (ties by
global position, so the order is the single index's) and the best k kept. Positions are global:
each shard's local position maps to the chunk's place in the whole index's chunk list, so
retrieval, citations and chunk ids see one index.

Measured against FAISS's own IndexShards over the same shards (benchmarks/ray_ingest.py,
BENCHMARKS.md "Ingest on Ray": 50,000 vectors of dimension 768 in 4 shards): the fan-out took
1.04x the time of one index, IndexShards 0.96x. The fan-out keeps each shard the project's
FaissIndex (whatever type its size chose), which IndexShards would have to unwrap.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from rag.errors import IndexCorruptError, IndexMismatchError
from rag.index.base import VectorIndex


class ShardedVectors:
    """Read-only: a sharded index is built by `rag ingest --ray` and saved shard by shard."""

    def __init__(self, shards: Sequence[VectorIndex], positions: Sequence[npt.NDArray[np.int64]]) -> None:
        if len(shards) != len(positions) or not shards:
            raise IndexCorruptError(
                "a sharded index needs one position map per shard; run 'rag ingest --rebuild'"
            )
        dims = {shard.dim for shard in shards}
        if len(dims) != 1:
            raise IndexMismatchError(f"shards of dimensions {sorted(dims)}; run 'rag ingest --rebuild'")
        for shard, mapping in zip(shards, positions, strict=True):
            if len(shard) != len(mapping):
                raise IndexCorruptError(
                    f"a shard holds {len(shard)} vectors for {len(mapping)} chunks; "
                    "run 'rag ingest --rebuild'"
                )
        self.shards = tuple(shards)
        self.positions = tuple(np.asarray(mapping, dtype=np.int64) for mapping in positions)
        self._dim = dims.pop()
        self._size = sum(len(shard) for shard in shards)

    @property
    def dim(self) -> int:
        return self._dim

    def __len__(self) -> int:
        return self._size

    def add(self, vectors: npt.NDArray[np.float32]) -> None:
        raise IndexMismatchError(
            "a sharded index is read-only; run 'rag ingest' (or 'rag ingest --ray') to index new documents"
        )

    def search(
        self, query: npt.NDArray[np.float32], k: int
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
        """Top-k (scores, global positions) over every shard, best first."""
        found_scores: list[npt.NDArray[np.float32]] = []
        found_positions: list[npt.NDArray[np.int64]] = []
        for shard, mapping in zip(self.shards, self.positions, strict=True):
            if len(shard) == 0:
                continue
            scores, local = shard.search(query, k)
            found_scores.append(np.asarray(scores, dtype=np.float32))
            found_positions.append(mapping[local])
        if not found_scores or k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        scores = np.concatenate(found_scores)
        positions = np.concatenate(found_positions)
        best = np.lexsort((positions, -scores))[:k]  # by score, then by position as one index would
        return scores[best], positions[best]

    def reconstruct_all(self) -> npt.NDArray[np.float32]:
        """Every vector in global position order (for checks and benchmarks)."""
        matrix = np.zeros((self._size, self._dim), dtype=np.float32)
        for shard, mapping in zip(self.shards, self.positions, strict=True):
            if len(shard):
                matrix[mapping] = shard.reconstruct_all()  # type: ignore[attr-defined]  # FaissIndex
        return matrix

    def save(self, path: Path) -> None:
        raise IndexMismatchError("a sharded index is saved shard by shard (rag.index.shards.save_sharded)")
