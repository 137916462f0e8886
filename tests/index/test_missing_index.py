"""No index: the error names the absolute folder it looked in and how to point elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.config import Settings
from rag.errors import IndexMissingError
from rag.index.ingest import ingest_corpus
from rag.index.store import load_index
from tests.index.helpers import make_settings


def test_script_in_another_folder_is_told_the_absolute_path_and_how_to_point_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, elsewhere = tmp_path / "project", tmp_path / "scripts"
    corpus = project / "seeds"
    corpus.mkdir(parents=True)
    elsewhere.mkdir()
    (corpus / "a.txt").write_text("Poetin wil kernwapens in Belarus plaatsen.\n", encoding="utf-8")
    monkeypatch.chdir(project)
    settings = make_settings(tmp_path, data_dir=Path(".rag"), corpus_dir=corpus)
    ingest_corpus(settings)  # the index exists, in project/.rag/index
    monkeypatch.chdir(elsewhere)  # a script run from another folder, with the default data_dir
    with pytest.raises(IndexMissingError) as error:
        load_index(settings, None)
    message = str(error.value)
    assert f"no index in {elsewhere / '.rag' / 'index'} " in message
    assert "'.rag/index' is relative to the current folder" in message
    assert "RAG_DATA_DIR" in message and "Settings(data_dir=" in message and "rag ingest" in message
    load_index(make_settings(tmp_path, data_dir=project / ".rag"), None)  # the advice works


def test_absolute_data_dir_names_the_folder_without_the_relative_note(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]
    with pytest.raises(IndexMissingError) as error:
        load_index(settings, None)
    assert str(error.value).startswith(f"no index in {tmp_path / 'data' / 'index'}; run 'rag ingest'")
    assert "relative" not in str(error.value)


def test_public_answer_from_another_folder_names_the_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rag import answer

    monkeypatch.chdir(tmp_path)
    settings = make_settings(tmp_path, data_dir=Path(".rag"), generator="extractive")
    with pytest.raises(IndexMissingError, match="RAG_DATA_DIR") as error:
        answer("Waarom Belarus?", settings=settings)
    assert str(tmp_path / ".rag" / "index") in str(error.value)
