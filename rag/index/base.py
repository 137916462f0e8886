"""The VectorIndex Protocol: exact or approximate inner-product search over chunk vectors."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt


@runtime_checkable
class VectorIndex(Protocol):
    @property
    def dim(self) -> int: ...

    def __len__(self) -> int: ...

    def add(self, vectors: npt.NDArray[np.float32]) -> None:
        """Append vectors; their positions are 0..len-1 in insertion order (= chunk order)."""
        ...

    def search(
        self, query: npt.NDArray[np.float32], k: int
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
        """Top-k (scores, positions) for one (dim,) query, best first; fewer if the index is small."""
        ...

    def save(self, path: Path) -> None:
        """Write to `path` (the caller makes it atomic)."""
        ...
