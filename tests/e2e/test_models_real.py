"""The real built-in models, as `rag setup` left them. These fail (never skip) when they are missing:
the test command runs `rag setup` first."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from rag.config import DEFAULT_EMBED_MODEL, DEFAULT_LLM_MODEL, Settings
from rag.errors import RagError
from rag.models.check import check_llm, set_offline_env
from rag.models.files import read_marker
from rag.models.registry import resolve_embed_model, resolve_llm_path

pytestmark = pytest.mark.e2e

QUERY_EN = "Where does Russia want to station tactical nuclear weapons?"
PASSAGES_NL = [
    "Rusland wil tactische kernwapens stationeren in Belarus, zei president Poetin zaterdag.",
    "De Verenigde Staten delen informatie over hun kernwapenarsenaal niet langer met Rusland.",
    "Voor een appeltaart meng je bloem, boter en suiker en bak je het deeg een uur in de oven.",
]


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(
        embed_model=DEFAULT_EMBED_MODEL, llm_model=DEFAULT_LLM_MODEL, embed_threads=1, llm_threads=1
    )


@pytest.fixture(scope="module")
def embedder(settings: Settings) -> Any:
    try:
        folder = resolve_embed_model(settings)
    except RagError as exc:
        pytest.fail(f"models not set up: {exc}")
    assert read_marker(settings.models_dir / "embeddinggemma-300m") is not None, "run 'rag setup'"
    set_offline_env()
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(1)
    return SentenceTransformer(folder, device="cpu")


def test_embeddings_have_768_dims_and_unit_length(embedder: Any) -> None:
    vectors = embedder.encode_document(PASSAGES_NL[:2])
    assert vectors.shape == (2, 768)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)


def test_english_query_finds_the_dutch_passage(embedder: Any) -> None:
    query = embedder.encode_query(QUERY_EN)
    passages = embedder.encode_document(PASSAGES_NL)
    similarities = passages @ query
    assert int(np.argmax(similarities)) == 0, similarities
    assert similarities[0] - similarities[2] > 0.3, similarities  # measured 0.564 vs 0.001


def test_llm_generates_a_few_tokens(settings: Settings) -> None:
    try:
        path = resolve_llm_path(settings)
        result = check_llm(settings, max_tokens=8)
    except RagError as exc:
        pytest.fail(f"models not set up: {exc}")
    assert read_marker(path) is not None, "the GGUF was not verified by 'rag setup'"
    assert result.completion_tokens >= 1 and result.text
