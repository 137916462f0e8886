"""The BM25 index is saved with the index and loaded instead of rebuilt (314 s at a million
chunks): loaded, it scores exactly as a fresh build; saved with another text analysis it is
stale and rebuilt; damaged, it is reported; an index saved before it existed still loads and
searches; a sharded index saves one BM25 over all shards."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rag.embedders import HashingEmbedder
from rag.errors import IndexCorruptError
from rag.index.ingest import ingest_corpus
from rag.index.lexical import LexicalIndex
from rag.index.persist import CHECKSUMS, CURRENT
from rag.index.shards import save_sharded
from rag.index.store import LEXICAL, CorpusIndex, load_index
from rag.retrieval.hybrid import Retriever
from rag.testing import SEEDS
from rag.testing import test_settings as make_settings
from rag.text import TextAnalyser, VariantTable

QUERIES = ("Waar wil Poetin kernwapens plaatsen?", "How did NATO respond?", "appeltaart kaneel", "NAVO")


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, CorpusIndex]:
    settings = make_settings(tmp_path, SEEDS)
    ingest_corpus(settings)
    return settings.index_dir, load_index(settings, HashingEmbedder())


def _generation(index_dir: Path) -> Path:
    return index_dir / (index_dir / CURRENT).read_text(encoding="utf-8").strip()


def _fresh(index: CorpusIndex) -> LexicalIndex:
    lexical = LexicalIndex()
    lexical.build(index.chunks)
    return lexical


def test_the_saved_bm25_is_loaded_and_scores_as_a_fresh_build(saved: tuple[Path, CorpusIndex]) -> None:
    index_dir, index = saved
    assert (_generation(index_dir) / LEXICAL).is_file()
    assert index.lexical is not None and len(index.lexical) == len(index.chunks)
    fresh = _fresh(index)
    for query in QUERIES:
        for language in ("nl", "en"):
            np.testing.assert_array_equal(
                index.lexical.scores(query, language), fresh.scores(query, language)
            )
    assert index.lexical.scores(QUERIES[0], "nl").max() > 0


def test_the_retriever_uses_the_loaded_bm25_without_building_one(
    saved: tuple[Path, CorpusIndex], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, index = saved

    def no_build(self: LexicalIndex, chunks: object) -> None:
        raise AssertionError("BM25 was built again although the index holds one")

    monkeypatch.setattr(LexicalIndex, "build", no_build)
    retriever = Retriever.from_index(index, HashingEmbedder(), make_settings(Path("unused"), SEEDS))
    assert retriever.lexical is index.lexical
    assert retriever.search(QUERIES[0], k=3, mode="lexical")


def test_an_index_saved_before_the_bm25_file_existed_still_loads_and_searches(
    tmp_path: Path, saved: tuple[Path, CorpusIndex]
) -> None:
    index_dir, index = saved
    folder = _generation(index_dir)
    (folder / LEXICAL).unlink()
    checksums = json.loads((folder / CHECKSUMS).read_text(encoding="utf-8"))
    del checksums[LEXICAL]
    (folder / CHECKSUMS).write_text(json.dumps(checksums), encoding="utf-8")
    settings = make_settings(tmp_path, SEEDS)
    old = load_index(settings, HashingEmbedder())
    assert old.lexical is None
    retriever = Retriever.from_index(old, HashingEmbedder(), settings)
    assert [h.chunk.id for h in retriever.search(QUERIES[0], k=5, mode="lexical")] == [
        h.chunk.id
        for h in Retriever.from_index(index, HashingEmbedder(), settings).search(
            QUERIES[0], k=5, mode="lexical"
        )
    ]


def test_a_bm25_saved_with_another_text_analysis_is_stale_and_rebuilt(
    tmp_path: Path, saved: tuple[Path, CorpusIndex]
) -> None:
    index_dir, index = saved
    path = _generation(index_dir) / LEXICAL
    other = TextAnalyser(VariantTable(groups=(("navo", "NATO"),)))  # a changed variant table
    assert LexicalIndex.load(path, other, len(index.chunks)) is None
    assert LexicalIndex.load(path, TextAnalyser(), len(index.chunks)) is not None


def test_a_damaged_bm25_file_is_reported_with_the_fix(
    tmp_path: Path, saved: tuple[Path, CorpusIndex]
) -> None:
    index_dir, _ = saved
    path = _generation(index_dir) / LEXICAL
    path.write_bytes(path.read_bytes()[:200])  # truncated: the checksum no longer matches
    with pytest.raises(IndexCorruptError, match="rag ingest --rebuild"):
        load_index(make_settings(tmp_path, SEEDS), HashingEmbedder())
    with pytest.raises(IndexCorruptError, match="cannot read the lexical index"):
        LexicalIndex.load(path, TextAnalyser(), 10)


def test_a_bm25_of_another_size_is_reported(saved: tuple[Path, CorpusIndex]) -> None:
    index_dir, index = saved
    with pytest.raises(IndexCorruptError, match=f"for an index of {len(index.chunks) + 1} chunks"):
        LexicalIndex.load(_generation(index_dir) / LEXICAL, TextAnalyser(), len(index.chunks) + 1)


def test_an_empty_bm25_saves_and_loads(tmp_path: Path) -> None:
    empty = LexicalIndex()
    empty.build([])
    empty.save(tmp_path / LEXICAL)
    loaded = LexicalIndex.load(tmp_path / LEXICAL, TextAnalyser(), 0)
    assert loaded is not None and len(loaded) == 0 and loaded.search("NAVO", 5) == []


def test_a_sharded_index_saves_one_bm25_over_all_shards(
    tmp_path: Path, saved: tuple[Path, CorpusIndex]
) -> None:
    _, whole = saved
    settings = make_settings(tmp_path / "sharded", SEEDS)
    vectors = whole.vectors.reconstruct_all()  # type: ignore[attr-defined]
    save_sharded(settings, HashingEmbedder(), whole.documents, whole.chunks, vectors, 3)
    assert (_generation(settings.index_dir) / LEXICAL).is_file()
    assert not list((settings.index_dir / "shards").rglob(LEXICAL))  # none per shard
    loaded = load_index(settings, HashingEmbedder())
    assert loaded.lexical is not None
    fresh = _fresh(loaded)
    for query in QUERIES:
        np.testing.assert_array_equal(loaded.lexical.scores(query, "nl"), fresh.scores(query, "nl"))
