"""Answers that keep words of the passages' language ("the theory of the veiligheidsdilemma").

A small model translating while it answers leaves source-language words in the sentence. They
are found word by word (a word of the passages, absent from the question, that the language
detector is sure belongs to the other language) and the sentence is sent back to the model
with exactly those words listed: fixing named words is a far easier task than translating.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from rag.answering.side import ask
from rag.answering.types import RawSentence
from rag.generators.base import Generator
from rag.text import default_variants, fold, numbers
from rag.text.language import LANGUAGE_NAMES, word_language
from rag.types import SideCall

FIX_PROMPT = (
    "You fix {language} sentences that still contain {other} words. Replace each listed {other} "
    "word with its {language} translation, keep the rest of the sentence unchanged, and reply "
    "with the corrected sentence only."
)
MIN_CONFIDENCE = 0.9  # single words are hard to place: only the detector's sure cases count
MIN_LETTERS = 4
# Similarity (difflib ratio) above which a name in a fix is the original's, spelled otherwise:
# 'belarussian'/'belarusian' 0.95, 'balistic'/'ballistic' 0.94, 'herz'/'hertz' 0.89; another
# name is far below ('rutte'/'putin' 0.4).
SAME_NAME_RATIO = 0.85
MIN_NAME_CONFIDENCE = 0.75  # names are placed less surely than words ('Poetin' 0.76)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def foreign_words(sentence: str, language: str, source_text: str, question: str) -> list[str]:
    """Lower-case words of `sentence` copied from `source_text` (another language) that the
    detector places in that other language; names and words of the question are left alone."""
    if language not in LANGUAGE_NAMES:
        return []
    source, asked = _vocabulary(source_text), _vocabulary(question)
    found: list[str] = []
    for word in _WORD.findall(sentence):
        key = fold(word)
        if len(word) < MIN_LETTERS or key in asked or key not in source or word in found:
            continue
        detected, confidence = word_language(word)
        if detected == language:
            continue
        if word[0].islower() and confidence >= MIN_CONFIDENCE:
            found.append(word)
        elif word[0].isupper() and confidence >= MIN_NAME_CONFIDENCE and key in _translated_names():
            found.append(word)  # 'Oekraïne', 'NAVO': a name with its own form in the other language
    return found


@functools.lru_cache(maxsize=8)
def _vocabulary(text: str) -> frozenset[str]:
    """Folded words of a text; the passages' text is looked up once per sentence and fix."""
    return frozenset(fold(w) for w in _WORD.findall(text))


@functools.cache
def _translated_names() -> frozenset[str]:
    return default_variants().translated_names()


def _names(sentence: str) -> set[str]:
    """Capitalised words after the first, except names with a form in the other language
    ('Oekraïne'): they must survive a fix unchanged."""
    return {fold(w) for w in _WORD.findall(sentence)[1:] if w[0].isupper()} - _translated_names()


def _kept(name: str, words: set[str]) -> bool:
    """The name is among `words`, or spelled almost alike: a fix that corrects a name's spelling
    ('Belarussian' -> 'Belarusian', 'Balistic' -> 'Ballistic') keeps it; another name does not."""
    return name in words or any(SequenceMatcher(None, name, w).ratio() >= SAME_NAME_RATIO for w in words)


def _fixed(
    original: str, reply: str, words: Sequence[str], language: str, source_text: str, question: str
) -> bool:
    """A usable fix: one line, about as long, same numbers, fewer foreign words."""
    if not reply or "\n" in reply.strip() or not 0.6 <= len(reply) / max(1, len(original)) <= 1.6:
        return False
    if numbers(reply) != numbers(original):
        return False
    kept = {fold(w) for w in _WORD.findall(reply)}
    if not all(_kept(name, kept) for name in _names(original) - {fold(w) for w in words}):
        return False  # a name was dropped or changed on the way
    return len(foreign_words(reply, language, source_text, question)) < len(words)


def fix_untranslated(
    sentences: Sequence[RawSentence],
    found: Sequence[Sequence[str]],
    language: str,
    source_text: str,
    question: str,
    generator: Generator,
) -> tuple[list[RawSentence], tuple[SideCall, ...]]:
    """`sentences` with the leftover source-language words `found` in each (by foreign_words)
    translated, and the side calls it took; a sentence whose fix fails the checks is kept as it was."""
    other = LANGUAGE_NAMES["en" if language == "nl" else "nl"]
    out, calls = [], []
    for sentence, words in zip(sentences, found, strict=True):
        if not words:
            out.append(sentence)
            continue
        reply = ask(
            generator,
            "translate",
            FIX_PROMPT.format(language=LANGUAGE_NAMES[language], other=other),
            f"Sentence: {sentence.text}\n{other} words: {', '.join(words)}",
            max_tokens=32 + 2 * len(sentence.text.split()) * 2,
            language=language,
        )
        calls.append(reply.call)
        good = _fixed(sentence.text, reply.text, words, language, source_text, question)
        out.append(sentence.model_copy(update={"text": reply.text}) if good else sentence)
    return out, tuple(calls)
