"""`rag ingest --watch`: the index follows the folder (add, change, remove), a change is indexed
only once the listing has settled, an error is one line and the watch goes on, Ctrl-C is clean."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import rag.index.watch as watch_module
from rag.cli import app
from rag.config import Settings
from rag.index.store import load_index
from rag.index.watch import Listing, watch_corpus
from tests.index.helpers import CountingEmbedder, make_settings

WAIT_S = 30.0  # how long to wait for the watcher before giving up: liveness, not speed


class Watcher:
    """watch_corpus in a thread, with a short interval, and the lines it reported."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.lines: list[str] = []
        self.stop = threading.Event()
        options = {
            "report": self.lines.append,
            "stop": self.stop,
            "interval": 0.05,
            "embedder": CountingEmbedder(),
        }
        self.thread = threading.Thread(target=watch_corpus, args=(settings,), kwargs=options, daemon=True)

    def wait_for(self, condition: Callable[[str], bool]) -> str:
        """The first new line that meets `condition`."""
        deadline, seen = time.monotonic() + WAIT_S, 0
        while time.monotonic() < deadline:
            while seen < len(self.lines):
                seen += 1
                if condition(self.lines[seen - 1]):
                    line = self.lines[seen - 1]
                    del self.lines[:seen]
                    return line
            time.sleep(0.02)
        raise AssertionError(f"no such line within {WAIT_S} s; lines: {self.lines}")

    def doc_ids(self) -> set[str]:
        return {doc.id for doc in load_index(self.settings, None).documents}


@contextlib.contextmanager
def watching(tmp_path: Path, **overrides: object) -> Iterator[Watcher]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "belarus.txt").write_text("Poetin wil kernwapens in Belarus plaatsen.\n", encoding="utf-8")
    running = Watcher(make_settings(tmp_path, corpus_dir=corpus, **overrides))
    running.thread.start()
    yield running
    running.stop.set()
    running.thread.join(WAIT_S)
    assert not running.thread.is_alive()


@pytest.fixture
def watcher(tmp_path: Path) -> Iterator[Watcher]:
    with watching(tmp_path) as running:
        yield running


def test_the_index_follows_added_changed_and_removed_files(watcher: Watcher) -> None:
    corpus = watcher.settings.corpus_dir
    first = watcher.wait_for(lambda line: "belarus.txt" in line)
    assert first.startswith("added belarus.txt: 1 chunk embedded") and watcher.doc_ids() == {"belarus"}
    (corpus / "brug.txt").write_text("De gemeente bouwt een brug over de Waal.\n", encoding="utf-8")
    assert watcher.wait_for(lambda line: "brug.txt" in line).startswith("added brug.txt: 1 chunk embedded")
    assert watcher.doc_ids() == {"belarus", "brug"}
    (corpus / "brug.txt").write_text("De gemeente bouwt twee bruggen over de Waal.\n", encoding="utf-8")
    assert watcher.wait_for(lambda line: "brug.txt" in line).startswith("changed brug.txt")
    (corpus / "belarus.txt").unlink()
    removed = watcher.wait_for(lambda line: "belarus.txt" in line)
    assert removed.startswith("removed belarus.txt: 0 chunks embedded, 1 chunk in 1 document")
    assert watcher.doc_ids() == {"brug"}


def test_an_error_is_one_line_and_the_watch_goes_on(tmp_path: Path) -> None:
    with watching(tmp_path, strict_corpus=True) as watcher:
        corpus = watcher.settings.corpus_dir
        watcher.wait_for(lambda line: "belarus.txt" in line)
        (corpus / "leeg.txt").write_bytes(b"")  # strict: an empty file fails the whole pass
        error = watcher.wait_for(lambda line: line.startswith("error:"))
        assert "leeg.txt is empty" in error and "\n" not in error
        assert watcher.doc_ids() == {"belarus"}  # the previous index stays
        (corpus / "leeg.txt").unlink()
        (corpus / "taart.txt").write_text("Appeltaart bakken met kaneel.\n", encoding="utf-8")
        assert "added taart.txt" in watcher.wait_for(lambda line: "taart.txt" in line)
        assert watcher.doc_ids() == {"belarus", "taart"}


def test_removing_every_file_empties_the_index_and_says_so(watcher: Watcher) -> None:
    watcher.wait_for(lambda line: "belarus.txt" in line)
    (watcher.settings.corpus_dir / "belarus.txt").unlink()
    line = watcher.wait_for(lambda line: "belarus.txt" in line)
    assert line.startswith("removed belarus.txt") and "the index is empty" in line
    assert load_index(watcher.settings, None, allow_empty=True).documents == ()


def test_a_change_is_indexed_once_the_listing_has_settled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    done, both = {"a.pdf": (30, 3)}, {"a.pdf": (30, 3), "b.txt": (5, 4)}
    growing: list[Listing] = [{"a.pdf": (10, 1)}, {"a.pdf": (20, 2)}, done, done, done, both, both]
    polls = iter(growing)
    synced: list[set[str]] = []
    stop = threading.Event()

    def next_listing(folder: Path) -> Listing:
        listing = next(polls, None)
        if listing is None:
            stop.set()
            return growing[-1]
        return listing

    monkeypatch.setattr(watch_module, "listing", next_listing)

    def sync(settings: Settings, embedder: object, paths: set[str], **options: object) -> str:
        synced.append(paths)
        return "ok"

    monkeypatch.setattr(watch_module, "sync", sync)
    settings = make_settings(tmp_path)
    watch_corpus(settings, report=lambda line: None, stop=stop, interval=0, embedder=CountingEmbedder())
    assert synced == [{"a.pdf"}, {"b.txt"}]  # not while a.pdf was still growing; each settled change once


def test_ctrl_c_stops_the_watch_cleanly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(watch_module, "watch_corpus", interrupted)
    monkeypatch.setenv("RAG_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    result = CliRunner().invoke(app, ["ingest", "--corpus", str(corpus), "--embedder", "hashing", "--watch"])
    assert result.exit_code == 0, result.output
    assert "watching" in result.output and "stopped watching" in result.output
    assert "Traceback" not in result.output


def test_a_file_that_cannot_be_read_is_named_once_in_its_line(watcher: Watcher) -> None:
    watcher.wait_for(lambda line: "belarus.txt" in line)
    (watcher.settings.corpus_dir / "kapot.pdf").write_bytes(b"%PDF-1.4 garbage")
    line = watcher.wait_for(lambda line: "kapot.pdf" in line)
    assert line.count("skipped kapot.pdf is not a readable PDF") == 1 and "index up to date" in line
    assert watcher.doc_ids() == {"belarus"}
