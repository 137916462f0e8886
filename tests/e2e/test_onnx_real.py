"""The int8 ONNX export of the real EmbeddingGemma (RAG_EMBEDDER=onnx-int8) agrees with fp32.

Needs `rag setup` run with RAG_EMBEDDER=onnx-int8 (the export under ~/.cache/rag-nl/models);
fails (never skips) with that fix when it is missing. 1 thread, a few sentences.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from rag.config import Settings
from rag.embedders import create_embedder
from rag.embedders.base import Embedder
from rag.errors import ModelMissingError
from tests.embedders.contract import ALL_CHECKS, DOCS, QUERY

pytestmark = pytest.mark.e2e

SENTENCES = [
    *DOCS,
    "The European Central Bank kept its interest rates unchanged on Thursday.",
    "Hoeveel kernkoppen heeft de Verenigde Staten volgens het artikel?",
]


@pytest.fixture(scope="module")
def onnx() -> Embedder:
    try:
        return create_embedder(Settings(embedder="onnx-int8", embed_threads=1))
    except ModelMissingError as exc:
        pytest.fail(f"the onnx-int8 export is missing: {exc}")


@pytest.fixture(scope="module")
def fp32() -> Embedder:
    return create_embedder(Settings(embedder="sentence-transformers", embed_threads=1))


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda check: check.__name__)
def test_contract(onnx: Embedder, check: Callable[[Embedder], None]) -> None:
    check(onnx)


def test_document_vectors_agree_with_fp32(onnx: Embedder, fp32: Embedder) -> None:
    cosines = np.sum(onnx.embed_documents(SENTENCES) * fp32.embed_documents(SENTENCES), axis=1)
    # 0.985: on a CPU without VNNI the weights are quantised to 7 bits (onnx_export.has_vnni),
    # which measured min 0.990 on these sentences; the saturation that bug avoids gave 0.955.
    assert cosines.min() > 0.985, cosines


def test_query_vectors_agree_with_fp32(onnx: Embedder, fp32: Embedder) -> None:
    assert float(onnx.embed_query(QUERY) @ fp32.embed_query(QUERY)) > 0.99


def test_same_token_counts_so_same_chunks(onnx: Embedder, fp32: Embedder) -> None:
    assert [onnx.count_tokens(s) for s in SENTENCES] == [fp32.count_tokens(s) for s in SENTENCES]
