"""Validate the model's citations against the passages it was given, score how well each cited
passage supports its sentence, repair or drop what does not hold, and build Citation objects
that point at the exact supporting span of the document."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rag.corpus import split_sentences
from rag.output import RawSentence
from rag.prompting import PlannedPassage
from rag.text import content_terms, fold, numbers
from rag.types import AnswerSentence, Citation

# (sentence, passages) -> cosine similarity of the sentence with each passage (cross-lingual).
Similarity = Callable[[str, Sequence[PlannedPassage]], list[float]]

_NUMBER_WORDS = {
    "twee": "2", "drie": "3", "vier": "4", "vijf": "5", "zes": "6", "zeven": "7", "acht": "8",
    "negen": "9", "tien": "10", "twaalf": "12", "twintig": "20", "dertig": "30", "honderd": "100",
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "twelve": "12", "twenty": "20", "thirty": "30", "hundred": "100",
    "duizend": "1000", "thousand": "1000",
}  # fmt: skip
_NUMBER_WORD_RX = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b")
# Cosine below LOW means unrelated, above HIGH clearly the same content (EmbeddingGemma scale).
SIM_LOW, SIM_HIGH = 0.35, 0.65


def _numbers(text: str) -> set[str]:
    return numbers(_NUMBER_WORD_RX.sub(lambda m: _NUMBER_WORDS[m.group(1)], fold(text)))


def lexical_support(sentence: str, passage: str, language: str) -> float:
    """Share of the sentence's content terms found in the passage (stemmed, both languages)."""
    said = content_terms(sentence, language)
    if not said:
        return 0.0
    have = content_terms(passage, "nl") | content_terms(passage, "en")
    return len(said & have) / len(said)


def unsupported_numbers(sentence: str, sources: str, question: str) -> set[str]:
    """Numbers in the sentence that neither the cited passages nor the question contain."""
    return _numbers(sentence) - _numbers(sources) - _numbers(question)


@dataclass(frozen=True)
class Checked:
    sentences: tuple[AnswerSentence, ...]
    citations: tuple[Citation, ...]
    dropped: tuple[str, ...]


def _scores(
    sentence: str, passages: Sequence[PlannedPassage], lang: str, sim: Similarity | None
) -> list[float]:
    lexical = [lexical_support(sentence, p.passage.text, lang) for p in passages]
    if sim is None or not passages:
        return lexical
    cosines = sim(sentence, passages)
    semantic = [min(1.0, max(0.0, (c - SIM_LOW) / (SIM_HIGH - SIM_LOW))) for c in cosines]
    return [max(a, b) for a, b in zip(lexical, semantic, strict=True)]


def _choose_sources(cited: list[int], scores: list[float], threshold: float) -> tuple[int, ...]:
    """Keep valid cited passages that support the sentence; else the best supporting passage."""
    valid = [n for n in dict.fromkeys(cited) if 1 <= n <= len(scores)]
    good = tuple(n for n in valid if scores[n - 1] >= threshold)
    if good:
        return good[:3]
    best = max(range(len(scores)), key=lambda i: scores[i], default=-1)
    return (best + 1,) if best >= 0 and scores[best] >= threshold else ()


def _quote_span(sentence: str, planned: PlannedPassage, lang: str) -> tuple[int, int]:
    """The sentence of the passage that best matches the answer sentence, in document offsets."""
    chunk = planned.chunk
    best, best_score = planned.spans[0], -1.0
    for start, end in planned.spans:
        text = chunk.text[start - chunk.start : end - chunk.start]
        for s, e in split_sentences(text, chunk.language) or [(0, len(text))]:
            score = lexical_support(sentence, text[s:e], lang)
            if score > best_score:
                best, best_score = (start + s, start + e), score
    return best


def check_sentences(
    raw: Sequence[RawSentence],
    passages: Sequence[PlannedPassage],
    *,
    question: str,
    language: str,
    threshold: float,
    similarity: Similarity | None = None,
) -> Checked:
    kept: list[AnswerSentence] = []
    dropped: list[str] = []
    cites: dict[int, Citation] = {}
    for item in raw:
        text = " ".join(item.text.split())
        if not text:
            continue
        scores = _scores(text, passages, language, similarity)
        sources = _choose_sources(item.sources, scores, threshold)
        cited_text = " ".join(passages[n - 1].passage.text for n in sources)
        if not sources or unsupported_numbers(text, cited_text, question):
            dropped.append(text)
            continue
        support = max(scores[n - 1] for n in sources)
        kept.append(AnswerSentence(text=text, sources=sources, support=round(support, 3)))
        for n in sources:
            if n not in cites or cites[n].support < scores[n - 1]:
                cites[n] = _citation(n, text, passages[n - 1], scores[n - 1], language)
    return Checked(tuple(kept), tuple(cites[n] for n in sorted(cites)), tuple(dropped))


def _citation(n: int, sentence: str, planned: PlannedPassage, support: float, lang: str) -> Citation:
    start, end = _quote_span(sentence, planned, lang)
    chunk = planned.chunk
    return Citation(
        n=n,
        chunk_id=chunk.id,
        doc_id=chunk.doc_id,
        title=chunk.doc_title,
        date=chunk.doc_date,
        start=start,
        end=end,
        quote=chunk.text[start - chunk.start : end - chunk.start],
        support=round(support, 3),
    )


def render_answer(sentences: Sequence[AnswerSentence]) -> str:
    return " ".join(f"{s.text} {''.join(f'[{n}]' for n in s.sources)}".rstrip() for s in sentences)
