"""Honest refusals: the fixed texts, and the retrieval gate that refuses before generating."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.text import spelled_numbers
from rag.types import Hit

REFUSAL_TEXT = {
    "nl": "De documenten zeggen hier niets over.",
    "en": "The documents don't say.",
}


def refusal_text(language: str) -> str:
    return REFUSAL_TEXT.get(language, REFUSAL_TEXT["en"])


def best_dense_score(hits: Sequence[Hit]) -> float:
    """Cosine similarity of the closest passage (the fused score has no absolute meaning)."""
    scores = [h.dense_score for h in hits if h.dense_score is not None]
    return max(scores, default=0.0)


def retrieval_says_unanswerable(hits: Sequence[Hit], threshold: float) -> bool:
    """True when no passage is close enough to the question to be worth asking the model."""
    return not hits or best_dense_score(hits) < threshold


# Questions whose answer is a number. A small model asked "how much money did X pledge?" when the
# passages only say that X considers aid answers with a true sentence that has no number in it:
# grounded, but not an answer. Such an answer is turned into a refusal.
_ASKS_NUMBER = re.compile(
    r"\b(hoeveel|how many|how much|welk percentage|what percentage|what share|welk aantal)\b", re.IGNORECASE
)


def asks_for_number(question: str) -> bool:
    return bool(_ASKS_NUMBER.search(question))


def misses_asked_number(question: str, sentences: Sequence[str]) -> bool:
    """True when the question asks for a number and no sentence of the answer gives one, in
    digits or in words."""
    return asks_for_number(question) and not any(spelled_numbers(s) for s in sentences)
