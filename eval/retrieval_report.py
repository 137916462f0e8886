"""Retrieval against gold: every answerable gold question through dense, lexical and hybrid retrieval.

    python -m eval.retrieval_report [--gold PATH] [--corpus DIR] [--embedder NAME] [--data-dir DIR]

Prints a markdown table of hit@1/3/5/10 and MRR per mode, overall and per language, type and tag,
followed by the questions hybrid retrieval misses in its top 5, and the evidence-sentence
recall@k of the sentence ranking the answer step uses. Follow-up questions are retrieved
with the last user turn of their history in front of the question. The index is loaded from
--data-dir, or built there (and cached) when it is missing or stale.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import get_args

from eval.gold import GoldItem, evidence_spans, load_gold
from eval.retrieval_metrics import (
    EVIDENCE_KS,
    HIT_KS,
    ItemRetrieval,
    RetrievalSummary,
    aggregate,
    evidence_recall_at,
    score_item,
)
from rag.answering.planner import Planner
from rag.answering.sentence_vectors import SentenceVectors
from rag.config import EmbedderName, Settings
from rag.errors import IndexMismatchError, IndexMissingError, RagError
from rag.retrieval import MODES, Mode, Retriever
from rag.types import Document

DEFAULT_GOLD = Path("../shared/eval/gold_public.jsonl")
DEFAULT_CORPUS = Path("../shared/seeds")


def evaluate(
    items: Sequence[GoldItem],
    retriever: Retriever,
    documents: Sequence[Document],
    corpus_dir: Path,
    modes: Sequence[Mode] = MODES,
) -> list[ItemRetrieval]:
    """One ItemRetrieval per answerable item and mode (unanswerable items have nothing to find)."""
    depth = max(HIT_KS)
    results = []
    for item in items:
        if not item.answerable:
            continue
        spans = evidence_spans(item, documents, corpus_dir)
        for mode in modes:
            hits = retriever.search(item.retrieval_query(), k=depth, mode=mode)
            results.append(
                score_item(
                    [h.chunk for h in hits],
                    spans,
                    item_id=item.id,
                    mode=mode,
                    language=item.language,
                    type=item.type,
                    tags=item.tags,
                )
            )
    return results


def evidence_recall(
    items: Sequence[GoldItem],
    retriever: Retriever,
    documents: Sequence[Document],
    corpus_dir: Path,
    k: int = 8,
) -> dict[str, dict[int, float]]:
    """Evidence-sentence recall@k of the sentence ranking the answer step uses, over the
    hybrid top `k` chunks: overall and per language and type ({group: {k: recall}})."""
    planner = Planner(retriever.settings, retriever.lexical, SentenceVectors(retriever.embedder))
    groups: dict[str, list[dict[int, float]]] = {}
    for item in items:
        if not item.answerable:
            continue
        query = item.retrieval_query()
        hits = retriever.search(query, k=k)
        ranked = planner.evidence(query, item.language, hits)
        recall = evidence_recall_at(ranked, evidence_spans(item, documents, corpus_dir))
        for group in ("all", f"language={item.language}", f"type={item.type}"):
            groups.setdefault(group, []).append(recall)
    return {g: {n: sum(r[n] for r in rs) / len(rs) for n in EVIDENCE_KS} for g, rs in groups.items()}


def evidence_markdown(recall: dict[str, dict[int, float]]) -> str:
    head = " | ".join(f"recall@{k}" for k in EVIDENCE_KS)
    lines = [f"| group | {head} |", "|---|" + "---:|" * len(EVIDENCE_KS)]
    lines += [f"| {g} | " + " | ".join(f"{r[k]:.3f}" for k in EVIDENCE_KS) + " |" for g, r in recall.items()]
    return "\n".join(lines)


def _row(label: str, mode: str, s: RetrievalSummary) -> str:
    hits = " | ".join(f"{s.hit_at[k]:.3f}" for k in HIT_KS)
    both = f"{s.all_sources_at[5]:.3f}" if s.all_sources_at else "-"
    return f"| {label} | {mode} | {s.n} | {hits} | {s.mrr:.3f} | {both} |"


def markdown(results: Sequence[ItemRetrieval]) -> str:
    """The table: one row per breakdown and mode."""
    head = " | ".join(f"hit@{k}" for k in HIT_KS)
    lines = [
        f"| group | mode | n | {head} | MRR | all sources@5 |",
        "|---|---|---:|" + "---:|" * (len(HIT_KS) + 2),
    ]
    for label, by_mode in aggregate(results).items():
        lines += [_row(label, mode, by_mode[mode]) for mode in MODES if mode in by_mode]
    return "\n".join(lines)


def misses(results: Sequence[ItemRetrieval], mode: str = "hybrid", k: int = 5) -> list[str]:
    return [f"{r.item_id} ({r.language}, {r.type})" for r in results if r.mode == mode and not r.hit_at[k]]


def open_retriever(settings: Settings, *, progress: bool = True) -> tuple[Retriever, Sequence[Document]]:
    """Load the index from settings.data_dir, or build (and save) it from settings.corpus_dir."""
    from rag.corpus import chunk_documents, load_corpus
    from rag.embedders import create_embedder
    from rag.index.store import build_index, load_index, read_saved, save_index

    embedder = create_embedder(settings)
    documents = load_corpus(settings.corpus_dir, strict=settings.strict_corpus).documents
    try:
        saved = read_saved(settings, embedder)
        if saved is None or not saved.built_from(documents):
            raise IndexMissingError("stale")
        index = load_index(settings, embedder)
    except (IndexMissingError, IndexMismatchError):
        chunks = chunk_documents(
            documents,
            embedder.count_tokens,
            target_tokens=settings.chunk_tokens,
            overlap_tokens=settings.chunk_overlap,
        )
        index = build_index(settings, embedder, documents, chunks, progress=progress)
        save_index(index, settings.index_dir)
    return Retriever.from_index(index, embedder, settings), index.documents


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--gold", type=Path, action="append", help="gold file(s); default: the public set")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--embedder", choices=get_args(EmbedderName), default=None)
    parser.add_argument("--data-dir", type=Path, default=None, help="where the index is cached")
    args = parser.parse_args(argv)
    overrides: dict[str, object] = {"corpus_dir": args.corpus}
    if args.data_dir is not None:
        overrides["data_dir"] = args.data_dir
    if args.embedder is not None:
        embedder: EmbedderName = args.embedder
        overrides["embedder"] = embedder
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
        retriever, documents = open_retriever(settings)
        items = [item for path in args.gold or [DEFAULT_GOLD] for item in load_gold(path)]
        results = evaluate(items, retriever, documents, settings.corpus_dir)
        sentences = evidence_recall(items, retriever, documents, settings.corpus_dir)
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(markdown(results))
    missed = misses(results)
    print(f"\nhybrid misses at 5 ({len(missed)}): {', '.join(missed) or 'none'}")
    print("\nEvidence sentences (the answer step's ranking of the hybrid top-8 chunks' sentences):\n")
    print(evidence_markdown(sentences))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
