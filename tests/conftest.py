"""Shared fixtures. Real-model fixtures are session-scoped: the models load once per run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from rag.config import Settings

if TYPE_CHECKING:
    from rag.answering.pipeline import Assistant

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
OWN_GOLD = REPO / "eval" / "gold.jsonl"


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The embedded default (EmbeddingGemma + llama.cpp) on one thread, index in a temp dir.

    Models come from the user cache that `rag setup` fills; the embedding cache there makes
    re-indexing the seeds cheap after the first run.
    """
    from rag.errors import ModelMissingError
    from rag.index.ingest import ingest_corpus
    from rag.models import resolve_embed_model, resolve_llm_path

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path_factory.mktemp("real") / "data",
        corpus_dir=SEEDS,
        embed_threads=1,
        llm_threads=1,
    )
    try:
        resolve_embed_model(settings)
        resolve_llm_path(settings)
    except ModelMissingError as exc:
        pytest.fail(f"{exc} — the test command './rag.sh test' runs 'rag setup' first", pytrace=False)
    ingest_corpus(settings)
    return settings


@pytest.fixture(scope="session")
def real_assistant(real_settings: Settings) -> Iterator[Assistant]:
    from rag.answering.pipeline import Assistant

    yield Assistant.from_settings(real_settings)
