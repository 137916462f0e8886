"""A data folder that cannot be written: `rag ingest` fails before embedding anything, with one
line naming the folder and the fix, and the previous index stays intact.

Tests run as root in CI, where chmod does not stop writes (and os.access says yes): there the
read-only cases make os.access answer as it would for a normal user, and the cases with a
regular file in the path need no permissions at all."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.cli import app
from rag.errors import ConfigError
from rag.index.ingest import ingest_corpus
from rag.index.persist import check_writable
from rag.index.store import load_index
from tests.index.helpers import CountingEmbedder, make_settings

FIX = "RAG_DATA_DIR"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "belarus.txt").write_text("Poetin wil kernwapens in Belarus plaatsen.\n", encoding="utf-8")
    return folder


def make_read_only(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """chmod a-w; when that does not stop this user (root), os.access denies writes there too."""
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    if os.access(folder, os.W_OK):
        real_access = os.access

        def access(path: object, mode: int, **kwargs: object) -> bool:
            if mode & os.W_OK and Path(str(path)).absolute() == folder.absolute():
                return False
            return real_access(path, mode, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "access", access)


@pytest.fixture
def restore_modes(tmp_path: Path) -> Iterator[None]:
    yield
    for path in [tmp_path, *tmp_path.rglob("*")]:  # let pytest clean up the temp folder
        if path.is_dir():
            path.chmod(0o755)


def test_read_only_data_folder_fails_before_embedding_and_keeps_the_index(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch, restore_modes: None
) -> None:
    settings = make_settings(tmp_path, corpus_dir=corpus)
    first = ingest_corpus(settings, embedder=CountingEmbedder())
    (corpus / "nieuw.txt").write_text("De NAVO reageert kalm op de dreiging.\n", encoding="utf-8")
    make_read_only(settings.index_dir, monkeypatch)
    embedder = CountingEmbedder()
    with pytest.raises(ConfigError) as error:
        ingest_corpus(settings, embedder=embedder)
    message = str(error.value)
    assert str(settings.index_dir.absolute()) in message and "read-only" in message and FIX in message
    assert embedder.embedded == []  # failed before any embedding
    assert [c.id for c in load_index(settings, None).chunks] == [c.id for c in first.chunks]


def test_new_data_folder_under_a_read_only_parent_fails_before_embedding(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch, restore_modes: None
) -> None:
    parent = tmp_path / "locked"
    parent.mkdir()
    settings = make_settings(tmp_path, corpus_dir=corpus, data_dir=parent / "new" / "data")
    make_read_only(parent, monkeypatch)
    embedder = CountingEmbedder()
    with pytest.raises(ConfigError, match=re.escape(f"would be created in {parent}")) as error:
        ingest_corpus(settings, embedder=embedder)
    assert FIX in str(error.value) and embedder.embedded == []
    assert not (parent / "new").exists()


def test_data_folder_under_a_regular_file_fails_before_embedding(tmp_path: Path, corpus: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    settings = make_settings(tmp_path, corpus_dir=corpus, data_dir=blocker / "data")
    embedder = CountingEmbedder()
    with pytest.raises(ConfigError, match=re.escape(f"{blocker} is a file, not a folder")) as error:
        ingest_corpus(settings, embedder=embedder)
    assert FIX in str(error.value) and embedder.embedded == []


def test_a_failed_save_is_a_config_error_and_keeps_the_previous_index(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path, corpus_dir=corpus)
    first = ingest_corpus(settings, embedder=CountingEmbedder())

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("rag.index.ingest.save_index", disk_full)
    with pytest.raises(ConfigError, match=r"No space left on device.*RAG_DATA_DIR"):
        ingest_corpus(settings, embedder=CountingEmbedder(), rebuild=True)
    assert [c.id for c in load_index(settings, None).chunks] == [c.id for c in first.chunks]


def test_check_writable_accepts_a_writable_or_creatable_folder(tmp_path: Path) -> None:
    check_writable(tmp_path, FIX)
    check_writable(tmp_path / "a" / "b", FIX)
    assert not (tmp_path / "a").exists()  # checking creates nothing


def test_rag_ingest_prints_one_line_naming_the_folder_and_the_fix(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file", encoding="utf-8")
    env = {
        "RAG_DATA_DIR": str(blocker / "data"),
        "RAG_HOME": str(tmp_path / "home"),
        "RAG_EMBEDDER": "hashing",
    }
    result = CliRunner().invoke(app, ["ingest", "--corpus", str(corpus)], env=env)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: cannot write to "), result.output
    assert str(blocker / "data" / "index") in lines[0] and FIX in lines[0]
