"""Run gold items through an assistant and score every answer: `run_eval(assistant, items) -> EvalRun`."""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from eval.aggregate import Summary, group_by, summarize
from eval.gold import GoldError, GoldItem, evidence_spans
from eval.judge import JudgeResult, judge_answer
from eval.metrics import DEFAULT_SUPPORT_THRESHOLD, ItemMetrics, score_answer
from eval.retrieval_metrics import SpanLike, evidence_recall_at, hit_at, reciprocal_rank
from rag.config import Settings
from rag.generators.base import Generator
from rag.types import Answer, Document, Turn


class AnswersQuestions(Protocol):
    """What the harness needs of rag.answering.pipeline.Assistant (a fake will do in tests)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def documents(self) -> Sequence[Document]: ...

    def answer(self, question: str, history: Sequence[Turn] | None = None) -> Answer: ...


class RanksEvidence(Protocol):
    """An assistant that also ranks the sentences of an answer's hits as evidence."""

    def rank_evidence(self, answer: Answer) -> Sequence[SpanLike]: ...


class Span(BaseModel):
    """A gold evidence quote located in the cleaned text of a document."""

    doc_id: str
    start: int
    end: int


class ItemResult(BaseModel):
    gold: GoldItem
    spans: list[Span] = []
    answer: Answer | None = None
    metrics: ItemMetrics | None = None
    judge: JudgeResult | None = None  # model-judged faithfulness, only with a judge
    error: str | None = None  # the item failed: exception type and message


class EvalRun(BaseModel):
    started_at: datetime
    backend: str = ""
    model: str = ""
    gold_paths: list[str] = []
    support_threshold: float = DEFAULT_SUPPORT_THRESHOLD
    judged: bool = False
    replayed_from: str | None = None  # the report whose recorded model answers were checked again
    items: list[ItemResult]
    summary: Summary
    by_type: dict[str, Summary]
    by_language: dict[str, Summary]
    by_tag: dict[str, Summary]


def _history(item: GoldItem) -> list[Turn]:
    return [Turn(role=turn.role, content=turn.content) for turn in item.history or ()]


def _score(
    item: GoldItem,
    answer: Answer,
    spans: list[Span],
    support_threshold: float,
    evidence: RanksEvidence | None = None,
) -> ItemMetrics:
    metrics = score_answer(
        answer,
        key_facts=item.key_facts,
        language=item.language,
        answerable=item.answerable,
        spans=spans,
        support_threshold=support_threshold,
    )
    metrics = metrics.model_copy(update={"prompt_tokens": answer.prompt_tokens})
    if not spans:  # unanswerable: nothing to retrieve
        return metrics
    ranked = [hit.chunk for hit in sorted(answer.hits, key=lambda h: h.rank)]
    found: dict[str, object] = {
        "hit_at": hit_at(ranked, spans),
        "reciprocal_rank": reciprocal_rank(ranked, spans),
    }
    if evidence is not None:
        found["evidence_recall_at"] = evidence_recall_at(evidence.rank_evidence(answer), spans)
    return metrics.model_copy(update=found)


def locate_evidence(
    items: Sequence[GoldItem], documents: Sequence[Document], corpus_dir: Path
) -> list[list[Span]]:
    """Every item's evidence spans, checked before any question is asked: one GoldError names
    every quote that is not in the indexed corpus."""
    located: list[list[Span]] = []
    problems: list[str] = []
    for item in items:
        try:
            found = evidence_spans(item, documents, corpus_dir)
        except GoldError as exc:
            problems += [line.strip() for line in str(exc).splitlines()[1:]]
            found = []
        located.append([Span(doc_id=s.doc_id, start=s.start, end=s.end) for s in found])
    if problems:
        listing = "\n  ".join(problems)
        raise GoldError(
            f"gold evidence does not match the indexed corpus in {corpus_dir}; fix the gold file or "
            f"re-run 'rag ingest' on the right folder:\n  {listing}"
        )
    return located


def run_item(
    assistant: AnswersQuestions,
    item: GoldItem,
    spans: list[Span],
    *,
    judge: Generator | None = None,
    support_threshold: float = DEFAULT_SUPPORT_THRESHOLD,
) -> ItemResult:
    """Answer and score one gold item; any exception becomes a failed result, never a crash."""
    try:
        answer = assistant.answer(item.question, history=_history(item) or None)
        ranker = assistant if hasattr(assistant, "rank_evidence") else None
        metrics = _score(item, answer, spans, support_threshold, ranker)  # type: ignore[arg-type]
        verdict = judge_answer(judge, answer) if judge is not None else None
    except Exception as exc:  # the run goes on; the report lists the failure
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" at {last[0].filename}:{last[0].lineno}" if last else ""
        return ItemResult(gold=item, spans=spans, error=f"{type(exc).__name__}: {exc}{where}")
    if verdict is not None:
        metrics = metrics.model_copy(update={"faithfulness": verdict.score})
    return ItemResult(gold=item, spans=spans, answer=answer, metrics=metrics, judge=verdict)


class _Tally:
    def __init__(self) -> None:
        self.answered = self.refused = self.failed = 0
        self.recalls: list[float] = []

    def add(self, result: ItemResult) -> str:
        m = result.metrics
        self.failed += m is None
        self.refused += m is not None and m.refused
        self.answered += m is not None and not m.refused
        if m is not None and m.key_fact_recall is not None:
            self.recalls.append(m.key_fact_recall)
        kfr = f"{sum(self.recalls) / len(self.recalls):.2f}" if self.recalls else "-"
        counts = f"answered {self.answered} · refused {self.refused} · failed {self.failed}"
        return f"{counts} · key-fact recall {kfr}"


def _progress_bar(enabled: bool) -> Progress:
    return Progress(
        TextColumn("eval"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[tally]}"),
        console=Console(stderr=True),
        disable=not enabled,
    )


def aggregate(results: Sequence[ItemResult]) -> tuple[Summary, dict[str, dict[str, Summary]]]:
    """The overall summary and the breakdowns by type, language and tag."""
    rows = [(r.gold, r.metrics) for r in results]
    tables = {
        "type": group_by([([g.type], m) for g, m in rows]),
        "language": group_by([([g.language], m) for g, m in rows]),
        "tag": group_by([(list(g.tags or ()), m) for g, m in rows]),
    }
    return summarize([m for _, m in rows]), tables


def run_eval(
    assistant: AnswersQuestions,
    items: Sequence[GoldItem],
    *,
    limit: int | None = None,
    progress: bool = True,
    judge: Generator | None = None,
    support_threshold: float = DEFAULT_SUPPORT_THRESHOLD,
    gold_paths: Sequence[str] = (),
) -> EvalRun:
    """Answer every gold item (the first `limit`), score it and aggregate the figures."""
    started = datetime.now(UTC)
    chosen = list(items if limit is None else items[:limit])
    located = locate_evidence(chosen, assistant.documents, assistant.settings.corpus_dir)
    results: list[ItemResult] = []
    tally = _Tally()
    with _progress_bar(progress) as bar:
        task = bar.add_task("eval", total=len(chosen), tally="")
        for item, spans in zip(chosen, located, strict=True):
            results.append(run_item(assistant, item, spans, judge=judge, support_threshold=support_threshold))
            bar.update(task, advance=1, tally=tally.add(results[-1]))
    summary, tables = aggregate(results)
    first = next((r.answer for r in results if r.answer is not None), None)
    return EvalRun(
        started_at=started,
        backend=first.backend if first else "",
        model=first.model if first else "",
        gold_paths=list(gold_paths),
        support_threshold=support_threshold,
        judged=judge is not None,
        items=results,
        summary=summary,
        by_type=tables["type"],
        by_language=tables["language"],
        by_tag=tables["tag"],
    )
