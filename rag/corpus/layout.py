"""From cleaned lines to paragraphs, each tagged as running text, footnote or caption.

Signals, all visible in seed 001 (a two-column PDF run through a text extractor):
- a blank line or an indented line (the extractor starts each text object with a space) starts
  a new block; the column width W is estimated from the lines of multi-line blocks;
- a footnote is a line "N text" at a block start whose N continues the footnote numbering (1, 2,
  3, ...), plus its continuation lines (lowercase starts, URLs, "Zie:", or the previous line did
  not end a sentence), until an indented line, a multi-line block or a sentence-like start;
- a caption is a lone line much wider than the columns (W <= 70) or one starting "Figuur 2",
  "Tabel 1", ..., plus its continuation lines;
- inside a block, a short line that ends a sentence, or a short first line followed by a
  capitalised line (a heading), ends a paragraph; other lines are joined (see joins.py).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from rag.corpus.joins import (
    Glue,
    ends_with_function_word,
    glue,
    is_closed,
    starts_lowercase,
    starts_upper_or_digit,
)
from rag.corpus.lines import Line
from rag.corpus.textmap import Mapped, join

ParaKind = Literal["text", "footnote", "caption"]
Tag = Literal["fn_start", "fn_cont", "cap_start", "cap_cont", "text"]

_FOOTNOTE = re.compile(r"^(\d{1,3})\s+(?:[^\W\d_a-z]|\d|[(‘'\"“*]|https?:|www\.|(?i:cf|vgl)\.?\s)")
_CAPTION_LABEL = re.compile(r"^(?:figuur|figure|fig\.|tabel|table|afbeelding|foto|kaart|grafiek)\s+\d", re.I)
_FOOTNOTE_CONT_WORDS = re.compile(r"^(?:zie|cf|vgl|ibid|see|in:|op\.|http|www)", re.I)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s")
_NARROW_COLUMNS = 70
_WIDE_LINE = 1.4
_MIN_WRAPPED_LINES = 8


@dataclass(frozen=True)
class Para:
    kind: ParaKind
    text: Mapped
    indent: bool  # first line indented: a new text object, never the continuation of another
    zone: int  # consecutive footnotes share a zone (one region)
    wrapped: bool  # more than one line, or one line as wide as the columns: may run on


def blocks_of(lines: list[Line | None]) -> list[list[Line]]:
    """Runs of lines separated by blank lines; an indented line or a markdown heading starts one."""
    blocks: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        starts_new = line is None or line.indent or _MARKDOWN_HEADING.match(line.text.text)
        if starts_new and current:
            blocks.append(current)
            current = []
        if line is not None:
            current.append(line)
        if line is not None and _MARKDOWN_HEADING.match(line.text.text):
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def column_width(blocks: list[list[Line]]) -> float | None:
    """Typical width of wrapped lines (75th percentile), None when the text is not hard-wrapped."""
    widths = sorted(len(line.text) for block in blocks if len(block) > 1 for line in block[:-1])
    if len(widths) < _MIN_WRAPPED_LINES:
        return None
    return float(widths[(len(widths) * 3) // 4])


def paragraphs(lines: list[Line | None], vocab: Counter[str]) -> list[Para]:
    """Paragraphs in raw order."""
    blocks = blocks_of(lines)
    width = column_width(blocks)
    tags = _tag_footnotes(blocks)
    _tag_captions(blocks, tags, width)
    groups: list[tuple[Tag, int, list[Line]]] = []
    for bi, block in enumerate(blocks):
        for li, line in enumerate(block):
            tag = tags[(bi, li)]
            last_tag = groups[-1][0] if groups else None
            continues = (tag, last_tag) in (("fn_cont", "fn_start"), ("cap_cont", "cap_start"))
            if continues or (tag == "text" and last_tag == "text" and groups[-1][1] == bi):
                groups[-1][2].append(line)
            else:
                groups.append(("text" if tag in ("fn_cont", "cap_cont") else tag, bi, [line]))
    paras: list[Para] = []
    zone = 0
    for tag, _, group in groups:
        zone += 0 if tag == "fn_start" else 1  # consecutive footnotes share one zone
        paras.extend(_close_group(group, tag, width, vocab, zone))
    return paras


def _close_group(
    group: list[Line], tag: Tag, width: float | None, vocab: Counter[str], zone: int
) -> list[Para]:
    if tag in ("fn_start", "cap_start"):
        kind: ParaKind = "footnote" if tag == "fn_start" else "caption"
        return [
            Para(kind, join_lines(group, vocab), group[0].indent, zone if kind == "footnote" else -1, True)
        ]
    paras: list[Para] = []
    start = 0
    for i in range(len(group)):
        if i == len(group) - 1 or _breaks_after(group, i, width):
            lines = group[start : i + 1]
            wrapped = len(lines) > 1 or width is None or len(lines[0].text) >= 0.85 * width
            paras.append(Para("text", join_lines(lines, vocab), lines[0].indent, -1, wrapped))
            start = i + 1
    return paras


def _breaks_after(group: list[Line], i: int, width: float | None) -> bool:
    """Does a paragraph end after group[i] although no blank line follows?"""
    if width is None:
        return False
    line, following = group[i].text.text, group[i + 1].text.text
    if line.endswith(("-", ",", ";", ":", "(")) or ends_with_function_word(line):
        return False
    if len(line) < 0.75 * width and is_closed(line):
        return True
    heading_width = 0.85 if i == 0 else 0.5
    return len(line) < heading_width * width and starts_upper_or_digit(following) and not line.endswith(".")


def join_lines(group: list[Line], vocab: Counter[str]) -> Mapped:
    parts: list[Mapped] = [group[0].text]
    tail = group[0].text.text
    for prev, line in itertools.pairwise(group):
        how = glue(tail[-200:], line.text.text, vocab, space_after_hyphen=prev.trailing_space)
        if how is Glue.JOIN:
            parts[-1] = parts[-1][:-1]
            tail = tail[:-1]
        elif how is Glue.SPACE:
            parts.append(Mapped.inserted(" "))
            tail += " "
        parts.append(line.text)
        tail = (tail + line.text.text)[-400:]
    return join(parts)


def _tag_footnotes(blocks: list[list[Line]]) -> dict[tuple[int, int], Tag]:
    tags: dict[tuple[int, int], Tag] = {}
    flat = [(bi, li) for bi, block in enumerate(blocks) for li in range(len(block))]
    expected, in_zone = 1, False
    for pos, (bi, li) in enumerate(flat):
        line = blocks[bi][li]
        found = _FOOTNOTE.match(line.text.text)
        number = int(found.group(1)) if found else -1
        at_start = li == 0 or (in_zone and tags[flat[pos - 1]] in ("fn_start", "fn_cont"))
        if at_start and expected <= number <= expected + 2:
            tags[(bi, li)], expected, in_zone = "fn_start", number + 1, True
        elif in_zone and _continues_footnote(blocks, flat, pos, expected):
            tags[(bi, li)] = "fn_cont"
        else:
            tags[(bi, li)], in_zone = "text", False
    return tags


def _continues_footnote(
    blocks: list[list[Line]], flat: list[tuple[int, int]], pos: int, expected: int
) -> bool:
    bi, li = flat[pos]
    line = blocks[bi][li]
    previous = blocks[flat[pos - 1][0]][flat[pos - 1][1]]
    text = line.text.text
    if line.indent or (li == 0 and len(blocks[bi]) > 1):
        return False
    if not is_closed(previous.text.text) or starts_lowercase(text) or text[0].isdigit() or text[0] == "(":
        return True
    if _FOOTNOTE_CONT_WORDS.match(text):
        return True
    # Look ahead: the next footnote follows within a few lone lines, so this one is still part of it.
    for next_bi, next_li in flat[pos + 1 : pos + 4]:
        ahead = blocks[next_bi][next_li]
        if ahead.indent or (next_li == 0 and len(blocks[next_bi]) > 1):
            return False
        found = _FOOTNOTE.match(ahead.text.text)
        if found and int(found.group(1)) == expected:
            return True
    return False


def _tag_captions(blocks: list[list[Line]], tags: dict[tuple[int, int], Tag], width: float | None) -> None:
    narrow = width is not None and width <= _NARROW_COLUMNS
    in_caption = False
    for bi, block in enumerate(blocks):
        lone = len(block) == 1 and tags[(bi, 0)] == "text"
        text = block[0].text.text
        previous = blocks[bi - 1][-1].text.text if bi else ""
        continues = not is_closed(previous) or starts_lowercase(text)
        if in_caption and lone and not block[0].indent and continues and not _CAPTION_LABEL.match(text):
            tags[(bi, 0)] = "cap_cont"
            continue
        wide = narrow and width is not None and len(text) > _WIDE_LINE * width
        in_caption = lone and bool(wide or _CAPTION_LABEL.match(text))
        if in_caption:
            tags[(bi, 0)] = "cap_start"
