"""Evidence-first prompts: the model reads the few sentences that best answer the question, each
with the sentence after it, instead of five chunks trimmed one by one.

A 1.5B model misreads long context (a count from the wrong row, a term from the next paragraph),
and every 100 prompt tokens cost it one to two seconds before the first word. The sentences are
ranked across all retrieved chunks at once (rag/answering/evidence.py: the embedder's cosine,
the question's terms, the chunk's retrieval rank), so a chunk whose one good sentence ranks low
gives way to the second-best sentence of a better chunk. The next sentence comes along because
reasons and second halves follow the sentence that matches the question.

Sentences of one chunk stay one numbered passage, in document order, with " … " where the text
between them was left out, so citations and the checks read them exactly as trimmed chunks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rag.answering.evidence import EvidenceSentence, chunk_sentences
from rag.answering.prompt import ELLIPSIS, PromptBudget
from rag.answering.types import PlannedPassage, PromptPlan
from rag.generators.base import Passage
from rag.types import Chunk

Span = tuple[int, int]


@dataclass
class _Group:
    """The sentences chosen from one chunk, and the rank of its best one (passage order)."""

    chunk: Chunk
    best: int
    spans: set[Span] = field(default_factory=set)


def _with_follower(sentence: EvidenceSentence) -> list[Span]:
    """The sentence's span, and the next sentence's in the same chunk when there is one."""
    spans = [(start, end) for start, end, _ in chunk_sentences(sentence.chunk)]
    own = (sentence.start, sentence.end)
    if own not in spans:
        return [own]
    at = spans.index(own)
    return spans[at : at + 2]


def choose_evidence(
    ranked: Sequence[EvidenceSentence],
    *,
    max_sentences: int,
    max_tokens: int,
    count_tokens: Callable[[str], int],
) -> list[_Group]:
    """The best `max_sentences` sentences, each with its follower, within `max_tokens`; grouped
    per chunk, best group first. A sentence already chosen (as another's follower) is not added
    twice; the first sentence is always kept, however long."""
    groups: dict[str, _Group] = {}
    chosen: set[tuple[str, Span]] = set()
    used = 0
    for rank, sentence in enumerate(ranked[:max_sentences]):
        chunk = sentence.chunk
        new = [s for s in _with_follower(sentence) if (chunk.doc_id, s) not in chosen]
        cost = sum(count_tokens(chunk.text[s - chunk.start : e - chunk.start]) for s, e in new)
        if not new or (chosen and used + cost > max_tokens):
            continue
        group = groups.setdefault(chunk.id, _Group(chunk, rank))
        group.spans.update(new)
        chosen.update((chunk.doc_id, s) for s in new)
        used += cost
    return sorted(groups.values(), key=lambda g: g.best)


def _passage(group: _Group) -> PlannedPassage:
    chunk = group.chunk
    spans = sorted(group.spans)
    pieces = []
    for i, (start, end) in enumerate(spans):
        between = chunk.text[spans[i - 1][1] - chunk.start : start - chunk.start] if i else ""
        if between and not between.isspace():  # text was left out here
            pieces.append(ELLIPSIS.strip())
        pieces.append(chunk.text[start - chunk.start : end - chunk.start])
    text = " ".join(pieces)
    passage = Passage(n=0, chunk_id=chunk.id, title="", text=text)
    return PlannedPassage(passage, chunk, tuple(spans))


def plan_evidence_prompt(
    question: str,
    ranked: Sequence[EvidenceSentence],
    *,
    language: str,
    count_tokens: Callable[[str], int],
    context_size: int,
    max_answer_tokens: int,
    max_sentences: int,
    max_evidence_tokens: int,
    original_question: str | None = None,
) -> PromptPlan:
    """The prompt for `question` from its ranked evidence sentences (see the module's notes).

    Nothing is cut silently: a group that does not fit the context is listed in `left_out`;
    when not even one fits, a QuestionError says so."""
    budget = PromptBudget(
        question, language, original_question, count_tokens, context_size, max_answer_tokens
    )
    groups = choose_evidence(
        ranked, max_sentences=max_sentences, max_tokens=max_evidence_tokens, count_tokens=count_tokens
    )
    for group in groups:
        budget.offer(_passage(group))
    return budget.plan()
