"""The Embedder Protocol: every embedding backend passes tests/embedders/test_contract.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    @property
    def name(self) -> str:
        """Model name recorded in the index manifest."""
        ...

    @property
    def fingerprint(self) -> str:
        """Identity of the weights (checksum); a change means the index must be rebuilt."""
        ...

    @property
    def dim(self) -> int: ...

    def embed_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        """(len(texts), dim) float32, L2-normalised, encoded with the model's document prompt."""
        ...

    def embed_query(self, text: str) -> Vectors:
        """(dim,) float32, L2-normalised, encoded with the model's query prompt."""
        ...

    def count_tokens(self, text: str) -> int:
        """Tokens of the embedding model's tokenizer (chunk sizes are measured in these)."""
        ...
