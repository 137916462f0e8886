"""The source sentence behind an answer, quoted verbatim under it.

A small model often paraphrases loosely, drops the one word that matters, or cites a passage
next to the right one. The sentence of the passages that best answers the question, chosen by
the embedder (question vs. sentence) and by the question's terms, is shown as a quote: the
reader sees the exact words the answer rests on, and its citation points at exactly them.

Quotes are only added in the answer's language: a Dutch quote under an English answer would
mix languages (the Sources panel still shows the original passage).

The sentence that matches a question best often only restates it; the reason, or the second
half asked for, follows it ("Ondanks de dreigementen is de kans klein. Eerdere nederlagen leidden
niet tot ..."). So the quote runs on into the next sentence of the same paragraph when the
question asks why or asks two things, or when that sentence is itself close to the question.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from rag.answering.citations import span_citation
from rag.answering.injection import addresses_the_model
from rag.answering.types import PlannedPassage, Quote
from rag.corpus import split_sentences
from rag.text import TextAnalyser
from rag.text.questions import asks_more, asks_why, follows_on
from rag.types import AnswerSentence, Citation

# Cosine of a question (query prompt) with a passage sentence (document prompt). Below it the
# best sentence is only on the topic, and quoting it would not help.
QUOTE_MIN_COSINE = 0.55
TERM_WEIGHT = 0.3  # share of the question's terms in the sentence, added to the cosine
# A second quote, from another document, when it is almost as good (multi-document answers).
SECOND_QUOTE_MARGIN = 0.06
MIN_WORDS = 6  # shorter pieces are headings, captions or credits
# A quote that the answer already says in the same words adds nothing.
ALREADY_SAID = 0.8
_FOOTNOTE = re.compile(r"^\d+\s+\S|\bIbid\b")


# (sentences) -> their embeddings as rows (document prompt), (text) -> query embedding.
EmbedSentences = Callable[[list[str]], np.ndarray]
EmbedQuery = Callable[[str], np.ndarray]


def _quotable(text: str) -> bool:
    """A sentence, not a heading, caption, credit or footnote, nor an instruction planted for the
    model (a quote under an answer is its evidence; see injection.py)."""
    return len(text.split()) >= MIN_WORDS and not _FOOTNOTE.search(text) and not addresses_the_model(text)


def candidate_sentences(passages: Sequence[PlannedPassage]) -> list[Quote]:
    """Every sentence the model was shown, with its passage number and document offsets."""
    return [
        Quote(number, start, end, text, 0.0)
        for number, planned in enumerate(passages, start=1)
        for start, end, text in planned.sentences()
        if _quotable(text)
    ]


def choose_quotes(
    question: str,
    language: str,
    passages: Sequence[PlannedPassage],
    answer_text: str,
    *,
    embed_sentences: EmbedSentences,
    embed_query: EmbedQuery,
    analyser: TextAnalyser,
    any_language: bool = False,
) -> list[Quote]:
    """The best one or two source sentences for `question`; [] when none is close enough or the
    answer already says it. Only sentences in `language`, unless `any_language` (their quotes
    are then translated before they are shown)."""
    candidates = [
        q
        for q in candidate_sentences(passages)
        if any_language or passages[q.n - 1].chunk.language == language
    ]
    if not candidates:
        return []
    query = embed_query(question)
    cosines = embed_sentences([q.text for q in candidates]) @ query
    asked = analyser.terms(question, language)
    scored = []
    for quote, cosine in zip(candidates, cosines, strict=True):
        share = len(analyser.terms(quote.text, language) & asked) / len(asked) if asked else 0.0
        score = float(cosine) + TERM_WEIGHT * share
        scored.append((float(cosine), replace(quote, score=score, cosine=float(cosine))))
    scored.sort(key=lambda pair: -pair[1].score)
    best_cosine, best = scored[0]
    if best_cosine < QUOTE_MIN_COSINE:
        return []
    chosen = [best]
    doc = passages[best.n - 1].chunk.doc_id
    for cosine, quote in scored[1:]:
        if quote.score < best.score - SECOND_QUOTE_MARGIN:
            break
        if passages[quote.n - 1].chunk.doc_id != doc and cosine >= QUOTE_MIN_COSINE:
            chosen.append(quote)
            break
    said = analyser.terms(answer_text, language)

    def worth_adding(follower: Quote) -> bool:
        if not _new(follower.text, said, language, analyser):
            return False
        if asks_why(question) or asks_more(question) or follows_on(question):
            return True
        return float(embed_sentences([follower.text])[0] @ query) >= QUOTE_MIN_COSINE

    quotes = (_run_on(quote, passages, said, language, analyser, worth_adding) for quote in chosen)
    return [q for q in quotes if q is not None]


def _run_on(
    quote: Quote,
    passages: Sequence[PlannedPassage],
    said: set[str],
    language: str,
    analyser: TextAnalyser,
    worth_adding: Callable[[Quote], bool],
) -> Quote | None:
    """The quote, run on into its next sentence when that is worth adding; only that next
    sentence when the answer already says the quote; None when there is nothing new."""
    follower = next_sentence(passages[quote.n - 1], quote)
    if follower is not None and not worth_adding(follower):
        follower = None
    if not _new(quote.text, said, language, analyser):
        return follower
    return quote if follower is None else joined(passages[quote.n - 1], quote, follower)


def next_sentence(planned: PlannedPassage, quote: Quote) -> Quote | None:
    """The sentence right after `quote` in the same paragraph of its chunk (shown to the model
    or not), if it is a sentence worth quoting."""
    chunk = planned.chunk
    for start, end in split_sentences(chunk.text, chunk.language):
        begin = chunk.start + start
        if begin < quote.end:
            continue
        gap = chunk.text[quote.end - chunk.start : start]
        text = chunk.text[start:end]
        if gap.strip() or "\n" in gap or not _quotable(text):
            return None
        return Quote(quote.n, begin, chunk.start + end, text, quote.score, quote.cosine)
    return None


def joined(planned: PlannedPassage, first: Quote, second: Quote) -> Quote:
    """One quote from the start of `first` to the end of `second`, verbatim."""
    chunk = planned.chunk
    text = chunk.text[first.start - chunk.start : second.end - chunk.start]
    return replace(first, end=second.end, text=text)


def _new(text: str, said: set[str], language: str, analyser: TextAnalyser) -> bool:
    terms = analyser.terms(text, language)
    return bool(terms) and len(terms & said) / len(terms) < ALREADY_SAID


MACHINE_TRANSLATION = {"nl": "machinevertaling", "en": "machine translation"}


def quote_sentence(quote: Quote, language: str) -> AnswerSentence:
    """The quote as it is shown: verbatim, or its machine translation, labelled as one (the
    citation points at the original words, which the sources show beside it)."""
    mark = ("„", "”") if language == "nl" else ("“", "”")
    if quote.translation is not None:
        label = MACHINE_TRANSLATION.get(language, MACHINE_TRANSLATION["en"])
        text = f"{mark[0]}{quote.translation}{mark[1]} ({label})"
        return AnswerSentence(text=text, sources=(quote.n,), support=1.0, flag="translation")
    return AnswerSentence(
        text=f"{mark[0]}{quote.text}{mark[1]}", sources=(quote.n,), support=1.0, flag="quote"
    )


def with_quotes(
    sentences: Sequence[AnswerSentence],
    citations: Sequence[Citation],
    quotes: Sequence[Quote],
    passages: Sequence[PlannedPassage],
    language: str,
) -> tuple[tuple[AnswerSentence, ...], tuple[Citation, ...]]:
    """The answer's sentences followed by the quotes; a quoted passage that the answer did not
    cite gets its own citation, pointing at the quoted sentence."""
    cites = {c.n: c for c in citations}
    for quote in quotes:
        cites.setdefault(quote.n, span_citation(quote.n, passages[quote.n - 1], quote.start, quote.end, 1.0))
    quoted = tuple(quote_sentence(q, language) for q in quotes)
    return (*sentences, *quoted), tuple(cites[n] for n in sorted(cites))
