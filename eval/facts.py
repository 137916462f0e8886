"""Key-fact matching: a faithful re-implementation of `contains_fact` in ../shared/eval/check_gold.py.

Both the answer and the fact are made loose (case, accents, curly quotes, whitespace, number words,
thousands separators, decimal comma) and the fact must be a substring of the answer. A fact that
starts or ends with a digit must not sit inside a longer number ("100" does not match "1000").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from pydantic import BaseModel

# "een"/"one" are left out on purpose: they are mostly articles/pronouns, not numbers.
NUMBER_WORDS: dict[str, str] = {
    "twee": "2", "drie": "3", "vier": "4", "vijf": "5", "zes": "6", "zeven": "7", "acht": "8",
    "negen": "9", "tien": "10", "elf": "11", "twaalf": "12", "twintig": "20", "dertig": "30",
    "honderd": "100", "duizend": "1000",
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "twenty": "20", "thirty": "30",
    "hundred": "100", "thousand": "1000",
}  # fmt: skip
_NUMBER_WORD_RX = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b")
_THOUSANDS_RX = re.compile(r"(?<=\d)[.,\u00a0 ](?=\d{3}(?!\d))")
_DECIMAL_COMMA_RX = re.compile(r"(?<=\d),(?=\d)")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def normalize_fact(text: str) -> str:
    """Loose form for key-fact matching: case, accents, number format and number words ignored."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = " ".join(text.translate(_QUOTES).split())
    text = _NUMBER_WORD_RX.sub(lambda m: NUMBER_WORDS[m.group(1)], text)
    text = _THOUSANDS_RX.sub("", text)  # 2.000 / 2,000 / 2 000 -> 2000
    return _DECIMAL_COMMA_RX.sub(".", text)  # 4,5 -> 4.5


def contains_fact(answer: str, fact: str) -> bool:
    """Substring match on the loose forms; a digit-edged fact must not sit inside a longer number."""
    loose_answer, loose_fact = normalize_fact(answer), normalize_fact(fact)
    if not loose_fact:
        return False
    left = r"(?<!\d)" if loose_fact[0].isdigit() else ""
    right = r"(?!\d)" if loose_fact[-1].isdigit() else ""
    return re.search(left + re.escape(loose_fact) + right, loose_answer) is not None


class FactMatch(BaseModel):
    """Which key facts an answer contains; `recall` is None when there are no facts to find."""

    found: list[str]
    missing: list[str]

    @property
    def recall(self) -> float | None:
        total = len(self.found) + len(self.missing)
        return None if total == 0 else len(self.found) / total


def match_facts(answer: str, facts: Sequence[str]) -> FactMatch:
    found = [fact for fact in facts if contains_fact(answer, fact)]
    return FactMatch(found=found, missing=[fact for fact in facts if fact not in found])


def key_fact_recall(answer: str, facts: Sequence[str]) -> float | None:
    """Share of `facts` contained in `answer` (None for an item without key facts)."""
    return match_facts(answer, facts).recall
