"""clean_text: raw file text -> cleaned text with an alignment back to the raw text.

Steps: Unicode NFC per line (a cluster NFC rewrites loses its alignment, nothing else), the
" date YYYY-MM" marker and boilerplate lines removed (lines.py), hyphenation at line ends undone
and hard-wrapped lines joined into paragraphs (joins.py, layout.py), runs of spaces collapsed.
Paragraphs are separated by a blank line. Footnotes and captions become paragraphs of their own,
recorded in `regions`; consecutive footnotes form one region.

Column and page breaks. A text paragraph that does not end a sentence is continued by the next
text paragraph when that one starts in lowercase, is not indented (the PDF extractor indents the
first line of every text object), and only blank lines, footnotes or captions lie between them.
Footnotes and captions met while a sentence is open are moved after the sentence's end, so
"... werden [footnotes 1-5] sindsdien systematisch herhaald." reads as one sentence (seed 000).

Limits, honestly: the extractor of seed 001 sometimes emits the two columns of a page, or the
pages, out of reading order. A continuation that was emitted elsewhere is not searched for (the
sentence stays cut in two paragraphs), and a lowercase paragraph that follows an unfinished one
by coincidence is joined to it, which no local rule can tell from a true continuation
("... Het" + "handelen van de NAVO ligt."). A hyphen before such a break is only undone when the
document itself contains the joined word. Pull quotes and short captions look like running text
and stay text. Footnote reference numbers glued to words ("NAVO.1") stay, as in the raw file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from pydantic import BaseModel, ConfigDict

from rag.corpus.joins import Glue, glue_by_evidence, is_closed, starts_lowercase, vocabulary
from rag.corpus.layout import Para, paragraphs
from rag.corpus.lines import read_lines
from rag.corpus.textmap import Mapped, join, nfc, to_segments
from rag.types import ChunkKind, Segment

PARAGRAPH_BREAK = "\n\n"


class CleanResult(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    segments: tuple[Segment, ...] = ()
    regions: tuple[tuple[int, int, ChunkKind], ...] = ()
    date_marker: str | None = None  # the value of a leading " date YYYY-MM" marker, if any


def clean_text(raw: str) -> CleanResult:
    """Clean `raw` (the decoded file text); see the module docstring for what is done."""
    lines, marker = read_lines(raw)
    vocab = vocabulary(" ".join(line.text.text for line in lines if line is not None))
    pieces: list[Mapped] = []
    regions: list[tuple[int, int, ChunkKind]] = []
    position = 0
    previous: Para | None = None
    for para in _reading_order(paragraphs(lines, vocab), vocab):
        para = replace(para, text=nfc(para.text))  # a join can put a combining mark after a letter
        if pieces:
            pieces.append(Mapped.inserted(PARAGRAPH_BREAK))
            position += len(PARAGRAPH_BREAK)
        pieces.append(para.text)
        end = position + len(para.text)
        same_zone = previous is not None and previous.kind == "footnote" and previous.zone == para.zone
        if para.kind == "footnote" and same_zone:
            regions[-1] = (regions[-1][0], end, "footnote")
        elif para.kind != "text":
            regions.append((position, end, para.kind))
        position, previous = end, para
    result = join(pieces)
    return CleanResult(
        text=result.text, segments=to_segments(result.offsets), regions=tuple(regions), date_marker=marker
    )


def _reading_order(paras: list[Para], vocab: Counter[str]) -> list[Para]:
    """Join text paragraphs split by a column/page break; footnotes and captions met while a
    sentence is open wait until it ends."""
    out: list[Para] = []
    deferred: list[Para] = []
    open_text: int | None = None  # index in `out` of the last text paragraph, if unfinished
    for para in paras:
        if para.kind != "text":
            (deferred if open_text is not None else out).append(para)
            continue
        glued = _continuation(out[open_text], para, vocab) if open_text is not None else None
        if open_text is not None and glued is not None:
            out[open_text] = replace(out[open_text], text=glued)
        else:
            out.extend(deferred)
            deferred.clear()
            out.append(para)
            open_text = len(out) - 1
        if is_closed(out[open_text].text.text):
            out.extend(deferred)
            deferred.clear()
            open_text = None
    out.extend(deferred)
    return out


def _continuation(previous_para: Para, para: Para, vocab: Counter[str]) -> Mapped | None:
    """`previous` continued by `para` when `para` reads as the rest of its sentence, else None."""
    previous = previous_para.text
    text = para.text.text
    if para.indent or not starts_lowercase(text) or is_closed(previous.text):
        return None
    if not previous_para.wrapped:
        return None  # a lone short line (heading, byline) does not run on into the next block
    if not previous.text.endswith("-"):
        return previous + Mapped.inserted(" ") + para.text
    how = glue_by_evidence(previous.text, text, vocab)
    if how is Glue.JOIN:
        return previous[:-1] + para.text
    return previous + para.text if how is Glue.KEEP else None
