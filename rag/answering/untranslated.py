"""Answers that keep words of the passages' language ("the theory of the veiligheidsdilemma").

A small model translating while it answers leaves source-language words in the sentence. They
are found word by word (a word of the passages, absent from the question, that the language
detector is sure belongs to the other language). A word the variant table pairs with one term
of the answer's language ('Wenen' / 'Vienna', 'veiligheidsdilemma' / 'security dilemma') is
replaced by that term: exact, and no model call. The sentence is sent back to the model with
the words left listed: fixing named words is a far easier task than translating.
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
# The detector's confidence (0-1) that a variant-table member is in the answer's language: from
# GLOSSARY_POSSIBLE it may be a term of that language, so a second such member makes the pairing
# ambiguous (België: 'Belgium' 0.36, 'Belgian' 0.47; zweden: 'Sweden' 0.30, 'Swedish' 0.95) and
# the model fixes the word. The one possible member is used when placed there at least
# GLOSSARY_PLACED surely, or GLOSSARY_MARGIN more surely than the word itself (the detector
# knows few names: 'Lukashenko' 0.44 against 'Loekasjenko' 0.00).
GLOSSARY_POSSIBLE, GLOSSARY_PLACED, GLOSSARY_MARGIN = 0.25, 0.5, 0.3
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


def glossary_term(word: str, language: str) -> str | None:
    """The one term of `language` that the variant table pairs with `word`; None when the table
    has no such single term."""
    group = _groups_by_member().get(fold(word))
    if group is None:
        return None
    # One spelling per folded form. The group's name is the table's folded key ('moskou',
    # 'januari'): its case says nothing, so it stands in only for a word in lower case. A hyphen
    # before a space marks a line-break spelling ("veilig- heidsdilemma").
    members = group[1:] if word[0].isupper() else (*group[1:], group[0])
    spelled: dict[str, str] = {}
    for member in members:
        if "- " not in member:
            spelled.setdefault(fold(member), member)
    others = [m for key, m in spelled.items() if key != fold(word)]
    possible = [(m, share) for m in others if (share := _placed_in(m, language)) >= GLOSSARY_POSSIBLE]
    if len(possible) != 1:
        return None
    term, share = possible[0]
    if share < GLOSSARY_PLACED and share < _placed_in(word, language) + GLOSSARY_MARGIN:
        return None
    return term


def _placed_in(term: str, language: str) -> float:
    """How surely the detector places `term` in `language` (0-1)."""
    detected, confidence = word_language(term)
    return confidence if detected == language else 1.0 - confidence


@functools.cache
def _groups_by_member() -> dict[str, tuple[str, ...]]:
    groups: dict[str, tuple[str, ...]] = {}
    for group in default_variants().groups:
        for member in group:
            groups.setdefault(fold(member), group)
    return groups


def from_glossary(text: str, words: Sequence[str], language: str) -> tuple[str, list[str]]:
    """`text` with each of `words` that glossary_term pairs with a term replaced by it, and the
    words left for the model."""
    left = []
    for word in words:
        term = glossary_term(word, language)
        if term is None:
            left.append(word)
        else:
            literal = term.replace("\\", r"\\")  # a backslash in re.sub's replacement is special
            text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", literal, text)
            if text.startswith(term):  # the sentence opened with the word
                text = term[0].upper() + text[1:]
    return text, left


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
    translated, and the side calls it took: the variant table's terms first, the model for the
    rest; a sentence whose model fix fails the checks keeps the table's terms only."""
    other = LANGUAGE_NAMES["en" if language == "nl" else "nl"]
    out, calls = [], []
    for sentence, words in zip(sentences, found, strict=True):
        text, left = from_glossary(sentence.text, words, language)
        if not left:
            out.append(sentence.model_copy(update={"text": text}))
            continue
        reply = ask(
            generator,
            "translate",
            FIX_PROMPT.format(language=LANGUAGE_NAMES[language], other=other),
            f"Sentence: {text}\n{other} words: {', '.join(left)}",
            max_tokens=32 + 2 * len(text.split()) * 2,
            language=language,
        )
        calls.append(reply.call)
        good = _fixed(text, reply.text, left, language, source_text, question)
        out.append(sentence.model_copy(update={"text": reply.text if good else text}))
    return out, tuple(calls)
