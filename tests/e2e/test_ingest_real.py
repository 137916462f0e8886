"""The real EmbeddingGemma: the Embedder contract, then `seeds/` ingested and searched (1 thread).

Needs the model assembled by `rag setup` under ~/.cache/rag-nl/models; fails (never skips)
with the fix when it is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rag.config import Settings
from rag.embedders import create_embedder
from rag.embedders.sentence_transformers import SentenceTransformerEmbedder
from rag.errors import ModelMissingError
from rag.index.ingest import IngestResult, ingest_corpus
from rag.index.store import CorpusIndex, load_index
from rag.models import resolve_embed_model
from tests.embedders.contract import ALL_CHECKS

pytestmark = pytest.mark.e2e

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
QUERIES = {
    "nl": "Waar wil Poetin tactische kernwapens plaatsen?",
    "en": "Where does Russia want to station tactical nuclear weapons?",
}


def _real_settings(tmp: Path) -> Settings:
    installed = Settings(embed_threads=1, embedder="sentence-transformers")
    try:
        model_folder = resolve_embed_model(installed)
    except ModelMissingError as exc:
        pytest.fail(f"the real embedding model is missing: {exc}")
    # The embedding cache lives in a temporary home, so this test really embeds the seeds.
    return Settings(
        home=tmp / "home",
        data_dir=tmp / "data",
        corpus_dir=SEEDS,
        embed_model=model_folder,
        embed_threads=1,
        embedder="sentence-transformers",
    )


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return _real_settings(tmp_path_factory.mktemp("ingest-real"))


@pytest.fixture(scope="module")
def embedder(settings: Settings) -> SentenceTransformerEmbedder:
    made = create_embedder(settings)
    assert isinstance(made, SentenceTransformerEmbedder)
    return made


@pytest.fixture(scope="module")
def ingested(settings: Settings, embedder: SentenceTransformerEmbedder) -> IngestResult:
    return ingest_corpus(settings, embedder=embedder)


@pytest.fixture(scope="module")
def index(settings: Settings, embedder: SentenceTransformerEmbedder, ingested: IngestResult) -> CorpusIndex:
    return load_index(settings, embedder)


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda check: check.__name__)
def test_real_embedder_contract(
    embedder: SentenceTransformerEmbedder, check: Callable[[SentenceTransformerEmbedder], None]
) -> None:
    check(embedder)


def test_real_embedder_uses_the_models_prompts(embedder: SentenceTransformerEmbedder) -> None:
    prompts = embedder.model.prompts
    assert prompts["query"].startswith("task: search result")
    assert prompts["document"].startswith("title:")
    assert embedder.fingerprint.startswith("sha256:")


def test_ingest_embeds_every_chunk_of_the_seeds(ingested: IngestResult) -> None:
    assert not ingested.up_to_date
    assert ingested.stats is not None
    assert ingested.stats.embedded + ingested.stats.reused == len(ingested.chunks) > 5
    assert {doc.id[:3] for doc in ingested.load.documents} >= {"000", "001", "002", "003", "004"}


@pytest.mark.parametrize("language", QUERIES)
def test_belarus_question_finds_seed_002_first(
    index: CorpusIndex, embedder: SentenceTransformerEmbedder, language: str
) -> None:
    scores, positions = index.vectors.search(embedder.embed_query(QUERIES[language]), 5)
    results = [(index.chunks[int(p)], float(s)) for s, p in zip(scores, positions, strict=True)]
    top_chunk, _ = results[0]
    assert top_chunk.doc_id.startswith("002"), [(c.id, round(s, 3)) for c, s in results]
    assert "Belarus" in top_chunk.text or "Wit-Rusland" in top_chunk.text


def test_reingest_of_an_unchanged_corpus_never_loads_the_model(
    settings: Settings, ingested: IngestResult
) -> None:
    fresh = create_embedder(settings)
    assert isinstance(fresh, SentenceTransformerEmbedder)
    again = ingest_corpus(settings, embedder=fresh)
    assert again.up_to_date
    assert fresh._model is None
    assert [c.id for c in again.chunks] == [c.id for c in ingested.chunks]


def test_removing_a_document_never_loads_the_model(
    settings: Settings, ingested: IngestResult, tmp_path: Path
) -> None:
    corpus = tmp_path / "seeds"
    corpus.mkdir()
    for path in SEEDS.glob("*.txt"):
        (corpus / path.name).write_bytes(path.read_bytes())
    copy = settings.model_copy(update={"corpus_dir": corpus, "data_dir": tmp_path / "data"})
    first = ingest_corpus(copy, embedder=create_embedder(copy))  # the seeds' vectors come from the cache
    assert first.stats is not None and first.stats.embedded == 0
    removed = sorted(corpus.glob("*.txt"))[0]
    removed.unlink()
    fresh = create_embedder(copy)
    assert isinstance(fresh, SentenceTransformerEmbedder)
    again = ingest_corpus(copy, embedder=fresh)
    assert again.changes.removed == (removed.name,)
    assert fresh._model is None
    assert removed.stem not in {chunk.doc_id for chunk in load_index(copy, None).chunks}
