from __future__ import annotations

from typing import NamedTuple

import pytest

from eval.retrieval_metrics import (
    ItemRetrieval,
    aggregate,
    all_sources_covered,
    covers,
    first_covering_rank,
    hit_at,
    reciprocal_rank,
    score_item,
    summarise,
)


class Span(NamedTuple):
    doc_id: str
    start: int
    end: int


GOLD = [Span("a", 100, 150)]


@pytest.mark.parametrize(
    ("chunk", "expected"),
    [
        (Span("a", 0, 100), False),  # ends exactly where the quote starts
        (Span("a", 0, 101), True),
        (Span("a", 120, 130), True),  # inside the quote
        (Span("a", 149, 300), True),
        (Span("a", 150, 300), False),
        (Span("b", 100, 150), False),  # same offsets, other document
    ],
)
def test_covers_means_same_document_and_overlap(chunk: Span, expected: bool) -> None:
    assert covers(chunk, GOLD[0]) is expected


def test_hit_at_and_reciprocal_rank_use_the_first_covering_chunk() -> None:
    ranked = [Span("b", 0, 50), Span("a", 0, 10), Span("a", 90, 110), Span("a", 120, 200)]
    assert first_covering_rank(ranked, GOLD) == 3
    assert hit_at(ranked, GOLD) == {1: False, 3: True, 5: True, 10: True}
    assert reciprocal_rank(ranked, GOLD) == pytest.approx(1 / 3)


def test_nothing_covering_scores_zero() -> None:
    ranked = [Span("b", 0, 500)]
    assert first_covering_rank(ranked, GOLD) is None
    assert reciprocal_rank(ranked, GOLD) == 0.0
    assert not any(hit_at(ranked, GOLD).values())


def test_any_of_several_quotes_counts_but_all_sources_needs_each_document() -> None:
    spans = [Span("a", 100, 150), Span("b", 10, 20)]
    ranked = [Span("b", 0, 50), Span("c", 0, 10), Span("a", 140, 400)]
    assert hit_at(ranked, spans)[1]
    assert not all_sources_covered(ranked, spans, 1)
    assert all_sources_covered(ranked, spans, 3)


def _item(item_id: str, mode: str, language: str, rank: int | None, multi: bool = False) -> ItemRetrieval:
    spans = [Span("a", 100, 150)] + ([Span("b", 0, 10)] if multi else [])
    ranked = [Span("z", 0, 1)] * 10
    if rank is not None:
        ranked[rank - 1] = Span("a", 100, 101)
    return score_item(
        ranked, spans, item_id=item_id, mode=mode, language=language, type="factoid", tags=["t"]
    )


def test_summaries_average_per_mode_language_and_tag() -> None:
    items = [
        _item("1", "hybrid", "nl", 1),
        _item("2", "hybrid", "en", 4),
        _item("1", "dense", "nl", None),
        _item("2", "dense", "en", 2, multi=True),
    ]
    table = aggregate(items)
    hybrid = table["all"]["hybrid"]
    assert hybrid.n == 2
    assert hybrid.hit_at == {1: 0.5, 3: 0.5, 5: 1.0, 10: 1.0}
    assert hybrid.mrr == pytest.approx((1 + 1 / 4) / 2)
    assert hybrid.all_sources_at is None
    dense = table["all"]["dense"]
    assert dense.mrr == pytest.approx(0.25) and dense.n_multi_source == 1
    assert dense.all_sources_at == {1: 0.0, 3: 0.0, 5: 0.0, 10: 0.0}  # "b" never retrieved
    assert table["language=en"]["hybrid"].hit_at[1] == 0.0
    assert table["language=nl"]["hybrid"].hit_at[1] == 1.0
    assert table["type=factoid"]["dense"].n == 2 and table["tag=t"]["hybrid"].n == 2


def test_summarise_refuses_an_empty_group() -> None:
    with pytest.raises(ValueError, match="zero items"):
        summarise([])
