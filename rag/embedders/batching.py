"""Length-sorted batching: texts of similar length share a batch, so little of each batch is padding.

A transformer pays for every position of the longest text in its batch. Sorting by length first
(and putting the results back in the caller's order) keeps that waste small; sentence-transformers
does the same inside `encode`. OnnxSession batches with this helper; the int8 embedder itself
runs one text per call (see rag/embedders/onnx.py for why), where it only keeps the order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from rag.embedders.base import Vectors


def length_sorted_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Indices of the texts, longest first, cut into batches of at most `batch_size`."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    # Stable sort: equal lengths keep their input order, so the batches are deterministic.
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    return [order[start : start + batch_size] for start in range(0, len(order), batch_size)]


def embed_sorted(
    items: Sequence[list[int]],
    batch_size: int,
    embed_batch: Callable[[list[list[int]]], Vectors],
    dim: int,
    *,
    on_batch: Callable[[int], None] | None = None,
) -> Vectors:
    """Embed token-id lists in length-sorted batches; row i of the result belongs to items[i]."""
    out = np.zeros((len(items), dim), dtype=np.float32)
    for batch in length_sorted_batches([len(ids) for ids in items], batch_size):
        out[batch] = embed_batch([items[i] for i in batch])
        if on_batch is not None:
            on_batch(len(batch))
    return out
