"""Length-sorted batching: less padding, results back in the caller's order."""

from __future__ import annotations

import numpy as np
import pytest

from rag.embedders.base import Vectors
from rag.embedders.batching import embed_sorted, length_sorted_batches


def test_batches_hold_every_index_once_longest_first() -> None:
    lengths = [3, 9, 1, 9, 5, 2, 7]
    batches = length_sorted_batches(lengths, 3)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    assert [len(batch) for batch in batches] == [3, 3, 1]
    flat = [lengths[i] for batch in batches for i in batch]
    assert flat == sorted(lengths, reverse=True)


def test_sorting_cuts_padding() -> None:
    lengths = [100, 5, 100, 5, 100, 5, 100, 5]

    def padded(batches: list[list[int]]) -> int:
        return sum(len(b) * max(lengths[i] for i in b) for b in batches)

    in_order = [list(range(i, i + 2)) for i in range(0, len(lengths), 2)]
    assert padded(length_sorted_batches(lengths, 2)) < padded(in_order) * 0.6


def test_rows_come_back_in_input_order() -> None:
    """A fake model whose vector encodes the text's first id: row i must carry items[i]'s id."""
    items = [[4], [1, 1, 1, 1], [3, 3], [0, 0, 0], [2, 2, 2, 2, 2]]
    widths: list[int] = []

    def fake_model(batch: list[list[int]]) -> Vectors:
        widths.append(max(len(ids) for ids in batch))
        out = np.zeros((len(batch), 5), dtype=np.float32)
        for row, ids in enumerate(batch):
            out[row, ids[0]] = 1.0
        return out

    seen: list[int] = []
    vectors = embed_sorted(items, 2, fake_model, 5, on_batch=seen.append)
    assert [int(np.argmax(row)) for row in vectors] == [ids[0] for ids in items]
    assert widths == [5, 3, 1] and seen == [2, 2, 1]


def test_batch_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        length_sorted_batches([1, 2], 0)
