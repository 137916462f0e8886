"""Retrieval metrics against gold evidence spans: pure functions, no I/O.

A retrieved chunk *covers* a gold span when both lie in the same document and their character
ranges in the cleaned text overlap. hit@k: some top-k chunk covers some gold span. Reciprocal rank:
1 / rank of the first covering chunk (0 when none is retrieved). "All sources covered@k": every
document the evidence comes from has a covering chunk in the top k (multi-doc questions).
Unanswerable items have no spans and are left out of every aggregate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from pydantic import BaseModel, ConfigDict

HIT_KS = (1, 3, 5, 10)


class SpanLike(Protocol):
    """Anything with a document id and a character range: Chunk, Citation, EvidenceSpan."""

    @property
    def doc_id(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


def covers(chunk: SpanLike, span: SpanLike) -> bool:
    return chunk.doc_id == span.doc_id and chunk.start < span.end and span.start < chunk.end


def first_covering_rank(ranked: Sequence[SpanLike], spans: Sequence[SpanLike]) -> int | None:
    """1-based rank of the first chunk covering any span; None if no chunk does."""
    for rank, chunk in enumerate(ranked, 1):
        if any(covers(chunk, span) for span in spans):
            return rank
    return None


def hit_at(
    ranked: Sequence[SpanLike], spans: Sequence[SpanLike], ks: Iterable[int] = HIT_KS
) -> dict[int, bool]:
    rank = first_covering_rank(ranked, spans)
    return {k: rank is not None and rank <= k for k in ks}


def reciprocal_rank(ranked: Sequence[SpanLike], spans: Sequence[SpanLike]) -> float:
    rank = first_covering_rank(ranked, spans)
    return 0.0 if rank is None else 1.0 / rank


EVIDENCE_KS = (1, 3, 5, 8)


def evidence_recall_at(
    ranked: Sequence[SpanLike], spans: Sequence[SpanLike], ks: Iterable[int] = EVIDENCE_KS
) -> dict[int, float]:
    """Per k, the share of gold spans that one of the top-k ranked sentences overlaps."""
    return {k: sum(any(covers(s, span) for s in ranked[:k]) for span in spans) / len(spans) for k in ks}


def all_sources_covered(ranked: Sequence[SpanLike], spans: Sequence[SpanLike], k: int) -> bool:
    """Every document among the spans has a covering chunk in the top k."""
    top = ranked[:k]
    return all(
        any(covers(c, s) for c in top for s in spans if s.doc_id == doc) for doc in {s.doc_id for s in spans}
    )


class ItemRetrieval(BaseModel):
    """Retrieval of one answerable gold item under one mode."""

    model_config = ConfigDict(frozen=True)

    item_id: str
    mode: str
    language: str
    type: str
    tags: tuple[str, ...] = ()
    hit_at: dict[int, bool]
    reciprocal_rank: float
    all_sources_at: dict[int, bool]
    multi_source: bool  # the evidence comes from two or more documents


def score_item(
    ranked: Sequence[SpanLike],
    spans: Sequence[SpanLike],
    *,
    item_id: str,
    mode: str,
    language: str,
    type: str,
    tags: Iterable[str] = (),
    ks: Iterable[int] = HIT_KS,
) -> ItemRetrieval:
    ks = tuple(ks)
    return ItemRetrieval(
        item_id=item_id,
        mode=mode,
        language=language,
        type=type,
        tags=tuple(tags),
        hit_at=hit_at(ranked, spans, ks),
        reciprocal_rank=reciprocal_rank(ranked, spans),
        all_sources_at={k: all_sources_covered(ranked, spans, k) for k in ks},
        multi_source=len({s.doc_id for s in spans}) > 1,
    )


class RetrievalSummary(BaseModel):
    """Means over a group of items; all_sources_at is over the multi-source items only (None if none)."""

    model_config = ConfigDict(frozen=True)

    n: int
    hit_at: dict[int, float]
    mrr: float
    n_multi_source: int
    all_sources_at: dict[int, float] | None


def summarise(items: Sequence[ItemRetrieval]) -> RetrievalSummary:
    if not items:
        raise ValueError("cannot summarise zero items")
    ks = sorted(items[0].hit_at)
    multi = [i for i in items if i.multi_source]
    return RetrievalSummary(
        n=len(items),
        hit_at={k: _mean(i.hit_at[k] for i in items) for k in ks},
        mrr=_mean(i.reciprocal_rank for i in items),
        n_multi_source=len(multi),
        all_sources_at={k: _mean(i.all_sources_at[k] for i in multi) for k in ks} if multi else None,
    )


def group_by(
    items: Iterable[ItemRetrieval], key: Callable[[ItemRetrieval], Iterable[str]]
) -> dict[str, list[ItemRetrieval]]:
    """Items grouped by every value `key` gives (an item with two tags lands in both groups)."""
    groups: dict[str, list[ItemRetrieval]] = defaultdict(list)
    for item in items:
        for value in key(item):
            groups[value].append(item)
    return dict(sorted(groups.items()))


def aggregate(items: Sequence[ItemRetrieval]) -> dict[str, dict[str, RetrievalSummary]]:
    """Summaries per mode for: all items, per language, per type and per tag.

    Returns {breakdown label: {mode: summary}}, labels like 'all', 'language=en', 'type=factoid',
    'tag=cross-lingual'."""
    out: dict[str, dict[str, RetrievalSummary]] = {}
    keys: list[tuple[str, Callable[[ItemRetrieval], Iterable[str]]]] = [
        ("all", lambda i: ["all"]),
        ("language", lambda i: [f"language={i.language}"]),
        ("type", lambda i: [f"type={i.type}"]),
        ("tag", lambda i: [f"tag={t}" for t in i.tags]),
    ]
    for _, key in keys:
        for label, group in group_by(items, key).items():
            out[label] = {mode: summarise(g) for mode, g in group_by(group, lambda i: [i.mode]).items()}
    return out


def _mean(values: Iterable[float | bool]) -> float:
    values = [float(v) for v in values]
    return sum(values) / len(values) if values else 0.0
