"""The extraction cache: an unchanged file is not read again; anything that changes its Document
(bytes, path, id, the reading code) reads it again; damaged entries are read again and rewritten;
entries of files that are gone are pruned; load_corpus works without a cache."""

from __future__ import annotations

from pathlib import Path

import pytest

import rag.corpus.load as load_module
from rag.corpus.cache import ExtractionCache
from rag.corpus.load import load_corpus
from rag.corpus.readers import Extracted

FILES = {
    "belarus.txt": "Poetin wil tactische kernwapens in Belarus plaatsen. De NAVO reageert kalm.\n",
    "taart.md": "# Appeltaart\n\nAppeltaart bakken met kaneel en rozijnen.\n",
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files handed to a reader."""
    seen: list[str] = []
    real = load_module.read_document

    def counting(path: Path, data: bytes) -> Extracted:
        seen.append(path.name)
        return real(path, data)

    monkeypatch.setattr(load_module, "read_document", counting)
    return seen


def cached_load(corpus: Path, cache_dir: Path) -> tuple[load_module.CorpusLoad, ExtractionCache]:
    cache = ExtractionCache(cache_dir)
    loaded = load_corpus(corpus, cache=cache)
    cache.flush()
    return loaded, cache


def test_an_unchanged_file_is_not_read_again(corpus: Path, tmp_path: Path, reads: list[str]) -> None:
    first, _ = cached_load(corpus, tmp_path / "cache")
    assert sorted(reads) == sorted(FILES)
    reads.clear()
    again, _ = cached_load(corpus, tmp_path / "cache")
    assert reads == []
    assert again.documents == first.documents


def test_entries_are_written_only_on_flush(corpus: Path, tmp_path: Path) -> None:
    cache = ExtractionCache(tmp_path / "cache")
    load_corpus(corpus, cache=cache)
    assert not (tmp_path / "cache").exists()  # an ingest that stops before saving leaves no trace
    cache.flush()
    assert len(list((tmp_path / "cache").glob("*.json"))) == len(FILES)


def test_changed_bytes_and_a_new_path_are_read_again(corpus: Path, tmp_path: Path, reads: list[str]) -> None:
    cached_load(corpus, tmp_path / "cache")
    reads.clear()
    (corpus / "taart.md").write_text(FILES["taart.md"] + "Laat de taart afkoelen.\n", encoding="utf-8")
    (corpus / "belarus.txt").rename(corpus / "kernwapens.txt")  # same bytes, another id and title
    loaded, _ = cached_load(corpus, tmp_path / "cache")
    assert sorted(reads) == ["kernwapens.txt", "taart.md"]
    assert {doc.id for doc in loaded.documents} == {"kernwapens", "taart"}
    assert "afkoelen" in next(doc.text for doc in loaded.documents if doc.id == "taart")


def test_a_new_reader_version_reads_again(corpus: Path, tmp_path: Path, reads: list[str]) -> None:
    cached_load(corpus, tmp_path / "cache")
    reads.clear()
    cache = ExtractionCache(tmp_path / "cache")
    cache.version = "another-version"  # as after an edit of the cleaner or a pdfminer upgrade
    load_corpus(corpus, cache=cache)
    assert sorted(reads) == sorted(FILES)


def test_a_damaged_entry_is_read_again_and_rewritten(corpus: Path, tmp_path: Path, reads: list[str]) -> None:
    first, _ = cached_load(corpus, tmp_path / "cache")
    entries = sorted((tmp_path / "cache").glob("*.json"))
    entries[0].write_bytes(b'{"version": "trunc')
    entries[1].write_bytes(b"\xff\xfe not json at all")
    reads.clear()
    again, _ = cached_load(corpus, tmp_path / "cache")
    assert sorted(reads) == sorted(FILES) and again.documents == first.documents
    reads.clear()
    cached_load(corpus, tmp_path / "cache")
    assert reads == []  # rewritten: good again


def test_entries_of_removed_files_are_pruned(corpus: Path, tmp_path: Path) -> None:
    cached_load(corpus, tmp_path / "cache")
    (tmp_path / "cache" / ".left-by-a-crash.tmp").write_text("x", encoding="utf-8")
    (corpus / "belarus.txt").unlink()
    cached_load(corpus, tmp_path / "cache")
    names = [p.name for p in (tmp_path / "cache").iterdir()]
    assert len([n for n in names if n.endswith(".json")]) == 1
    assert ".left-by-a-crash.tmp" in names  # fresh: another process may be writing it


def test_an_unwritable_cache_folder_is_not_an_error(corpus: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    loaded, _ = cached_load(corpus, blocker / "cache")
    assert len(loaded.documents) == len(FILES)


def test_load_corpus_without_a_cache_reads_every_time(corpus: Path, reads: list[str]) -> None:
    load_corpus(corpus)
    load_corpus(corpus)
    assert sorted(reads) == sorted([*FILES, *FILES])
