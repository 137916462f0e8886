"""Language identification with lingua.

Questions are classified among the languages we answer in only: short questions such as
"Wat zei Stoltenberg?" are otherwise easily taken for German.
"""

from __future__ import annotations

import functools
import re

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

SUPPORTED = ("nl", "en")
# The languages answers are written in: English name, and the name the prompt gives the model
# (the language's own name beside it helps a small model write Dutch).
LANGUAGE_NAMES = {"nl": "Dutch", "en": "English"}
PROMPT_NAMES = {"nl": "Dutch (Nederlands)", "en": "English"}
_ANSWERED = (Language.DUTCH, Language.ENGLISH)
_DOCUMENTS = (Language.DUTCH, Language.ENGLISH, Language.GERMAN, Language.FRENCH)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@functools.cache
def _detector(languages: tuple[Language, ...]) -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*languages).build()


def _detect(text: str, languages: tuple[Language, ...], default: str) -> str:
    if not _WORD.search(text):
        return default
    found = _detector(languages).detect_language_of(text)
    return default if found is None else found.iso_code_639_1.name.lower()


def detect_language(text: str, default: str = "nl") -> str:
    """ISO 639-1 code of a document or answer text; `default` when there are no words."""
    return _detect(text, _DOCUMENTS, default)


# Below this confidence a question is too short to tell, and `default` (the conversation's
# language) decides.
MIN_CONFIDENCE = 0.6


def _without_names(text: str) -> str:
    """Drop capitalised words after the first: names ('Stoltenberg', 'NAVO') carry no language
    but sway a detector on short questions ("Who is Stoltenberg?" reads as Dutch)."""
    words = text.split()
    kept = words[:1] + [w for w in words[1:] if not w[:1].isupper()]
    return " ".join(kept) if len(kept) > 1 else text


def answer_language(question: str, default: str = "nl") -> str:
    """The language to answer `question` in: Dutch or English."""
    text = _without_names(question)
    if len(_WORD.findall(text)) < 2:  # one word or a name: nothing to tell the language by
        return default
    values = _detector(_ANSWERED).compute_language_confidence_values(text)
    if not values or values[0].value < MIN_CONFIDENCE:
        return default
    return values[0].language.iso_code_639_1.name.lower()


@functools.cache
def word_language(word: str) -> tuple[str, float]:
    """(Dutch or English, the detector's confidence) for a single word."""
    values = _detector(_ANSWERED).compute_language_confidence_values(word)
    if not values:
        return "", 0.0
    return values[0].language.iso_code_639_1.name.lower(), values[0].value
