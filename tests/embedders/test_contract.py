"""Every offline embedder passes the Embedder contract (the real model: tests/e2e/test_ingest_real.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rag.embedders import HashingEmbedder
from rag.embedders.base import Embedder
from tests.embedders.contract import ALL_CHECKS

IMPLEMENTATIONS: dict[str, Callable[[], Embedder]] = {
    "hashing-256": HashingEmbedder,
    "hashing-64": lambda: HashingEmbedder(dim=64),
}


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda check: check.__name__)
@pytest.mark.parametrize("make", IMPLEMENTATIONS.values(), ids=IMPLEMENTATIONS.keys())
def test_contract(make: Callable[[], Embedder], check: Callable[[Embedder], None]) -> None:
    check(make())
