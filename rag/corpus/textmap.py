"""Text that remembers where each character came from in the raw file.

Cleaning works on `Mapped` values: a string plus, per character, its offset in the raw text, or -1
for characters that cleaning inserted or changed (a joining space, an NFC-composed letter). At the
end the offsets are compressed into `Segment`s, so only characters copied verbatim are aligned.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rag.types import Segment

INSERTED = -1
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Mapped:
    """A string and the raw offset of each of its characters (INSERTED when not copied)."""

    text: str
    offsets: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.text) != len(self.offsets):
            raise ValueError("Mapped text and offsets must have the same length")

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, key: slice) -> Mapped:
        return Mapped(self.text[key], self.offsets[key])

    def __add__(self, other: Mapped) -> Mapped:
        return Mapped(self.text + other.text, self.offsets + other.offsets)

    @staticmethod
    def inserted(text: str) -> Mapped:
        return Mapped(text, (INSERTED,) * len(text))

    @staticmethod
    def copied(raw: str, start: int, end: int) -> Mapped:
        return Mapped(raw[start:end], tuple(range(start, end)))

    def strip(self) -> Mapped:
        left = len(self.text) - len(self.text.lstrip())
        right = len(self.text.rstrip())
        return self[left:right] if left < right else Mapped("", ())


def join(parts: list[Mapped]) -> Mapped:
    """Concatenate without the quadratic cost of repeated `+`."""
    return Mapped("".join(p.text for p in parts), tuple(o for p in parts for o in p.offsets))


def raw_lines(raw: str) -> list[tuple[int, int]]:
    """(start, end) of every line of `raw`, without its line break; any of \\n, \\r\\n, \\r."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _LINE_BREAK.finditer(raw):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(raw)))
    return spans


def nfc_line(raw: str, start: int, end: int) -> Mapped:
    """Line raw[start:end] in Unicode NFC (see `nfc`)."""
    return nfc(Mapped.copied(raw, start, end))


def nfc(mapped: Mapped) -> Mapped:
    """`mapped` in Unicode NFC. Unchanged clusters keep their offsets; a cluster (a base character
    and its combining marks) that NFC rewrites is marked INSERTED, because its characters no
    longer correspond one to one with the raw text."""
    text = mapped.text
    if unicodedata.is_normalized("NFC", text):
        return mapped
    parts: list[Mapped] = []
    cluster_start = 0
    for i in range(1, len(text) + 1):
        if i < len(text) and unicodedata.combining(text[i]):
            continue
        cluster = text[cluster_start:i]
        normal = unicodedata.normalize("NFC", cluster)
        parts.append(mapped[cluster_start:i] if normal == cluster else Mapped.inserted(normal))
        cluster_start = i
    result = join(parts)
    if result.text != unicodedata.normalize("NFC", text):
        # Composition across clusters (rare scripts): give up on alignment for this run.
        return Mapped.inserted(unicodedata.normalize("NFC", text))
    return result


def collapse_spaces(line: Mapped) -> Mapped:
    """Every run of whitespace inside a line becomes one space (keeping a real space's offset)."""
    parts: list[Mapped] = []
    i, text = 0, line.text
    while i < len(text):
        if not text[i].isspace():
            j = i
            while j < len(text) and not text[j].isspace():
                j += 1
            parts.append(line[i:j])
            i = j
            continue
        j = i
        while j < len(text) and text[j].isspace():
            j += 1
        spaces = [k for k in range(i, j) if text[k] == " "]
        parts.append(line[spaces[0] : spaces[0] + 1] if spaces else Mapped.inserted(" "))
        i = j
    return join(parts)


def drop_chars(line: Mapped, chars: str) -> Mapped:
    """Remove every occurrence of the given characters (e.g. soft hyphens, a byte order mark)."""
    keep = [i for i, ch in enumerate(line.text) if ch not in chars]
    if len(keep) == len(line.text):
        return line
    return Mapped("".join(line.text[i] for i in keep), tuple(line.offsets[i] for i in keep))


def to_segments(offsets: tuple[int, ...]) -> tuple[Segment, ...]:
    """Compress per-character offsets into runs copied from consecutive raw positions."""
    segments: list[Segment] = []
    run_start = -1
    for i, off in enumerate(offsets):
        if off == INSERTED:
            if run_start >= 0:
                segments.append(_segment(offsets, run_start, i))
                run_start = -1
            continue
        if run_start >= 0 and off != offsets[i - 1] + 1:
            segments.append(_segment(offsets, run_start, i))
            run_start = -1
        if run_start < 0:
            run_start = i
    if run_start >= 0:
        segments.append(_segment(offsets, run_start, len(offsets)))
    return tuple(segments)


def _segment(offsets: tuple[int, ...], start: int, end: int) -> Segment:
    return Segment(start=start, raw_start=offsets[start], length=end - start)
