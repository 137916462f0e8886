"""Per-answer metrics against a gold item: pure functions over an `Answer` and gold evidence spans.

A cited passage *covers* a gold evidence span when both lie in the same document and their
character ranges (in the cleaned `Document.text`) overlap. The cited passage is the whole chunk
the citation points at (found among `answer.hits`), falling back to the citation's quoted span.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel

from eval.facts import match_facts
from eval.retrieval_metrics import SpanLike, covers
from rag.text.language import detect_language
from rag.types import Answer, Citation

DEFAULT_SUPPORT_THRESHOLD = 0.5
_MARKER_RX = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")


class CitationScores(BaseModel):
    """Counts behind citation precision. Strict: overlap with gold evidence only. Lenient: overlap
    OR the pipeline's support score for the cited sentence(s) reaches the threshold."""

    n: int = 0
    strict_ok: int = 0
    lenient_ok: int = 0

    @property
    def strict(self) -> float | None:
        return None if self.n == 0 else self.strict_ok / self.n

    @property
    def lenient(self) -> float | None:
        return None if self.n == 0 else self.lenient_ok / self.n


class ItemMetrics(BaseModel):
    """Everything measured on one answered gold item. None = not applicable to this item."""

    answerable: bool
    refused: bool
    refusal_ok: bool  # refused exactly when the item is unanswerable
    key_facts_found: list[str] = []
    key_facts_missing: list[str] = []
    key_fact_recall: float | None = None
    citations: CitationScores = CitationScores()
    citation_recall: float | None = None  # share of gold evidence spans covered by a cited passage
    all_sources_cited: bool | None = None  # items whose evidence spans two or more documents
    language_detected: str
    language_ok: bool
    # The first checked sentence the user reads (or the whole answer when none was streamed).
    first_token_s: float | None = None
    model_first_token_s: float | None = None  # the model's first piece, not shown (unchecked)
    total_s: float = 0.0
    # Retrieval, from answer.hits (filled by eval.run with eval.retrieval_metrics).
    hit_at: dict[int, bool] = {}
    reciprocal_rank: float | None = None
    # Evidence sentences (filled by eval.run when the assistant ranks them): the share of gold
    # evidence spans that one of the top-k ranked sentences overlaps.
    evidence_recall_at: dict[int, float] = {}
    # The share of gold evidence spans that a sentence the model read in its prompt overlaps
    # (None for unanswerable items, and for answers recorded before prompts were recorded).
    evidence_in_prompt: float | None = None
    prompt_tokens: int | None = None  # of the answer call (0: no prompt, e.g. a gated refusal)
    # Model-judged (optional): share of sentences the local model says their citation supports.
    faithfulness: float | None = None


def overlaps(a: SpanLike, b: SpanLike) -> bool:
    """Same document and overlapping character ranges (the `covers` rule of retrieval_metrics)."""
    return covers(a, b)


def evidence_in_prompt(answer: Answer, spans: Sequence[SpanLike]) -> float | None:
    """Share of gold evidence spans that a sentence of the model's prompt overlaps: what the
    model could have read. None without spans, or when the answer records no prompt but was
    generated (a report from before prompts were recorded); a refusal before any prompt is 0."""
    if not spans:
        return None
    if not answer.shown_spans and answer.prompt_tokens:
        return None
    return sum(any(overlaps(shown, span) for shown in answer.shown_spans) for span in spans) / len(spans)


def cited_passage(answer: Answer, citation: Citation) -> SpanLike:
    """The chunk a citation points at (from the answer's hits), else the quoted span itself."""
    for hit in answer.hits:
        if hit.chunk.id == citation.chunk_id:
            return hit.chunk
    return citation


def citation_scores(
    answer: Answer, spans: Sequence[SpanLike], support_threshold: float = DEFAULT_SUPPORT_THRESHOLD
) -> CitationScores:
    strict_ok = lenient_ok = 0
    for citation in answer.citations:
        passage = cited_passage(answer, citation)
        covered = any(overlaps(passage, span) for span in spans)
        strict_ok += covered
        lenient_ok += covered or citation.support >= support_threshold
    return CitationScores(n=len(answer.citations), strict_ok=strict_ok, lenient_ok=lenient_ok)


def citation_recall(answer: Answer, spans: Sequence[SpanLike]) -> float | None:
    """Share of gold evidence spans overlapped by at least one cited passage (None: no spans)."""
    if not spans:
        return None
    passages = [cited_passage(answer, c) for c in answer.citations]
    covered = sum(any(overlaps(p, span) for p in passages) for span in spans)
    return covered / len(spans)


def all_sources_cited(answer: Answer, spans: Sequence[SpanLike]) -> bool | None:
    """For evidence from two or more documents: is every one of them cited? None otherwise."""
    gold_docs = {span.doc_id for span in spans}
    if len(gold_docs) < 2:
        return None
    return gold_docs <= {c.doc_id for c in answer.citations}


def strip_markers(text: str) -> str:
    """Answer text without the inline [n] markers, for language identification."""
    return " ".join(_MARKER_RX.sub(" ", text).split())


def language_match(text: str, language: str) -> tuple[str, bool]:
    """(detected language of the answer text, whether it equals the required language)."""
    detected = detect_language(strip_markers(text), default=language)
    return detected, detected == language


def score_answer(
    answer: Answer,
    *,
    key_facts: Sequence[str],
    language: str,
    answerable: bool,
    spans: Sequence[SpanLike],
    support_threshold: float = DEFAULT_SUPPORT_THRESHOLD,
) -> ItemMetrics:
    """Score one answer against its gold item (key facts, evidence spans, language, refusal)."""
    facts = match_facts(answer.text, key_facts)
    detected, language_ok = language_match(answer.text, language)
    return ItemMetrics(
        answerable=answerable,
        refused=answer.refused,
        refusal_ok=answer.refused != answerable,
        key_facts_found=facts.found,
        key_facts_missing=facts.missing,
        key_fact_recall=facts.recall if answerable else None,
        citations=citation_scores(answer, spans, support_threshold) if answerable else CitationScores(),
        citation_recall=citation_recall(answer, spans) if answerable else None,
        evidence_in_prompt=evidence_in_prompt(answer, spans) if answerable else None,
        all_sources_cited=all_sources_cited(answer, spans) if answerable else None,
        language_detected=detected,
        language_ok=language_ok,
        first_token_s=answer.timings.first_token_s,
        model_first_token_s=answer.timings.model_first_token_s,
        total_s=answer.timings.total_s,
    )
