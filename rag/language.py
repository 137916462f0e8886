"""Language identification with lingua.

Questions are classified among the languages we answer in only: short questions such as
"Wat zei Stoltenberg?" are otherwise easily taken for German.
"""

from __future__ import annotations

import functools
import re

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

SUPPORTED = ("nl", "en")
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


def answer_language(question: str, default: str = "nl") -> str:
    """The language to answer `question` in: Dutch or English."""
    return _detect(question, _ANSWERED, default)
