"""Map spans between a document's raw file text and its cleaned text, and find gold quotes.

Gold evidence quotes are verbatim from the raw files (after the normalisation of the evidence
rule: NFC, whitespace runs collapsed); chunks and citations point into the cleaned text. These
functions bridge the two through `Document.segments`.
"""

from __future__ import annotations

import unicodedata

from rag.corpus.textmap import nfc_line, raw_lines
from rag.types import Document, Segment


def gold_normalise(text: str) -> str:
    """The evidence rule of GOLD_SCHEMA.md: NFC, every whitespace run one space, ends stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def raw_span_to_clean(doc: Document, raw_start: int, raw_end: int) -> tuple[int, int] | None:
    """The smallest span of `doc.text` holding every cleaned character copied from
    raw[raw_start:raw_end]; None when cleaning kept none of them."""
    return raw_to_clean(doc.segments, raw_start, raw_end)


def raw_to_clean(segments: tuple[Segment, ...], raw_start: int, raw_end: int) -> tuple[int, int] | None:
    """raw_span_to_clean for a document still being built: from its segments alone."""
    return _map(segments, raw_start, raw_end, from_raw=True)


def clean_span_to_raw(doc: Document, start: int, end: int) -> tuple[int, int] | None:
    """The smallest raw span holding every raw character that doc.text[start:end] copies."""
    return _map(doc.segments, start, end, from_raw=False)


def _map(segments: tuple[Segment, ...], start: int, end: int, *, from_raw: bool) -> tuple[int, int] | None:
    lows: list[int] = []
    highs: list[int] = []
    for seg in segments:
        source = seg.raw_start if from_raw else seg.start
        target = seg.start if from_raw else seg.raw_start
        low, high = max(start, source), min(end, source + seg.length)
        if low < high:
            lows.append(target + low - source)
            highs.append(target + high - source)
    if not lows:
        return None
    return min(lows), max(highs)


def find_quote(doc: Document, raw_text: str, quote: str) -> tuple[int, int] | None:
    """Locate `quote` in the raw file text under the gold normalisation and return the matching
    span of the cleaned `doc.text` (None if the quote is not in the file or was cleaned away)."""
    needle = gold_normalise(quote)
    if not needle:
        return None
    haystack, origin = _normalised_with_offsets(raw_text)
    found = haystack.find(needle)
    if found < 0:
        return None
    raw_start, raw_end = origin[found][0], origin[found + len(needle) - 1][1]
    span = raw_span_to_clean(doc, raw_start, raw_end)
    if span is None:
        return None
    start, end = span
    # Trim what cleaning inserted at the edges (never part of the quote).
    while start < end and doc.text[start].isspace():
        start += 1
    while end > start and doc.text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _normalised_with_offsets(raw: str) -> tuple[str, list[tuple[int, int]]]:
    """gold_normalise(raw) and, per character, the raw span (start, end) it came from."""
    chars: list[str] = []
    origin: list[tuple[int, int]] = []
    pending_space: tuple[int, int] | None = None
    for start, end in raw_lines(raw):
        line = nfc_line(raw, start, end)
        cluster_at = start
        for ch, off in zip(line.text, line.offsets, strict=True):
            span = (off, off + 1) if off >= 0 else (cluster_at, cluster_at + 1)
            cluster_at = off + 1 if off >= 0 else cluster_at
            if ch.isspace():
                pending_space = pending_space or span
                continue
            if pending_space is not None and chars:
                chars.append(" ")
                origin.append(pending_space)
            pending_space = None
            chars.append(ch)
            origin.append(span)
        pending_space = pending_space or (end, end + 1)
    return "".join(chars), origin
