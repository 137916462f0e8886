"""split_sentences: sentence spans, with Dutch and English abbreviations and initials.

A rule-based splitter rather than pysbd: pysbd 0.3.4 splits after "Mr.", "dr.", "d.w.z." and
"e.d." in Dutch and needs ~0.1 ms per character; this one is a single regex pass with a lookup per
candidate, and keeps exact offsets into the text.

A sentence ends at ". ! ? …" (with closing quotes/brackets and a glued footnote number, "NAVO.1")
followed by whitespace and a capital, digit, quote or bracket, unless the word before the period
is an abbreviation ("o.a.", "bijv.", "mr.", "dr.") or initials ("J.E.", "D.A."), or an enumeration
number at a sentence start ("1."). A blank line always ends a sentence.
"""

from __future__ import annotations

import functools
import re

from rag.corpus.abbreviations import for_language

_CLOSERS = "\"'”’»)\\]"
_CANDIDATE = re.compile(rf"[.!?…]+[{_CLOSERS}]*(\d{{1,3}}(?![\d.,]))?(?=\s)")
_PARAGRAPH = re.compile(r"\n[^\S\n]*\n\s*")
_INITIALS = re.compile(r"^(?:[^\W\d_]\.)+$")
_ENUMERATION = re.compile(r"^(?:\d{1,3}|[ivxIVX]{1,4}|[a-z])\.$")
_LEADING_PUNCT = "([{\"'“‘«"


def split_sentences(text: str, language: str = "nl") -> list[tuple[int, int]]:
    """(start, end) of every sentence of `text`; spans hold no leading or trailing whitespace."""
    spans: list[tuple[int, int]] = []
    start = 0
    for block_start, block_end in _blocks(text):
        start = block_start
        for cut in _cuts(text, block_start, block_end, language):
            _add(text, spans, start, cut)
            start = cut
        _add(text, spans, start, block_end)
    return spans


def _blocks(text: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in _PARAGRAPH.finditer(text):
        bounds.append((start, match.start()))
        start = match.end()
    bounds.append((start, len(text)))
    return bounds


def _cuts(text: str, start: int, end: int, language: str) -> list[int]:
    abbreviations = _abbreviations(language)
    cuts: list[int] = []
    sentence_start = start
    for match in _CANDIDATE.finditer(text, start, end):
        after = match.end()
        next_at = after
        while next_at < end and text[next_at].isspace():
            next_at += 1
        if next_at >= end:
            break
        punct_at = match.start()
        if (
            match.group(1)
            and not text[punct_at - 1 : punct_at].isalpha()
            and text[punct_at - 1 : punct_at] not in _CLOSERS
        ):
            continue  # "14.300 32.700": digits after a number's period are not a footnote mark
        if not _ends_sentence(text, sentence_start, punct_at, match.group(0), text[next_at], abbreviations):
            continue
        cuts.append(after)
        sentence_start = next_at
    return cuts


def _ends_sentence(
    text: str, sentence_start: int, punct_at: int, punct: str, following: str, abbreviations: frozenset[str]
) -> bool:
    if following.islower() or following in ",;:":
        return False
    if not punct.startswith(".") or punct.startswith(".."):
        return True
    word_start = punct_at
    while word_start > sentence_start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start : punct_at + 1].lstrip(_LEADING_PUNCT)
    if _INITIALS.match(word) or word[:-1].casefold() in abbreviations:
        return False
    return not (word_start == sentence_start and _ENUMERATION.match(word))


@functools.cache
def _abbreviations(language: str) -> frozenset[str]:
    return for_language(language)


def _add(text: str, spans: list[tuple[int, int]], start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))
