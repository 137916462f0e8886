from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.cli import app
from rag.config import Settings
from rag.embedders.hashing import HashingEmbedder
from rag.index.store import build_index, save_index
from tests.retrieval.conftest import make_corpus


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no stray .env from the working tree
    monkeypatch.setenv("RAG_EMBEDDER", "hashing")
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RAG_HOME", str(tmp_path / "home"))
    settings = Settings()
    documents, chunks = make_corpus()
    save_index(build_index(settings, HashingEmbedder(), documents, chunks), settings.index_dir)
    return tmp_path / "data"


def test_search_prints_a_table_of_hits(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["search", "kernwapens in Wit-Rusland", "--k", "2"])
    assert result.exit_code == 0, result.output
    assert "b:0000" in result.output and "Belarus" in result.output  # the table wraps long titles
    assert "2023-03" in result.output
    assert "lexical" in result.output and "dense" in result.output


def test_search_json_has_leg_details_and_respects_mode(data_dir: Path) -> None:
    result = CliRunner().invoke(
        app, ["search", "NAVO top Warschau", "--k", "3", "--mode", "lexical", "--json"]
    )
    assert result.exit_code == 0, result.output
    hits = [json.loads(line) for line in result.output.splitlines()]
    assert [h["rank"] for h in hits] == [1, 2, 3][: len(hits)] and hits
    assert hits[0]["chunk"]["id"] == "a:0000"
    assert all(h["dense_rank"] is None and h["lexical_rank"] == h["rank"] for h in hits)


def test_search_errors_are_one_line_with_the_fix(data_dir: Path, tmp_path: Path) -> None:
    bad_mode = CliRunner().invoke(app, ["search", "NAVO", "--mode", "sparse"])
    assert bad_mode.exit_code == 1 and "use --mode with one of" in bad_mode.output
    missing = CliRunner().invoke(app, ["search", "NAVO"], env={"RAG_DATA_DIR": str(tmp_path / "empty")})
    assert missing.exit_code == 1 and "rag ingest" in missing.output
