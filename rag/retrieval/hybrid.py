"""Retriever: dense + lexical legs, reciprocal rank fusion, dedup, filters and a recency option.

Each leg returns `settings.retrieve_k` candidates; fusion scores a chunk by
sum(weight_leg / (rrf_k + rank_leg)). Overlapping chunks of one document (the chunker's overlap)
are collapsed onto the better one unless the worse one adds mostly new text. Filters (document ids,
date range) are applied inside the legs, so a filtered search still returns up to k hits.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import date
from typing import TYPE_CHECKING, Literal, NamedTuple

from rag.config import Settings
from rag.embedders.base import Embedder
from rag.errors import ConfigError, IndexCorruptError, QuestionError
from rag.index.base import VectorIndex
from rag.index.lexical import LexicalIndex
from rag.retrieval.question import check_question
from rag.text import fold
from rag.text.language import answer_language
from rag.types import Chunk, Document, Hit

if TYPE_CHECKING:
    from rag.index.store import CorpusIndex

Mode = Literal["hybrid", "dense", "lexical"]
MODES: tuple[Mode, ...] = ("hybrid", "dense", "lexical")
DateLike = str | date

# Used for "latest"-style questions when settings.recency_weight is 0 (the default).
AUTO_RECENCY_WEIGHT = 0.5
# A lower-ranked chunk overlapping a kept one by at least this share of its own length is dropped.
DUPLICATE_OVERLAP = 0.5
# Extra dense candidates asked for, so that ties at the cut are broken by position, not by FAISS.
TIE_MARGIN = 8
_LATEST = re.compile(
    r"\b(latest|most recent|newest|recent(ly)?|laatste|meest recente|recentste|nieuwste|onlangs)\b"
)
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class LegResult(NamedTuple):
    position: int
    rank: int  # 1-based within the leg
    score: float


class Retriever:
    def __init__(
        self,
        documents: Sequence[Document],
        chunks: Sequence[Chunk],
        vectors: VectorIndex,
        embedder: Embedder,
        settings: Settings,
        lexical: LexicalIndex | None = None,
    ) -> None:
        if len(vectors) != len(chunks):
            raise IndexCorruptError(
                f"the vector index holds {len(vectors)} vectors for {len(chunks)} chunks; "
                "run 'rag ingest --rebuild'"
            )
        self.documents = {d.id: d for d in documents}
        self.chunks = list(chunks)
        self.vectors = vectors
        self.embedder = embedder
        self.settings = settings
        if lexical is None:
            lexical = LexicalIndex()
            lexical.build(self.chunks)
        self.lexical = lexical
        self._recency = _recency_by_doc(self.chunks)

    @classmethod
    def from_index(cls, index: CorpusIndex, embedder: Embedder, settings: Settings) -> Retriever:
        return cls(index.documents, index.chunks, index.vectors, embedder, settings, lexical=index.lexical)

    def search(
        self,
        query: str,
        *,
        k: int | None = None,
        mode: Mode = "hybrid",
        doc_ids: Collection[str] | None = None,
        date_from: DateLike | None = None,
        date_to: DateLike | None = None,
        recency: bool | None = None,
        context_query: str | None = None,
    ) -> list[Hit]:
        """Best chunks for `query`, ranked 1..k. `recency=None` turns the boost on for
        'latest'-style questions only; True/False force it on/off.

        `context_query` is another wording of the same question (a follow-up with the turn
        before it). Both are ranked, and the two rankings are fused the way the legs are, with
        equal weight: a rewrite that lost what the follow-up refers to then does not lose its
        passages too (own gold, follow-ups: gold evidence in the top 5 .69 -> .87)."""
        query = self._check(query, mode)
        allowed = self._allowed(doc_ids, date_from, date_to)
        wanted = k if k is not None else self.settings.top_k
        order, fused, legs = self._ranked(query, mode, allowed, recency, wanted)
        context = (context_query or "").strip()
        if context and context != query:
            other, _, other_legs = self._ranked(self._check(context, mode), mode, allowed, recency, wanted)
            rrf = self.settings.rrf_k
            both: dict[int, float] = {}
            for ranking in (order, other):
                for rank, pos in enumerate(ranking, 1):
                    both[pos] = both.get(pos, 0.0) + 1.0 / (rrf + rank)
            order = sorted(both, key=lambda p: (-both[p], p))
            fused = both
            # A hit's leg details (what the refusal gate reads) come from the wording that found
            # it closest: a chunk only the conversation's wording finds is judged by that wording.
            legs = {leg: _closest(results, other_legs.get(leg, [])) for leg, results in legs.items()}
        kept = self._dedup(order, wanted)
        return [self._hit(pos, rank, fused[pos], legs) for rank, pos in enumerate(kept, 1)]

    def _ranked(
        self, query: str, mode: Mode, allowed: set[int] | None, recency: bool | None, wanted: int
    ) -> tuple[list[int], dict[int, float], dict[str, list[LegResult]]]:
        """Chunk positions best first (before dedup), their fused scores, and the legs."""
        legs: dict[str, list[LegResult]] = {}
        if mode in ("hybrid", "dense"):
            legs["dense"] = self.dense_leg(query, allowed)
        if mode in ("hybrid", "lexical"):
            legs["lexical"] = self.lexical_leg(query, allowed)
        fused = self._fuse(legs)
        weight = self._recency_weight(query, recency)
        if weight > 0:
            top = max(self.settings.dense_weight, self.settings.lexical_weight) / (self.settings.rrf_k + 1)
            for pos in fused:
                fused[pos] += weight * top * self._recency.get(self.chunks[pos].doc_id, 0.0)
        order = sorted(fused, key=lambda p: (-fused[p], p))
        return keep_leg_winners(order, legs, min(wanted, self.settings.top_k)), fused, legs

    def dense_leg(self, query: str, allowed: set[int] | None) -> list[LegResult]:
        if len(self.vectors) == 0:
            return []
        want = self.settings.retrieve_k
        # A few more than wanted, and equal scores in position order (as in the lexical leg):
        # FAISS orders ties by its heap, so without this one index and its shards
        # (rag/index/sharded_vectors.py) could rank two equal chunks differently.
        ask = len(self.vectors) if allowed is not None else want + TIE_MARGIN
        scores, positions = self.vectors.search(self.embedder.embed_query(query), ask)
        found = sorted(
            (
                (int(p), float(s))
                for s, p in zip(scores, positions, strict=True)
                if p >= 0 and (allowed is None or int(p) in allowed)
            ),
            key=lambda found: (-found[1], found[0]),
        )
        return [LegResult(p, r, s) for r, (p, s) in enumerate(found[:want], 1)]

    def lexical_leg(self, query: str, allowed: set[int] | None) -> list[LegResult]:
        found = self.lexical.search(query, self.settings.retrieve_k, answer_language(query), allowed)
        return [LegResult(p, r, s) for r, (p, s) in enumerate(found, 1)]

    def _check(self, query: str, mode: str) -> str:
        if mode not in MODES:
            raise ConfigError(f"unknown retrieval mode {mode!r}; use one of {', '.join(MODES)}")
        return check_question(query, self.settings.max_question_chars)

    def _allowed(
        self, doc_ids: Collection[str] | None, date_from: DateLike | None, date_to: DateLike | None
    ) -> set[int] | None:
        if doc_ids is None and date_from is None and date_to is None:
            return None
        if doc_ids is not None:
            unknown = sorted(set(doc_ids) - set(self.documents))
            if unknown:
                raise QuestionError(
                    f"unknown document id(s): {', '.join(unknown)}; use ids of indexed documents"
                )
        low = _date_bound(date_from, upper=False) if date_from is not None else None
        high = _date_bound(date_to, upper=True) if date_to is not None else None
        wanted = set(doc_ids) if doc_ids is not None else None
        return {
            pos
            for pos, chunk in enumerate(self.chunks)
            if (wanted is None or chunk.doc_id in wanted) and _in_range(chunk.doc_date, low, high)
        }

    def _fuse(self, legs: dict[str, list[LegResult]]) -> dict[int, float]:
        weights = {"dense": self.settings.dense_weight, "lexical": self.settings.lexical_weight}
        fused: dict[int, float] = {}
        for leg, results in legs.items():
            for result in results:
                share = weights[leg] / (self.settings.rrf_k + result.rank)
                fused[result.position] = fused.get(result.position, 0.0) + share
        return fused

    def _recency_weight(self, query: str, recency: bool | None) -> float:
        if recency is False or (recency is None and not _LATEST.search(fold(query))):
            return 0.0
        return self.settings.recency_weight if self.settings.recency_weight > 0 else AUTO_RECENCY_WEIGHT

    def _dedup(self, order: list[int], k: int) -> list[int]:
        kept: list[int] = []
        texts: set[str] = set()
        for pos in order:
            chunk = self.chunks[pos]
            text = " ".join(fold(chunk.text).split())
            if text in texts or any(_mostly_inside(chunk, self.chunks[other]) for other in kept):
                continue
            kept.append(pos)
            texts.add(text)
            if len(kept) == k:
                break
        return kept

    def _hit(self, pos: int, rank: int, score: float, legs: dict[str, list[LegResult]]) -> Hit:
        found = {leg: next((r for r in results if r.position == pos), None) for leg, results in legs.items()}
        dense, lexical = found.get("dense"), found.get("lexical")
        return Hit(
            chunk=self.chunks[pos],
            score=score,
            rank=rank,
            dense_rank=dense.rank if dense else None,
            dense_score=dense.score if dense else None,
            lexical_rank=lexical.rank if lexical else None,
            lexical_score=lexical.score if lexical else None,
        )


def _closest(first: list[LegResult], second: list[LegResult]) -> list[LegResult]:
    """One leg's results for two wordings: per chunk the one with the higher score."""
    best: dict[int, LegResult] = {}
    for result in (*first, *second):
        if result.position not in best or result.score > best[result.position].score:
            best[result.position] = result
    return sorted(best.values(), key=lambda r: (-r.score, r.position))


def keep_leg_winners(order: list[int], legs: dict[str, list[LegResult]], within: int) -> list[int]:
    """Each leg's best chunk stays among the first `within`: fusion favours chunks both legs
    find, and can push out a passage only one leg ranks first (an English question whose Dutch
    answer the words find but the embedding does not)."""
    winners = dict.fromkeys(results[0].position for results in legs.values() if results)
    missing = [p for p in winners if p not in order[:within]]
    if not missing:
        return order
    rest = [p for p in order if p not in missing]
    cut = max(0, within - len(missing))
    return rest[:cut] + missing + rest[cut:]


def _mostly_inside(chunk: Chunk, kept: Chunk) -> bool:
    """True when `chunk` overlaps `kept` (same document) by DUPLICATE_OVERLAP of its length or more."""
    if chunk.doc_id != kept.doc_id:
        return False
    overlap = min(chunk.end, kept.end) - max(chunk.start, kept.start)
    return overlap > 0 and overlap >= DUPLICATE_OVERLAP * max(1, chunk.end - chunk.start)


def _date_bound(value: DateLike, *, upper: bool) -> str:
    text = value.isoformat() if isinstance(value, date) else value.strip()
    if not _DATE.match(text):
        raise QuestionError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD; write it like 2024-06")
    return _pad(text, upper)


def _pad(text: str, upper: bool) -> str:
    """'2024' -> '2024-01-01' (or '2024-12-31' as an upper bound); days need no calendar here."""
    filler = "-12-31" if upper else "-01-01"
    return text + filler[len(text) - 4 :]


def _in_range(doc_date: str | None, low: str | None, high: str | None) -> bool:
    if low is None and high is None:
        return True
    if doc_date is None or not _DATE.match(doc_date):
        return False  # an undated document cannot be placed in a date range
    return (low is None or _pad(doc_date, upper=True) >= low) and (
        high is None or _pad(doc_date, False) <= high
    )


def _recency_by_doc(chunks: Sequence[Chunk]) -> dict[str, float]:
    """0 for the oldest dated document, 1 for the newest (by month); undated documents get nothing."""
    months = {
        c.doc_id: int(c.doc_date[:4]) * 12 + (int(c.doc_date[5:7]) if len(c.doc_date) >= 7 else 1)
        for c in chunks
        if c.doc_date and _DATE.match(c.doc_date)
    }
    if not months:
        return {}
    first, last = min(months.values()), max(months.values())
    span = max(1, last - first)
    return {doc: (m - first) / span for doc, m in months.items()}
