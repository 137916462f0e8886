"""Aggregate item metrics into the summary figures, overall and per type / language / tag.

Conventions: key-fact recall, citation recall, hit@k and MRR are means over the answerable items;
citation precision is pooled over all citations of answerable items (share of citations, as the
issue defines it); refusal rate is over unanswerable items, false-refusal rate over answerable ones;
language match is over every answered item, refusals included. Failed items (the pipeline raised)
are counted in `n_failed` and left out of every figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from pydantic import BaseModel

from eval.metrics import ItemMetrics

HIT_KS = (1, 3, 5, 10)


class Summary(BaseModel):
    """The main figures of a group of items. None = no item in the group where it applies."""

    n: int
    n_failed: int = 0
    key_fact_recall: float | None = None
    citation_precision_strict: float | None = None
    citation_precision_lenient: float | None = None
    citation_recall: float | None = None
    all_sources_cited: float | None = None
    refusal_rate: float | None = None  # on unanswerable items: higher is better
    false_refusal_rate: float | None = None  # on answerable items: lower is better
    language_match: float | None = None
    hit_at_1: float | None = None
    hit_at_3: float | None = None
    hit_at_5: float | None = None
    hit_at_10: float | None = None
    mrr: float | None = None
    evidence_recall_at_1: float | None = None  # evidence sentences (see eval.retrieval_metrics)
    evidence_recall_at_3: float | None = None
    evidence_recall_at_8: float | None = None
    evidence_in_prompt: float | None = None  # gold evidence the model read (eval.metrics)
    prompt_tokens_p50: float | None = None
    first_token_p50_s: float | None = None  # the first checked sentence the user reads
    first_token_p95_s: float | None = None
    model_first_token_p50_s: float | None = None  # the model's first (unchecked, unshown) piece
    total_p50_s: float | None = None
    total_p95_s: float | None = None
    faithfulness_judged: float | None = None  # model-judged, only with --judge


def mean(values: Iterable[float | bool | None]) -> float | None:
    present = [float(v) for v in values if v is not None]
    return None if not present else sum(present) / len(present)


def percentile(values: Iterable[float | None], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100) of the values present; None if there are none."""
    present = [v for v in values if v is not None]
    return None if not present else float(np.percentile(present, q))


def _ratio(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else numerator / denominator


def _hit_rate(items: Sequence[ItemMetrics], k: int) -> float | None:
    return mean(m.hit_at.get(k) for m in items if m.answerable)


def summarize(metrics: Sequence[ItemMetrics | None]) -> Summary:
    """Summary of one group; `None` entries are failed items."""
    done = [m for m in metrics if m is not None]
    answerable = [m for m in done if m.answerable]
    unanswerable = [m for m in done if not m.answerable]
    n_cit = sum(m.citations.n for m in answerable)
    ttft = [m.first_token_s for m in done]
    total = [m.total_s for m in done]
    return Summary(
        n=len(metrics),
        n_failed=len(metrics) - len(done),
        key_fact_recall=mean(m.key_fact_recall for m in answerable),
        citation_precision_strict=_ratio(sum(m.citations.strict_ok for m in answerable), n_cit),
        citation_precision_lenient=_ratio(sum(m.citations.lenient_ok for m in answerable), n_cit),
        citation_recall=mean(m.citation_recall for m in answerable),
        all_sources_cited=mean(m.all_sources_cited for m in answerable),
        refusal_rate=mean(m.refused for m in unanswerable),
        false_refusal_rate=mean(m.refused for m in answerable),
        language_match=mean(m.language_ok for m in done),
        hit_at_1=_hit_rate(answerable, 1),
        hit_at_3=_hit_rate(answerable, 3),
        hit_at_5=_hit_rate(answerable, 5),
        hit_at_10=_hit_rate(answerable, 10),
        mrr=mean(m.reciprocal_rank for m in answerable),
        evidence_recall_at_1=mean(m.evidence_recall_at.get(1) for m in answerable),
        evidence_recall_at_3=mean(m.evidence_recall_at.get(3) for m in answerable),
        evidence_recall_at_8=mean(m.evidence_recall_at.get(8) for m in answerable),
        evidence_in_prompt=mean(m.evidence_in_prompt for m in answerable),
        prompt_tokens_p50=percentile((m.prompt_tokens or None for m in done), 50),
        first_token_p50_s=percentile(ttft, 50),
        first_token_p95_s=percentile(ttft, 95),
        model_first_token_p50_s=percentile((m.model_first_token_s for m in done), 50),
        total_p50_s=percentile(total, 50),
        total_p95_s=percentile(total, 95),
        faithfulness_judged=mean(m.faithfulness for m in done),
    )


def group_by(
    keyed: Sequence[tuple[Sequence[str], ItemMetrics | None]],
) -> dict[str, Summary]:
    """Summaries per key; an item with several keys (tags) counts in each of its groups."""
    groups: dict[str, list[ItemMetrics | None]] = {}
    for keys, metrics in keyed:
        for key in keys:
            groups.setdefault(key, []).append(metrics)
    return {key: summarize(groups[key]) for key in sorted(groups)}
