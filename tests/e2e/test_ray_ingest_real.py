"""`rag ingest --ray` with the real EmbeddingGemma on three seeds, on a local Ray with 2 CPUs: the
same chunks as `rag ingest`, vectors equal within 1e-5 (each worker loads its own model and
batches other texts together), and the same search results.

Needs the model assembled by `rag setup`; fails (never skips) with the fix when it is missing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from rag.config import Settings
from rag.embedders import create_embedder
from rag.errors import ModelMissingError
from rag.index.ingest import ingest_corpus
from rag.index.ray_ingest import ingest_on_ray
from rag.index.store import load_index
from rag.models import resolve_embed_model
from rag.retrieval.hybrid import Retriever
from tests.local_ray import local_ray_session

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
SUBSET = ("002_64c02699db714905.txt", "003_73a95e8d76c20340.txt", "004_920d9effed8537ba.txt")
QUESTIONS = (
    "Waar wil Poetin tactische kernwapens plaatsen?",
    "What did Stoltenberg say about nuclear weapons?",
)


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    with local_ray_session():
        yield


def _settings(root: Path, corpus: Path, name: str) -> Settings:
    try:
        model_folder = resolve_embed_model(Settings(embedder="sentence-transformers"))
    except ModelMissingError as exc:
        pytest.fail(f"the real embedding model is missing: {exc}")
    # A home of its own per run: no vector comes from the other run's embedding cache.
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        home=root / name / "home",
        data_dir=root / name / "data",
        corpus_dir=corpus,
        embed_model=model_folder,
        embedder="sentence-transformers",
        embed_threads=1,
        shard_count=2,
    )


def test_ray_ingest_with_the_real_embedder_equals_rag_ingest(tmp_path: Path, local_ray: None) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in SUBSET:
        shutil.copy(REPO / "seeds" / name, corpus / name)
    single, sharded = _settings(tmp_path, corpus, "single"), _settings(tmp_path, corpus, "ray")
    one = ingest_corpus(single)
    many = ingest_on_ray(sharded, "auto")
    assert [c.id for c in many.chunks] == [c.id for c in one.chunks] and len(one.chunks) >= 10
    embedder = create_embedder(single)
    plain, shards = load_index(single, embedder), load_index(sharded, embedder)
    assert shards.chunks == plain.chunks
    found, expected = shards.vectors.reconstruct_all(), plain.vectors.reconstruct_all()  # type: ignore[attr-defined]
    assert np.allclose(found, expected, atol=1e-5), float(np.abs(found - expected).max())
    a, b = Retriever.from_index(plain, embedder, single), Retriever.from_index(shards, embedder, sharded)
    for question in QUESTIONS:
        assert [h.chunk.id for h in b.search(question, k=5)] == [h.chunk.id for h in a.search(question, k=5)]
