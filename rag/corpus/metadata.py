"""Document metadata from the text: title and date."""

from __future__ import annotations

import re

_MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8,
    "october": 10, "jan": 1, "feb": 2, "mrt": 3, "mar": 3, "apr": 4, "jun": 6, "jul": 7,
    "aug": 8, "sep": 9, "sept": 9, "okt": 10, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})\.?\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}}),?\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_ISO = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
_MARKDOWN_TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_CREDIT = re.compile(r"^(?:beeld|foto|bron|credits?|afbeelding|image|photo)\b", re.IGNORECASE)
_DATELINE = re.compile(r"^[A-ZÀ-Ý/ .'-]{3,40}\s*(?:\([A-Za-z]+\))?\s*[-–—]\s+")
DATE_WINDOW = 500  # a dateline sits at the top
TITLE_MAX = 120


def find_date(text: str, marker: str | None = None) -> str | None:
    """The date as "YYYY-MM[-DD]": the " date" marker, made precise by a full date of the same
    month at the top of the text; else a full date in the first sentence of one of the first
    paragraphs, within the first 500 characters (a dateline or a news lede, not an event date
    deep in the text)."""
    found = _dateline(text)
    if marker is None:
        return found
    if found is not None and found.startswith(marker):
        return found
    return marker


def _dateline(text: str) -> str | None:
    window = text[:DATE_WINDOW]
    for paragraph in window.split("\n\n")[:4]:
        first_sentence = _SENTENCE_END.split(paragraph, maxsplit=1)[0]
        date = _full_date(first_sentence)
        if date is not None:
            return date
    return None


def _full_date(text: str) -> str | None:
    candidates: list[tuple[int, str]] = []
    for m in _DAY_MONTH_YEAR.finditer(text):
        candidates.append((m.start(), _iso(m.group(3), _MONTHS[m.group(2).casefold()], m.group(1))))
    for m in _MONTH_DAY_YEAR.finditer(text):
        candidates.append((m.start(), _iso(m.group(3), _MONTHS[m.group(1).casefold()], m.group(2))))
    for m in _ISO.finditer(text):
        candidates.append((m.start(), _iso(m.group(1), int(m.group(2)), m.group(3))))
    valid = sorted((pos, date) for pos, date in candidates if date)
    return valid[0][1] if valid else None


def _iso(year: str, month: int, day: str) -> str:
    if not 1 <= month <= 12 or not 1 <= int(day) <= 31:
        return ""
    return f"{year}-{month:02d}-{int(day):02d}"


def find_title(text: str, raw: str, *, markdown: bool, fallback: str) -> str:
    """The first markdown "# " heading; else the first line of the cleaned text (its first
    sentence if long), an all-caps line replaced by its mixed-case twin nearby; else `fallback`."""
    if markdown and (heading := _MARKDOWN_TITLE.search(raw)):
        return _trim(heading.group(1))
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    if not paragraphs:
        return fallback
    # Skip a leading dateline or photo credit/caption of a web article ("Bron: ...", "Beeld uit").
    body = [p for p in paragraphs[:4] if not (_CREDIT.match(p) or (_full_date(p) and len(p) < 80))]
    first = _DATELINE.sub("", (body or paragraphs)[0])
    if first.isupper():
        twin = re.search(r"\s+".join(map(re.escape, first.split())), text[len(first) : 2000], re.IGNORECASE)
        if twin and not twin.group(0).isupper():
            first = " ".join(twin.group(0).split())
    if len(first) > TITLE_MAX:
        first = _SENTENCE_END.split(first, maxsplit=1)[0]
    return _trim(first)


def _trim(title: str) -> str:
    title = " ".join(title.split())
    if len(title) <= TITLE_MAX:
        return title
    cut = title[:TITLE_MAX].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–") + "…"
