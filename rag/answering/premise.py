"""Names a question takes for granted that its sources never mention: a false premise such as
'How did Mark Rutte react...' when no retrieved document names him. An answer sentence that
repeats such a name is dropped, and the fallback to a source sentence is not offered.

A name counts as present when the documents the passages come from mention it anywhere, not
only the few sentences the model was shown ("the Militaire Spectator article" names its own
journal on its first page); when a passage's date spells it ("the March 2023 report"); and
when a document term spells it almost alike across languages ('Siberia' / 'Siberië').
A capitalised word before a number is a reference label ('Table 1', 'Article 5'), not a name.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence

from rag.answering.types import PlannedPassage
from rag.text import TextAnalyser, fold
from rag.text.dates import MONTHS
from rag.types import Document

# doc_id -> the analyser's terms of that whole document (empty when unknown)
DocumentTerms = Callable[[str], frozenset[str]]

_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*")
_LABEL_NUMBER = re.compile(r"\s+\d")
# Cross-language spellings of one name differ in their ending ('siberia' / 'siberie'): a
# shared stem of at least this many letters, with at most _ENDING letters after it on each side.
_STEM, _ENDING = 5, 2


def spelled_date(date: str | None) -> str:
    """'2022-10-14' -> '14 oktober October 2022': the passage label's date in the words an
    answer uses ("the article is from 14 October 2022"), in both languages."""
    parts = (date or "").split("-")
    if len(parts) < 2 or not all(p.isdigit() for p in parts) or not 1 <= int(parts[1]) <= 12:
        return date or ""
    months = " ".join(MONTHS[int(parts[1]) - 1])
    day = str(int(parts[2])) if len(parts) > 2 else ""
    return " ".join(x for x in (day, months, parts[0]) if x)


def mentions(sentence: str, name: str) -> bool:
    return fold(name) in fold(sentence)


def _name_parts(group: str) -> list[str]:
    """'NAVO-secretaris-generaal Mark Rutte' -> ['NAVO-secretaris-generaal', 'Mark Rutte']: a
    title compound is checked apart from the name it precedes; a name counts as present when
    any of its words is (so 'South Korea' meets 'Zuid-Korea')."""
    parts: list[str] = []
    run: list[str] = []
    for word in group.split():
        if re.search(r"-[a-z]", word):
            parts += [" ".join(run)] if run else []
            parts.append(word)
            run = []
        else:
            run.append(word)
    return parts + ([" ".join(run)] if run else [])


def question_names(question: str) -> list[str]:
    """The capitalised names of a question, reference labels ('Table 1') left out."""
    text = question.strip()
    names: list[str] = []
    for match in _NAME.finditer(text):
        if _LABEL_NUMBER.match(text, match.end()):
            continue
        names += _name_parts(match.group())
    return names


def _spelled_alike(term: str, known: set[str]) -> bool:
    if len(term) < _STEM:
        return False
    for other in known:
        shared = len(_common_prefix(term, other))
        if shared >= _STEM and len(term) - shared <= _ENDING and len(other) - shared <= _ENDING:
            return True
    return False


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def known_terms(
    passages: Sequence[PlannedPassage], analyser: TextAnalyser, document_terms: DocumentTerms | None
) -> set[str]:
    """Terms of the passages (their labels and spelled dates included) and of their documents."""
    have: set[str] = set()
    for p in passages:
        labelled = f"{p.labelled_text()} {spelled_date(p.passage.date)}"
        have |= analyser.terms(labelled, p.chunk.language)
    if document_terms is not None:
        for doc_id in dict.fromkeys(p.chunk.doc_id for p in passages):
            have |= document_terms(doc_id)
    return have


def premise_names(
    question: str,
    passages: Sequence[PlannedPassage],
    analyser: TextAnalyser,
    document_terms: DocumentTerms | None = None,
) -> list[str]:
    """Names of the question that neither the passages nor their documents mention."""
    have = known_terms(passages, analyser, document_terms)
    absent = []
    for name in question_names(question):
        said = analyser.terms(name, "nl") | analyser.terms(name, "en")
        if said and not said & have and not any(_spelled_alike(t, have) for t in said):
            absent.append(name)
    return absent


class DocumentTermIndex:
    """The analyser's terms of each whole document (title included), computed on first use."""

    def __init__(self, documents: Sequence[Document], analyser: TextAnalyser) -> None:
        self._documents = {d.id: d for d in documents}
        self._analyser = analyser
        self._terms: dict[str, frozenset[str]] = {}
        self._lock = threading.Lock()

    def __call__(self, doc_id: str) -> frozenset[str]:
        with self._lock:
            if doc_id in self._terms:
                return self._terms[doc_id]
        document = self._documents.get(doc_id)
        terms = (
            frozenset(self._analyser.terms(f"{document.title}\n{document.text}", document.language))
            if document is not None
            else frozenset()
        )
        with self._lock:
            self._terms[doc_id] = terms
        return terms
