"""Weekdays and months in Dutch and English, as language-free keys ("weekday:5", "month:3").

They are facts an answer can get wrong the way it gets a number wrong ("on Tuesday" where the
source says "donderdag"), so the citation check treats them alike: a weekday or month in an
answer sentence must stand in its sources, in either language, or follow from a source's date.
"""

from __future__ import annotations

import re
from datetime import date as Date

MONTHS = (
    ("januari", "January"), ("februari", "February"), ("maart", "March"), ("april", "April"),
    ("mei", "May"), ("juni", "June"), ("juli", "July"), ("augustus", "August"),
    ("september", "September"), ("oktober", "October"), ("november", "November"), ("december", "December"),
)  # fmt: skip
WEEKDAYS = (
    ("maandag", "Monday"), ("dinsdag", "Tuesday"), ("woensdag", "Wednesday"), ("donderdag", "Thursday"),
    ("vrijdag", "Friday"), ("zaterdag", "Saturday"), ("zondag", "Sunday"),
)  # fmt: skip

_KEY = {name.lower(): f"weekday:{i}" for i, names in enumerate(WEEKDAYS) for name in names} | {
    name.lower(): f"month:{i}" for i, names in enumerate(MONTHS, start=1) for name in names
}
# Written short with a full stop ("14 okt. 2022", "Sept. 5").
_SHORT = {"jan": 1, "feb": 2, "aug": 8, "sep": 9, "sept": 9, "okt": 10, "oct": 10, "nov": 11, "dec": 12}

# Dutch names in any case, with a part of the day glued on ("zaterdagavond").
_DUTCH = re.compile(
    r"\b(" + "|".join(nl for nl, _ in (*WEEKDAYS, *MONTHS)) + r")(?:ochtend|middag|avond|nacht)?\b",
    re.IGNORECASE,
)
# English names only capitalised: 'may' and 'march' are also a verb, 'august' an adjective.
_ENGLISH = re.compile(r"\b(" + "|".join(en for _, en in (*WEEKDAYS, *MONTHS)) + r")s?\b")
_ABBREVIATED = re.compile(r"\b(" + "|".join(_SHORT) + r")\.", re.IGNORECASE)


def calendar_words(text: str) -> set[str]:
    """The weekdays and months named in `text`, as keys shared by both languages."""
    found = {_KEY[m.group(1).lower()] for m in _DUTCH.finditer(text)}
    found |= {_KEY[m.group(1).lower()] for m in _ENGLISH.finditer(text)}
    found |= {f"month:{_SHORT[m.group(1).lower()]}" for m in _ABBREVIATED.finditer(text)}
    return found


_YEAR = re.compile(r"\b(1[5-9]\d\d|2[01]\d\d)\b")
_NUMERIC_DATE = re.compile(r"\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b")
_MONTH_NAMES = "|".join(name for pair in MONTHS for name in pair)
_DAY_OF_MONTH = re.compile(
    rf"\b(\d{{1,2}})(?:e|ste|de|st|nd|rd|th)?\s+(?:{_MONTH_NAMES})\b|\b(?:{_MONTH_NAMES})\s+(\d{{1,2}})\b",
    re.IGNORECASE,
)


def date_facts(text: str) -> set[str]:
    """The dates a text gives, as keys: weekdays and months (either language, as calendar_words),
    years, days of a month, numeric dates. A count ("drie onderzeeërs") is none."""
    days = {f"day:{a or b}" for a, b in _DAY_OF_MONTH.findall(text)}
    years = {f"year:{y}" for y in _YEAR.findall(text)}
    return calendar_words(text) | years | days | set(_NUMERIC_DATE.findall(text))


def date_calendar(iso_date: str | None) -> set[str]:
    """The month and weekday of a document date ('2023-03-25' -> month 3, a Saturday); just the
    month when the day is not known, nothing when the date cannot be read."""
    parts = (iso_date or "").split("-")
    if len(parts) < 2 or not all(p.isdigit() for p in parts):
        return set()
    try:
        if len(parts) == 2:
            Date(int(parts[0]), int(parts[1]), 1)
            return {f"month:{int(parts[1])}"}
        day = Date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return set()
    return {f"month:{day.month}", f"weekday:{day.weekday()}"}
