"""Pages of a paged document (PDF): which page every character of the cleaned text came from.

A reader gives the raw offset where each page starts; cleaning copies raw characters into the
cleaned text (`Document.segments`), sometimes out of order (a footnote waits until the sentence
that runs on to the next page has ended). So pages are recorded as runs (start, end, page) of the
cleaned text rather than page start offsets; characters that cleaning inserted (a joining space)
belong to the run around them.
"""

from __future__ import annotations

import bisect

from rag.types import Document, PageRun, Segment


def page_runs(segments: tuple[Segment, ...], page_starts: tuple[int, ...]) -> tuple[PageRun, ...]:
    """Runs of the cleaned text per page, in text order, from the raw page start offsets."""
    if not page_starts:
        return ()
    pieces: list[PageRun] = []
    for seg in segments:
        start, raw, remaining = seg.start, seg.raw_start, seg.length
        while remaining > 0:
            index = bisect.bisect_right(page_starts, raw) - 1
            page_end = page_starts[index + 1] if index + 1 < len(page_starts) else raw + remaining
            length = min(remaining, page_end - raw)
            pieces.append((start, start + length, max(index, 0) + 1))
            start, raw, remaining = start + length, raw + length, remaining - length
    runs: list[PageRun] = []
    for start, end, page in sorted(pieces):
        if runs and runs[-1][2] == page:
            runs[-1] = (runs[-1][0], end, page)
        else:
            runs.append((start, end, page))
    return tuple(runs)


def pages_of(document: Document, start: int, end: int) -> tuple[int, ...]:
    """The pages that document.text[start:end] comes from, ascending; () for unpaged documents."""
    return pages_in(document.pages, start, end)


def pages_in(runs: tuple[PageRun, ...], start: int, end: int) -> tuple[int, ...]:
    """The pages of the runs that overlap [start, end), ascending."""
    return tuple(sorted({page for s, e, page in runs if s < end and start < e}))


def clip_runs(runs: tuple[PageRun, ...], start: int, end: int) -> tuple[PageRun, ...]:
    """The runs that overlap [start, end), cut to it (a chunk's share of its document's pages)."""
    return tuple((max(s, start), min(e, end), page) for s, e, page in runs if s < end and start < e)
