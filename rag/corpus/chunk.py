"""Sentence-aware chunking with token-measured size and overlap.

A document is cut into sections: its footnote/caption regions and the running text between them.
Each section is split into sentences (a sentence longer than the target is cut at word
boundaries, a word longer than the target at character boundaries), and consecutive sentences
are packed greedily while the chunk's own text stays within `target_tokens`. The next chunk
starts with the last whole sentences of the previous one that fit in `overlap_tokens`. Chunks
never cross a section or a document, never start or end with whitespace, and always satisfy
`doc.text[chunk.start:chunk.end] == chunk.text`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from rag.corpus.pages import clip_runs, pages_of
from rag.corpus.sections import headings_for
from rag.corpus.sentences import split_sentences
from rag.errors import ConfigError
from rag.types import Chunk, ChunkKind, Document

TokenCounter = Callable[[str], int]
Span = tuple[int, int]
_WORD = re.compile(r"\S+")


def chunk_documents(
    docs: Iterable[Document], count_tokens: TokenCounter, *, target_tokens: int, overlap_tokens: int
) -> list[Chunk]:
    """The chunks of every document, in document order."""
    return [
        chunk
        for doc in docs
        for chunk in chunk_document(
            doc, count_tokens, target_tokens=target_tokens, overlap_tokens=overlap_tokens
        )
    ]


def chunk_document(
    doc: Document, count_tokens: TokenCounter, *, target_tokens: int, overlap_tokens: int
) -> list[Chunk]:
    """The chunks of one document, ids f"{doc.id}:{ordinal:04d}" in text order."""
    if target_tokens < 1 or not 0 <= overlap_tokens < target_tokens:
        raise ConfigError(
            f"chunking needs 0 <= overlap ({overlap_tokens}) < target ({target_tokens}) tokens: "
            "set RAG_CHUNK_OVERLAP below RAG_CHUNK_TOKENS"
        )
    spans: list[tuple[int, int, ChunkKind]] = []
    for start, end, kind in sections(doc):
        units = _units(doc.text, start, end, doc.language, count_tokens, target_tokens)
        spans.extend(
            (s, e, kind) for s, e in _pack(doc.text, units, count_tokens, target_tokens, overlap_tokens)
        )
    return [
        Chunk(
            id=f"{doc.id}:{ordinal:04d}",
            doc_id=doc.id,
            doc_title=doc.title,
            doc_date=doc.date,
            ordinal=ordinal,
            kind=kind,
            start=start,
            end=end,
            text=doc.text[start:end],
            n_tokens=count_tokens(doc.text[start:end]),
            language=doc.language,
            pages=pages_of(doc, start, end),
            page_runs=clip_runs(doc.pages, start, end),
            headings=headings_for(doc.headings, start, end),
        )
        for ordinal, (start, end, kind) in enumerate(spans)
    ]


def sections(doc: Document) -> list[tuple[int, int, ChunkKind]]:
    """The document cut at its region boundaries: (start, end, kind) covering all of doc.text."""
    result: list[tuple[int, int, ChunkKind]] = []
    cursor = 0
    for start, end, kind in sorted(doc.regions):
        start, end = max(start, cursor), min(end, len(doc.text))
        if start >= end:
            continue
        if cursor < start:
            result.append((cursor, start, "text"))
        result.append((start, end, kind))
        cursor = end
    if cursor < len(doc.text):
        result.append((cursor, len(doc.text), "text"))
    return result


def _units(text: str, start: int, end: int, language: str, count: TokenCounter, target: int) -> list[Span]:
    units: list[Span] = []
    for s, e in split_sentences(text[start:end], language):
        s, e = s + start, e + start
        if count(text[s:e]) <= target:
            units.append((s, e))
        else:
            units.extend(_split_long(text, s, e, count, target))
    return units


def _split_long(text: str, start: int, end: int, count: TokenCounter, target: int) -> list[Span]:
    """Cut an over-long sentence at word boundaries (a too-long word at characters)."""
    pieces: list[Span] = []
    piece_start: int | None = None
    piece_end = start
    for word in _WORD.finditer(text, start, end):
        if piece_start is not None and count(text[piece_start : word.end()]) <= target:
            piece_end = word.end()
            continue
        if piece_start is not None:
            pieces.append((piece_start, piece_end))
        if count(word.group(0)) <= target:
            piece_start, piece_end = word.start(), word.end()
            continue
        pieces.extend(_split_chars(text, word.start(), word.end(), count, target))
        piece_start = None
    if piece_start is not None:
        pieces.append((piece_start, piece_end))
    return pieces


def _split_chars(text: str, start: int, end: int, count: TokenCounter, target: int) -> list[Span]:
    pieces: list[Span] = []
    while start < end:
        size = end - start
        while size > 1 and count(text[start : start + size]) > target:
            size //= 2
        pieces.append((start, start + size))
        start += size
    return pieces


def _pack(text: str, units: list[Span], count: TokenCounter, target: int, overlap: int) -> list[Span]:
    """Greedy packing of consecutive units; the next chunk repeats the last units that fit in
    `overlap` tokens (fewer if the next unit would not fit beside them)."""
    chunks: list[Span] = []
    i = 0
    while i < len(units):
        j = i
        while j + 1 < len(units) and count(text[units[i][0] : units[j + 1][1]]) <= target:
            j += 1
        chunks.append((units[i][0], units[j][1]))
        if j == len(units) - 1:
            break
        k = j + 1
        while k - 1 > i and count(text[units[k - 1][0] : units[j][1]]) <= overlap:
            k -= 1
        while k <= j and count(text[units[k][0] : units[j + 1][1]]) > target:
            k += 1
        i = k
    return chunks
