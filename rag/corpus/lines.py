"""Line-level cleaning: NFC, whitespace, the date marker, boilerplate and page debris.

What counts as boilerplate was decided from the seeds: web share/navigation lines ("Delen",
"Terug naar boven"), running page headers of the PDF article (an all-caps line repeating the title
or the authors: "KERSTENS EN NOLL"), and the photo credit the PDF extractor printed one or two
letters per line ("FO / TO / M / C ..."). The web date line, "gewijzigd" and "Bron: ..." of seed
004 are kept: they are the article's dateline and credit, and the gold evidence quotes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.corpus.textmap import Mapped, collapse_spaces, drop_chars, nfc, raw_lines

DATE_MARKER = re.compile(r"^date\s+(\d{4}-\d{2}(?:-\d{2})?)(?=\s|$)\s*")
_BOILERPLATE = re.compile(
    r"^(?:delen|deel|deel dit (?:artikel|bericht)|share(?: this(?: article)?)?|terug naar boven|"
    r"naar boven|back to top|lees (?:ook|meer|verder)|read more|print(?:en)?|afdrukken|tweet|"
    r"facebook|twitter|x|linkedin|whatsapp|e-?mail|kopieer (?:de )?link|link kopiëren|copy link|"
    r"volg ons|follow us|menu|zoeken|search|inloggen|log in|sluiten|advertentie|advertisement|"
    r"cookie-?instellingen|skip to (?:main )?content|naar de inhoud|reageer|reacties|comments)"
    r"\s*:?$",
    re.IGNORECASE,
)
_BREADCRUMB = re.compile(r"^(?:home|start)\s*[>›»|/]", re.IGNORECASE)
_SHARE_VIA = re.compile(
    r"^(?:deel|delen|share)\b.{0,30}\b(?:facebook|twitter|whatsapp|linkedin|e-?mail)\b", re.I
)
# A closing mark of the PDF ("■" in a symbol font, extracted as "n") after the last sentence.
_END_MARK = re.compile(r"(?<=[.!?”’\"])\s{2,}n\s*$")
_INVISIBLE = "\u00ad\ufeff\u200b"  # soft hyphen, byte order mark, zero-width space
_HEADER_WORD = re.compile(r"[^\W\d_]{3,}")
_DEBRIS_MAX = 3  # visible characters on a line of vertical text
_DEBRIS_RUN = 3  # that many such lines in a row


@dataclass(frozen=True)
class Line:
    """One non-empty raw line after NFC and whitespace collapsing."""

    text: Mapped
    index: int  # raw line number
    indent: bool  # the raw line started with whitespace (a new text object in the PDF extraction)
    trailing_space: bool  # the raw line ended with whitespace (after a hyphen: a real hyphen)


def read_lines(raw: str) -> tuple[list[Line | None], str | None]:
    """Every raw line, cleaned (None for blank or removed lines), and the date marker's value."""
    lines: list[Line | None] = []
    marker: str | None = None
    for index, (start, end) in enumerate(raw_lines(raw)):
        mapped = nfc(drop_chars(Mapped.copied(raw, start, end), _INVISIBLE))
        end_mark = _END_MARK.search(mapped.text)
        if end_mark:
            mapped = mapped[: end_mark.start()]
        text = collapse_spaces(mapped).strip()
        if marker is None and not any(lines) and (found := DATE_MARKER.match(text.text)):
            marker = found.group(1)
            text = text[found.end() :]
        if not text.text:
            lines.append(None)
            continue
        raw_text = mapped.text
        lines.append(
            Line(
                text=text,
                index=index,
                indent=raw_text[:1].isspace(),
                trailing_space=raw_text[-1:].isspace(),
            )
        )
    return _drop_boilerplate(lines, raw), marker


def is_boilerplate(text: str) -> bool:
    return bool(_BOILERPLATE.match(text) or _BREADCRUMB.match(text) or _SHARE_VIA.match(text))


def _drop_boilerplate(lines: list[Line | None], raw: str) -> list[Line | None]:
    kept = [None if line is None or is_boilerplate(line.text.text) else line for line in lines]
    kept = _drop_debris(kept)
    return _drop_running_headers(kept, raw)


def _drop_debris(lines: list[Line | None]) -> list[Line | None]:
    """Vertical text: a run of lines of one to three visible characters (blank lines allowed)."""
    result = list(lines)
    run: list[int] = []
    for i, line in enumerate([*lines, None, None]):
        if i < len(lines) and line is None:
            continue
        if line is not None and len(line.text.text.replace(" ", "")) <= _DEBRIS_MAX:
            run.append(i)
            continue
        if len(run) >= _DEBRIS_RUN:
            for j in run:
                result[j] = None
        run = []
    return result


def _drop_running_headers(lines: list[Line | None], raw: str) -> list[Line | None]:
    """An all-caps line after the first block that repeats an earlier line or names only words
    of the document's opening (title, authors) is a page header, not content."""
    opening = raw[:2000].casefold()
    seen: set[str] = set()
    result = list(lines)
    first_block_done = False
    for i, line in enumerate(lines):
        if line is None:
            first_block_done = first_block_done or any(lines[:i])
            continue
        text = line.text.text
        words = _HEADER_WORD.findall(text)
        all_caps = len(words) >= 2 and text.upper() == text and any(c.isalpha() for c in text)
        if all_caps and first_block_done:
            repeated = text in seen or all(w.casefold() in opening for w in words)
            if repeated:
                result[i] = None
        seen.add(text)
    return result
