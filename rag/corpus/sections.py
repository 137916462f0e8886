"""Headings of a document and the section a place in it belongs to.

Readers of formats that mark headings (Word and OpenDocument heading styles, HTML <h1>-<h6>,
EPUB chapters) record them as spans of the raw text; the loader carries them into the cleaned
text as (offset, level, text). A citation names the nearest heading before the span it quotes,
so a reader of a long report finds the passage under "3.2 Kosten" rather than by its offset.
"""

from __future__ import annotations

import bisect

from rag.corpus.align import raw_to_clean
from rag.types import Heading, Segment

MAX_HEADING_CHARS = 120  # a "heading" longer than this is a styled paragraph: cut for display


def document_headings(
    text: str, segments: tuple[Segment, ...], raw_headings: tuple[tuple[int, int, int], ...]
) -> tuple[Heading, ...]:
    """The reader's (raw start, raw end, level) headings as (offset, level, text) of the cleaned
    text, in text order; headings that cleaning removed are left out."""
    found: list[Heading] = []
    for raw_start, raw_end, level in raw_headings:
        span = raw_to_clean(segments, raw_start, raw_end)
        words = " ".join(text[span[0] : span[1]].split()) if span else ""
        if span and words:
            cut = words if len(words) <= MAX_HEADING_CHARS else words[: MAX_HEADING_CHARS - 1] + "…"
            found.append((span[0], level, cut))
    return tuple(sorted(found))


def headings_for(headings: tuple[Heading, ...], start: int, end: int) -> tuple[Heading, ...]:
    """What a chunk of [start, end) keeps: the heading in force at `start` and those inside."""
    first = max(bisect.bisect_right([h[0] for h in headings], start) - 1, 0)
    return tuple(h for h in headings[first:] if h[0] < end)


def section_at(headings: tuple[Heading, ...], offset: int) -> str | None:
    """The text of the nearest heading at or before `offset`; None when there is none."""
    index = bisect.bisect_right([h[0] for h in headings], offset) - 1
    return headings[index][2] if index >= 0 else None
