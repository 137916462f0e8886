"""`rag ingest --ray` on a local Ray with 2 CPUs and the hashing embedder: the same documents,
chunks (ids, texts, offsets, order) and vectors as the single-process `rag ingest`, the same search
results and answers from its shards, an unchanged corpus left alone, and clear errors for a
missing Ray and a wrong address.

One Ray for the module (it starts in a few seconds); each ingest then takes some seconds."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from rag.cli import app
from rag.config import Settings
from rag.embedders import HashingEmbedder
from rag.errors import ConfigError, ModelMissingError
from rag.index.ingest import IngestResult, ingest_corpus
from rag.index.ray_ingest import _unwrap, ingest_on_ray
from rag.index.ray_session import import_ray
from rag.index.shards import SHARDS_DIR, is_sharded
from rag.index.store import CorpusIndex, load_index
from rag.retrieval.hybrid import Retriever
from rag.testing import SEEDS
from rag.testing import test_settings as make_settings
from tests.local_ray import local_ray_session

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = ("Waarom plaatst Rusland kernwapens in Belarus?", "How did NATO respond?", "leeg bestand")


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    with local_ray_session():
        yield


def _corpus(root: Path) -> Path:
    """The seeds, a note in a subfolder, an empty file (skipped) and an unsupported one (left out)."""
    corpus = root / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / "notes").mkdir()
    (corpus / "notes" / "vergadering.md").write_text(
        "# Vergadering\n\nDe NAVO bespreekt de kernwapens in Belarus.\n\nHet volgende overleg is in juni.\n",
        encoding="utf-8",
    )
    (corpus / "leeg.txt").write_text("", encoding="utf-8")
    (corpus / "plaatje.xyz").write_bytes(b"\x00\x01")
    return corpus


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory, local_ray: None
) -> tuple[Settings, Settings, IngestResult, IngestResult]:
    """The same corpus indexed twice: in this process, and on Ray in 3 shards. Separate homes:
    the Ray ingest cannot take vectors from the single one's embedding cache."""
    root = tmp_path_factory.mktemp("ray")
    corpus = _corpus(root)
    single = make_settings(root / "single", corpus, chunk_tokens=60, chunk_overlap=12)
    sharded = make_settings(root / "sharded", corpus, chunk_tokens=60, chunk_overlap=12, shard_count=3)
    return single, sharded, ingest_corpus(single), ingest_on_ray(sharded, "auto")


def _load(settings: Settings) -> CorpusIndex:
    return load_index(settings, HashingEmbedder())


def test_ray_ingest_equals_the_single_process_index(
    built: tuple[Settings, Settings, IngestResult, IngestResult],
) -> None:
    single, sharded, one, many = built
    assert is_sharded(sharded.index_dir) and len(list((sharded.index_dir / SHARDS_DIR).glob("*/*"))) == 3
    assert [c.id for c in many.chunks] == [c.id for c in one.chunks] and len(one.chunks) > 100
    assert many.load.documents == one.load.documents
    assert [(s.path, s.problem) for s in many.load.skipped] == [(s.path, s.problem) for s in one.load.skipped]
    plain, shards = _load(single), _load(sharded)
    assert shards.documents == plain.documents
    assert shards.chunks == plain.chunks  # ids, texts, offsets, pages, order within each document
    assert np.allclose(shards.vectors.reconstruct_all(), plain.vectors.reconstruct_all(), atol=1e-5)  # type: ignore[attr-defined]
    assert many.stats is not None and many.stats.embedded == len(many.chunks)


def test_sharded_search_and_answers_equal_the_single_index(
    built: tuple[Settings, Settings, IngestResult, IngestResult],
) -> None:
    from rag import answer

    single, sharded, _, _ = built
    embedder = HashingEmbedder()
    one = Retriever.from_index(_load(single), embedder, single)
    many = Retriever.from_index(_load(sharded), embedder, sharded)
    for question in QUESTIONS:
        assert [h.chunk.id for h in many.search(question, k=10)] == [
            h.chunk.id for h in one.search(question, k=10)
        ]
    expected, found = answer(QUESTIONS[0], settings=single), answer(QUESTIONS[0], settings=sharded)
    assert not found.refused and found.citations
    assert found.text == expected.text
    assert [(c.chunk_id, c.start, c.end) for c in found.citations] == [
        (c.chunk_id, c.start, c.end) for c in expected.citations
    ]


def test_an_unchanged_corpus_is_left_alone_and_a_change_is_ingested(
    built: tuple[Settings, Settings, IngestResult, IngestResult],
) -> None:
    _, sharded, _, first = built
    again = ingest_on_ray(sharded, "auto")
    assert again.up_to_date and [c.id for c in again.chunks] == [c.id for c in first.chunks]
    assert ingest_corpus(sharded).up_to_date  # a plain `rag ingest` reads the shards too
    note = sharded.corpus_dir / "notes" / "vergadering.md"
    note.write_text(
        note.read_text(encoding="utf-8") + "\nDe minister reist morgen naar Minsk.\n", encoding="utf-8"
    )
    changed = ingest_on_ray(sharded, "auto")
    assert changed.changes.changed == ("notes/vergadering.md",) and not changed.up_to_date
    assert any("Minsk" in chunk.text for chunk in _load(sharded).chunks)
    assert changed.stats is not None and 0 < changed.stats.embedded < len(changed.chunks)  # the rest cached


def test_missing_ray_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    with pytest.raises(ConfigError, match=r"pip install 'rag-nl\[scale\]'"):
        import_ray()


def _cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.chdir(tmp_path)
    corpus = _corpus(tmp_path)
    env = {
        "RAG_HOME": str(tmp_path / "home"),
        "RAG_DATA_DIR": str(tmp_path / "data"),
        "RAG_EMBEDDER": "hashing",
    }
    result = CliRunner().invoke(app, ["ingest", "--corpus", str(corpus), *args], env=env)
    return result.exit_code, result.output


def test_cli_without_ray_is_one_line_naming_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    code, output = _cli(tmp_path, monkeypatch, "--ray", "auto")
    assert code == 1 and "rag-nl[scale]" in output and "Traceback" not in output
    assert not (tmp_path / "data" / "index").exists()


@pytest.mark.parametrize(
    ("address", "message"),
    [("127.0.0.1:1", "cannot reach a Ray cluster at 127.0.0.1:1"), ("my cluster", "is not a Ray address")],
)
def test_cli_with_a_bad_address_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, address: str, message: str
) -> None:
    code, output = _cli(tmp_path, monkeypatch, "--ray", address)
    assert code == 1 and message in " ".join(output.split()) and "Traceback" not in output
    assert not (tmp_path / "data" / "index").exists()


def test_a_worker_without_the_model_fails_with_its_fix(tmp_path: Path, local_ray: None) -> None:
    """The model folder here is broken the way a worker machine without `rag setup` is: the
    driver never loads the model, the workers do, and their error reaches the user as raised."""
    model = tmp_path / "model"
    model.mkdir()
    (model / "modules.json").write_text("[]", encoding="utf-8")
    settings = make_settings(tmp_path, SEEDS, embedder="sentence-transformers", embed_model=str(model))
    with pytest.raises(ModelMissingError, match=r"on a Ray worker: cannot load embedding model .*rag setup"):
        ingest_on_ray(settings, "auto")
    assert not settings.index_dir.exists()


def test_an_unexpected_worker_failure_names_its_cause() -> None:
    text = (
        "ray::MapWorker(MapBatches(EmbedChunks)).submit() (pid=1)\n  File 'x.py', line 3\n"
        "MemoryError: cannot allocate 3 GB\n\nThe above exception was the direct cause of:\n"
        "ray.exceptions.UserCodeException: UDF failed to process a data block."
    )
    error = _unwrap(RuntimeError(text))
    assert isinstance(error, ConfigError) and "(MemoryError: cannot allocate 3 GB)" in str(error)
    assert "without --ray" in str(error)
