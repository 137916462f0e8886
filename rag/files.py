"""Low-level file helpers shared across the package (no rag imports, so any module may use them)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

BLOCK = 1 << 20  # read in 1 MiB blocks: a model file of gigabytes never sits in memory whole


def sha256_file(path: Path, on_block: Callable[[int], None] | None = None) -> str:
    """The file's SHA-256 as hex; `on_block` hears the size of each block read (a progress bar)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            digest.update(block)
            if on_block is not None:
                on_block(len(block))
    return digest.hexdigest()
