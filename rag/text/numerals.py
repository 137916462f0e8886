"""Numbers written in words, in Dutch and English, read as digit strings.

A number in an answer is checked against the numbers of its passages, and a how-many question
needs one in its answer: "vijfduizend militairen", "5000 soldiers" and "5.000" must all be the
same number. Dutch writes numerals as one word ("vijfentwintig", "tweehonderdvijftig",
"drieduizend"), English as several ("two hundred and fifty", "twenty-five"); both are read here.
"een"/"one" alone is left out: it is mostly the article ("een rapport", "one of them").
"""

from __future__ import annotations

import re

from rag.text.normalise import fold, numbers

_UNITS_NL = {
    "een": 1,
    "twee": 2,
    "drie": 3,
    "vier": 4,
    "vijf": 5,
    "zes": 6,
    "zeven": 7,
    "acht": 8,
    "negen": 9,
}
_TEENS_NL = {
    "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15, "zestien": 16,
    "zeventien": 17, "achttien": 18, "negentien": 19,
}  # fmt: skip
_TENS_NL = {
    "twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70,
    "tachtig": 80, "negentig": 90,
}  # fmt: skip
_UNITS_EN = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_TEENS_EN = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS_EN = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip
SCALE_WORDS = {"hundred": 100, "honderd": 100, "thousand": 1000, "duizend": 1000, "million": 10**6,
        "miljoen": 10**6, "billion": 10**9, "miljard": 10**9}  # fmt: skip
_SMALL = {**_UNITS_NL, **_TEENS_NL, **_TENS_NL, **_UNITS_EN, **_TEENS_EN, **_TENS_EN}
_JOINERS = {"and", "en"}  # "two hundred and fifty"; Dutch joins inside the word
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


def _below_100_nl(word: str) -> int | None:
    if word in _UNITS_NL or word in _TEENS_NL or word in _TENS_NL:
        return _SMALL[word]
    for unit, value in _UNITS_NL.items():  # "vijfentwintig": five-and-twenty
        if word.startswith(unit + "en") and word[len(unit) + 2 :] in _TENS_NL:
            return value + _TENS_NL[word[len(unit) + 2 :]]
    return None


def _compound_nl(word: str, scale: str = "duizend") -> int | None:
    """One Dutch numeral word below a million: 'drieduizendvijfhonderdtwintig' -> 3520."""
    if scale in word:
        head, _, tail = word.partition(scale)
        lower = "honderd" if scale == "duizend" else None
        many = 1 if not head else (_compound_nl(head, lower) if lower else _below_100_nl(head))
        rest = 0 if not tail else (_compound_nl(tail, lower) if lower else _below_100_nl(tail))
        if many is None or rest is None or (scale == "honderd" and many > 9):
            return None
        return many * (1000 if scale == "duizend" else 100) + rest
    if scale == "duizend":
        return _compound_nl(word, "honderd")
    return _below_100_nl(word)


def word_value(word: str) -> int | None:
    """The value of one word: a small number, a scale word, a Dutch compound, 'twenty-five'."""
    if word in _SMALL or word in SCALE_WORDS:
        return _SMALL.get(word, SCALE_WORDS.get(word))
    if "-" in word:  # "twenty-five"
        tens, _, unit = word.partition("-")
        if tens in _TENS_EN and unit in _UNITS_EN:
            return _TENS_EN[tens] + _UNITS_EN[unit]
        return None
    return _compound_nl(word)


def _combine(values: list[int]) -> int:
    """[2, 100, 50] -> 250; [5, 1000] -> 5000; [3, 1000000] -> 3000000."""
    total = current = 0
    for value in values:
        if value == 100:
            current = max(current, 1) * 100
        elif value >= 1000:
            total += max(current, 1) * value
            current = 0
        else:
            current += value
    return total + current


def word_numbers(text: str) -> set[str]:
    """Numbers written in words, as digit strings; a lone 'een'/'one' is not a number."""
    found: set[str] = set()
    run: list[int] = []
    words = _WORD.findall(fold(text))
    for i, word in enumerate([*words, ""]):
        value = word_value(word) if word else None
        # "and"/"en" continues a number only after a scale: "two hundred and fifty", not "five and six"
        joins = (
            word in _JOINERS
            and run
            and run[-1] >= 100
            and word_value(words[i + 1] if i + 1 < len(words) else "")
        )
        if value is not None and (value != 1 or run or word not in ("een", "one")):
            run.append(value)
        elif not joins:
            if run:
                found.add(str(_combine(run)))
            run = []
    return found


_SCALED = re.compile(r"\b(\d+)(?:[.,](\d+))?\s+(" + "|".join(SCALE_WORDS) + r")\b")


def scaled_numbers(text: str) -> set[str]:
    """Digits with a scale word: '5 miljoen' -> 5000000, '1,5 miljard' -> 1500000000."""
    found = set()
    for whole, fraction, scale in _SCALED.findall(fold(text)):
        value = (int(whole) + (int(fraction) / 10 ** len(fraction) if fraction else 0)) * SCALE_WORDS[scale]
        if value == int(value):
            found.add(str(int(value)))
    return found


def spelled_numbers(text: str) -> set[str]:
    """Numbers in digits or words ('vijf', 'twenty', 'vijfduizend', 'two hundred and fifty', '5
    miljoen'), as digit strings without separators."""
    return numbers(text) | word_numbers(text) | scaled_numbers(text)
