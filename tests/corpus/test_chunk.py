"""Chunking: offsets invariant, sizes, overlap, regions, determinism."""

from __future__ import annotations

import itertools
from typing import cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.corpus import chunk_document, chunk_documents
from rag.errors import ConfigError
from rag.types import Chunk, ChunkKind, Document
from tests.corpus.helpers import seeds_load, words


def _doc(text: str, regions: tuple[tuple[int, int, str], ...] = ()) -> Document:
    kinds = tuple((s, e, cast(ChunkKind, k)) for s, e, k in regions)
    return Document(
        id="d", path="d.txt", title="T", date="2024-01", content_hash="x", text=text, regions=kinds
    )


def _check(doc: Document, chunks: list[Chunk], target: int) -> None:
    for ordinal, chunk in enumerate(chunks):
        assert doc.text[chunk.start : chunk.end] == chunk.text
        assert chunk.text and chunk.text == chunk.text.strip()
        assert chunk.id == f"{doc.id}:{ordinal:04d}" and chunk.ordinal == ordinal
        assert chunk.n_tokens == words(chunk.text) <= target
        assert (chunk.doc_id, chunk.doc_title, chunk.doc_date, chunk.language) == (
            doc.id,
            doc.title,
            doc.date,
            doc.language,
        )
    covered = set()
    for chunk in chunks:
        covered.update(range(chunk.start, chunk.end))
    assert all(i in covered for i, ch in enumerate(doc.text) if not ch.isspace())


_TEXT = st.text(alphabet=st.sampled_from(list("Aab. c?\n\n  D.A. o.a. 12")), max_size=400)


@st.composite
def _documents(draw: st.DrawFn) -> Document:
    text = draw(_TEXT)
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=6))))
    kinds = draw(
        st.lists(st.sampled_from(["footnote", "caption"]), min_size=len(cuts) // 2, max_size=len(cuts) // 2)
    )
    regions = tuple(
        (cuts[2 * i], cuts[2 * i + 1], kinds[i])
        for i in range(len(cuts) // 2)
        if cuts[2 * i] < cuts[2 * i + 1]
    )
    return _doc(text, regions)


@settings(max_examples=300, deadline=None)
@given(_documents(), st.integers(1, 40), st.integers(0, 39))
def test_offsets_invariant_and_sizes_on_random_texts(doc: Document, target: int, overlap: int) -> None:
    overlap = min(overlap, target - 1)
    chunks = chunk_document(doc, words, target_tokens=target, overlap_tokens=overlap)
    _check(doc, chunks, target)
    for chunk in chunks:  # never across a region boundary
        inside = [(s, e, k) for s, e, k in doc.regions if s <= chunk.start and chunk.end <= e]
        assert chunk.kind == (inside[0][2] if inside else "text")
        if not inside:
            assert not any(
                chunk.start < s < chunk.end or chunk.start < e < chunk.end for s, e, _ in doc.regions
            )


def test_seed_chunks_respect_the_invariant_and_target() -> None:
    load = seeds_load()
    chunks = chunk_documents(load.documents, words, target_tokens=160, overlap_tokens=32)
    for doc in load.documents:
        _check(doc, [c for c in chunks if c.doc_id == doc.id], 160)
    assert len(chunks) == 104  # reported: the five seeds at 160 words, 32 overlap
    assert {c.kind for c in chunks} == {"text", "footnote", "caption"}


def test_chunks_end_at_sentence_boundaries_and_overlap_whole_sentences() -> None:
    text = " ".join(f"Zin nummer {i} heeft vijf woorden." for i in range(12))
    doc = _doc(text)
    chunks = chunk_document(doc, words, target_tokens=12, overlap_tokens=6)  # a sentence is 6 words
    assert [c.text.count(".") for c in chunks] == [2] * 11
    assert all(c.text.endswith("woorden.") for c in chunks)
    for first, second in itertools.pairwise(chunks):
        assert second.text.split(". ")[0] + "." == first.text.split(". ")[-1]  # one sentence of overlap


def test_long_sentence_is_split_at_word_boundaries() -> None:
    text = " ".join(f"woord{i}" for i in range(50)) + "."
    chunks = chunk_document(_doc(text), words, target_tokens=16, overlap_tokens=0)
    assert [c.n_tokens for c in chunks] == [16, 16, 16, 2]
    assert " ".join(c.text for c in chunks) == text


def test_word_longer_than_target_is_split_at_characters() -> None:
    doc = _doc("x" * 100)
    chunks = chunk_document(doc, lambda s: len(s) // 10 + 1, target_tokens=3, overlap_tokens=0)
    assert "".join(c.text for c in chunks) == doc.text
    assert all(c.n_tokens <= 3 for c in chunks)


def test_ids_are_deterministic() -> None:
    docs = seeds_load().documents
    first = chunk_documents(docs, words, target_tokens=100, overlap_tokens=20)
    second = chunk_documents(docs, words, target_tokens=100, overlap_tokens=20)
    assert first == second
    assert len({c.id for c in first}) == len(first)


@pytest.mark.parametrize(("target", "overlap"), [(10, 10), (10, 12), (0, 0), (10, -1)])
def test_invalid_settings_name_the_fix(target: int, overlap: int) -> None:
    with pytest.raises(ConfigError, match="RAG_CHUNK_OVERLAP"):
        chunk_document(_doc("Een zin."), words, target_tokens=target, overlap_tokens=overlap)
