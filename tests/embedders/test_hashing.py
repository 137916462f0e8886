from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from rag.config import Settings
from rag.embedders import HashingEmbedder, create_embedder
from rag.embedders.hashing import fold
from rag.errors import ConfigError


def test_fold_strips_accents_and_case() -> None:
    assert fold("Oekraïne") == "oekraine"
    assert fold("ÉÉN Café") == "een cafe"


def test_fingerprint_names_the_dimension() -> None:
    assert HashingEmbedder(dim=64).fingerprint == "hashing-64-v1"
    assert HashingEmbedder().fingerprint != HashingEmbedder(dim=128).fingerprint


def test_accent_and_case_variants_embed_identically() -> None:
    embedder = HashingEmbedder()
    vectors = embedder.embed_documents(["Oekraïne en de NAVO", "oekraine en de navo"])
    np.testing.assert_allclose(vectors[0], vectors[1])


def test_word_forms_share_character_ngrams() -> None:
    embedder = HashingEmbedder()
    query = embedder.embed_query("kernwapen")
    related, unrelated = embedder.embed_documents(["kernwapens", "appeltaart"])
    assert float(query @ related) > float(query @ unrelated) + 0.3


def test_query_marker_never_changes_a_ranking() -> None:
    embedder = HashingEmbedder()
    docs = embedder.embed_documents(["Poetin en Belarus", "Belarus", "iets heel anders", "Poetin"])
    plain_query = embedder.embed_documents(["Poetin Belarus"])[0]
    ranked_plain = np.argsort(-(docs @ plain_query))
    ranked_query = np.argsort(-(docs @ embedder.embed_query("Poetin Belarus")))
    assert list(ranked_plain) == list(ranked_query)


def test_vectors_are_stable_across_processes() -> None:
    """A stable hash (not Python's salted hash), so cached vectors stay valid between runs."""
    code = (
        "from rag.embedders import HashingEmbedder; "
        "print(HashingEmbedder().embed_query('NAVO top')[:4].tolist())"
    )
    runs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    }
    assert len(runs) == 1
    assert runs.pop().strip() == str(HashingEmbedder().embed_query("NAVO top")[:4].tolist())


def test_text_without_words_still_has_a_unit_vector() -> None:
    vectors = HashingEmbedder().embed_documents(["", "...", "   "])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)


def test_tiny_dimension_is_refused() -> None:
    with pytest.raises(ConfigError, match="dim"):
        HashingEmbedder(dim=2)


def test_factory_builds_the_hashing_twin() -> None:
    embedder = create_embedder(Settings(embedder="hashing"))
    assert isinstance(embedder, HashingEmbedder)
