"""OnnxEmbedder on a tiny real ONNX graph: the Embedder contract, prompts, and its own identity."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from rag.embedders.base import Embedder
from rag.embedders.onnx import OnnxEmbedder
from tests.embedders.contract import (
    DOCS,
    check_count_tokens,
    check_deterministic_and_order,
    check_empty,
    check_protocol,
    check_shape_dtype_norm,
)
from tests.embedders.onnx_fake import PROMPTS, make_export


@pytest.fixture
def embedder(tmp_path: Path) -> OnnxEmbedder:
    marker = make_export(tmp_path / "export")
    return OnnxEmbedder(tmp_path / "export", marker, name="fake+onnx-int8", threads=1)


# The semantic checks (ranking, query close to its document) need the real model: tests/e2e/test_onnx_real.py.
@pytest.mark.parametrize(
    "check",
    [check_protocol, check_shape_dtype_norm, check_empty, check_deterministic_and_order, check_count_tokens],
    ids=lambda check: check.__name__,
)
def test_contract(embedder: OnnxEmbedder, check: Callable[[Embedder], None]) -> None:
    check(embedder)


def test_documents_and_queries_get_their_prompts(embedder: OnnxEmbedder) -> None:
    session = embedder.session
    as_document = session.embed([PROMPTS["document"] + DOCS[0]], batch_size=1)[0]
    as_query = session.embed([PROMPTS["query"] + DOCS[0]], batch_size=1)[0]
    np.testing.assert_allclose(embedder.embed_documents([DOCS[0]])[0], as_document, atol=1e-6)
    np.testing.assert_allclose(embedder.embed_query(DOCS[0]), as_query, atol=1e-6)
    assert not np.allclose(as_document, as_query, atol=1e-3)


def test_padding_does_not_change_a_vector(embedder: OnnxEmbedder) -> None:
    """A short text batched with a long one (so padded) gets the vector it gets alone."""
    short, long = "navo", " ".join(DOCS)
    alone = embedder.embed_documents([short])[0]
    padded = embedder.embed_documents([long, short])[1]
    np.testing.assert_allclose(padded, alone, atol=1e-5)


def test_fingerprint_is_the_backend_and_the_exported_file(embedder: OnnxEmbedder, tmp_path: Path) -> None:
    """Never the fp32 model's fingerprint: its index and embedding cache must not be reused."""
    other = make_export(tmp_path / "other")
    assert embedder.fingerprint.startswith("onnx-int8-")
    assert other.sha256 in OnnxEmbedder(tmp_path / "other", other, name="x").fingerprint


def test_token_count_ignores_the_export_truncation(embedder: OnnxEmbedder) -> None:
    """Chunk sizes are counted untruncated (as the fp32 path does), even past max_length."""
    assert embedder.count_tokens("navo " * 100) == 100


def test_one_text_per_model_call(embedder: OnnxEmbedder, monkeypatch: pytest.MonkeyPatch) -> None:
    """int8 activation ranges are per call: batching would make a vector depend on its neighbours."""
    session = embedder.session
    calls: list[int] = []
    run = session.run

    def counting(batch: list[list[int]]) -> np.ndarray:
        calls.append(len(batch))
        return run(batch)

    monkeypatch.setattr(session, "run", counting)
    embedder.embed_documents(DOCS)
    assert calls == [1] * len(DOCS)
