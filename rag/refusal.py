"""Honest refusals: the fixed texts, and the retrieval gate that refuses before generating."""

from __future__ import annotations

from collections.abc import Sequence

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
