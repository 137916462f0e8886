"""Hand-made Answers and spans for the eval tests (no pipeline needed)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from rag.types import Answer, AnswerSentence, Chunk, Citation, Hit, Timings


class Span(BaseModel):
    doc_id: str
    start: int
    end: int


def chunk(doc_id: str, start: int, end: int, ordinal: int = 0) -> Chunk:
    return Chunk(
        id=f"{doc_id}:{ordinal:04d}",
        doc_id=doc_id,
        doc_title=doc_id.upper(),
        ordinal=ordinal,
        start=start,
        end=end,
        text="x" * (end - start),
        n_tokens=(end - start) // 4,
    )


def make_answer(
    text: str,
    cited: Sequence[tuple[Chunk, float]] = (),
    *,
    retrieved: Sequence[Chunk] = (),
    refused: bool = False,
    language: str = "nl",
    first_token_s: float | None = 1.0,
    total_s: float = 2.0,
) -> Answer:
    """An answer citing `cited` (chunk, support) as [1], [2], ...; hits = cited + retrieved."""
    citations = tuple(
        Citation(
            n=n,
            chunk_id=c.id,
            doc_id=c.doc_id,
            title=c.doc_title,
            start=c.start,
            end=min(c.end, c.start + 10),
            quote="q",
            support=support,
        )
        for n, (c, support) in enumerate(cited, 1)
    )
    chunks = [c for c, _ in cited] + list(retrieved)
    hits = tuple(Hit(chunk=c, score=1.0 / r, rank=r) for r, c in enumerate(chunks, 1))
    sentences = (AnswerSentence(text=text, sources=tuple(c.n for c in citations)),)
    return Answer(
        question="q?",
        standalone_question="q?",
        text=text,
        language=language,
        sentences=() if refused else sentences,
        citations=citations,
        refused=refused,
        refusal_reason="no evidence" if refused else None,
        hits=hits,
        context_chunk_ids=tuple(c.id for c in chunks),
        timings=Timings(retrieve_s=0.1, first_token_s=first_token_s, total_s=total_s),
        backend="scripted",
        model="test",
    )
