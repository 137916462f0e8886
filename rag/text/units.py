"""Numbers with their unit, in Dutch and English: '2.000 kiloton', '5 days', 'vijf dagen', '$ 40',
'12 procent', '1,5 miljard euro'.

A small model copies a number from its passages and puts another unit after it ("a yield of
2.000 kilotons" where the passage has 2.000 weapons). The number check passes (2.000 is in the
passage); what is wrong is what it counts. For measurement units, currencies and spans of time
the unit can be checked without understanding the sentence: the passages must have the same
number with the same unit (in either language). Counted nouns ('tanks', 'gevechtsvliegtuigen')
are not units here: they differ between the languages in ways a word list cannot cover.
"""

from __future__ import annotations

import re

from rag.text.normalise import fold, numbers
from rag.text.numerals import SCALE_WORDS, scaled_numbers, spelled_numbers, word_value

# Unit groups: every spelling of one unit, Dutch and English, singular and plural (folded).
_GROUPS: dict[str, tuple[str, ...]] = {
    "kiloton": ("kiloton", "kilotons", "kt"),
    "megaton": ("megaton", "megatons", "mt"),
    "kilometre": ("kilometer", "kilometers", "kilometre", "kilometres", "km"),
    "mile": ("mile", "miles", "mijl", "mijlen"),
    "kilogram": ("kilogram", "kilograms", "kilogrammes", "kg"),
    "percent": ("percent", "procent", "pct", "%", "percentage"),
    "euro": ("euro", "euros", "eur", "€"),
    "dollar": ("dollar", "dollars", "usd", "$"),
    "second": ("second", "seconds", "seconde", "seconden"),
    "minute": ("minute", "minutes", "minuut", "minuten"),
    "hour": ("hour", "hours", "uur", "uren"),
    "day": ("day", "days", "dag", "dagen"),
    "week": ("week", "weeks", "weken"),
    "month": ("month", "months", "maand", "maanden"),
    "year": ("year", "years", "jaar", "jaren"),
}
_UNIT_OF = {spelling: group for group, spellings in _GROUPS.items() for spelling in spellings}
_CURRENCY_SIGNS = {"$": "dollar", "€": "euro"}
_TOKEN = re.compile(r"[$€%]|\d+(?:[.,]\d+)*|[^\W\d_]+(?:-[^\W\d_]+)*")


def _number(token: str) -> str | None:
    """A token that is a number, as a digit string without separators; None otherwise."""
    if token[0].isdigit():
        return next(iter(numbers(token)))
    if token in ("een", "one"):  # mostly the article
        return None
    value = word_value(token)
    return str(value) if value is not None and token not in SCALE_WORDS else None


def numbers_with_units(text: str) -> set[tuple[str, str]]:
    """(number, unit group) for every number followed by a unit ('5 dagen', 'five days', '12%',
    '2.000 kiloton', '1,5 miljard euro') or preceded by a currency sign ('$ 40')."""
    tokens = _TOKEN.findall(fold(text))
    found: set[tuple[str, str]] = set()
    for i, token in enumerate(tokens):
        value = _number(token)
        if value is None:
            continue
        after = i + 1
        if after < len(tokens) and tokens[after] in SCALE_WORDS:  # '1,5 miljard euro': the scaled value
            scaled = scaled_numbers(f"{token} {tokens[after]}")
            value = next(iter(scaled), value)
            after += 1
        if after < len(tokens) and tokens[after] in _UNIT_OF:
            found.add((value, _UNIT_OF[tokens[after]]))
        if i > 0 and tokens[i - 1] in _CURRENCY_SIGNS:
            found.add((value, _CURRENCY_SIGNS[tokens[i - 1]]))
    return found


def mismatched_units(sentence: str, sources: str) -> set[tuple[str, str]]:
    """The sentence's (number, unit) pairs whose number the sources have, but never with that
    unit: the number was copied, its unit was not. A number the sources lack is the number
    check's business, not this one's."""
    said = numbers_with_units(sentence)
    if not said:
        return set()
    have = numbers_with_units(sources)
    source_numbers = spelled_numbers(sources) | {number for number, _ in have}
    copied = {(number, unit) for number, unit in said if number in source_numbers}
    return copied - have
