"""Retrieval latency: Retriever.search(hybrid) versus raw query encoding + raw FAISS search.

Both run on the same vectors in one process, interleaved query by query, so machine load hits
them alike. "Raw" is SentenceTransformer.encode_query + faiss.IndexFlatIP.search over the index's
own vectors (retrieve_k results), the least any dense retrieval must do; the Retriever adds the
lexical leg (BM25), language identification, fusion, dedup and building Hit objects.

    .venv/bin/python benchmarks/retrieval.py [--data-dir DIR] [--corpus DIR] [--repeats N]
    .venv/bin/python benchmarks/retrieval.py --embedder hashing --output -   # smoke test, prints only
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from benchmd import write_section  # noqa: E402

from eval.gold import load_gold  # noqa: E402
from eval.retrieval_report import DEFAULT_CORPUS, DEFAULT_GOLD, open_retriever  # noqa: E402
from rag.config import Settings  # noqa: E402
from rag.retrieval import Retriever  # noqa: E402

SECTION = "Retrieval"
GOAL = 1.2


def raw_search(retriever: Retriever) -> Callable[[str], Any]:
    """Encode with the bare model (or the embedder for the hashing twin) and search a bare FAISS index."""
    import faiss
    import numpy as np

    vectors = retriever.vectors.reconstruct_all()  # type: ignore[attr-defined]
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    model = getattr(retriever.embedder, "model", None)
    k = retriever.settings.retrieve_k

    def encode(text: str) -> Any:
        if model is None:
            return retriever.embedder.embed_query(text)
        return model.encode_query(text, normalize_embeddings=True, convert_to_numpy=True)

    def search(text: str) -> Any:
        query = np.asarray(encode(text), dtype=np.float32).reshape(1, -1)
        return flat.search(query, k)

    return search


def measure(queries: list[str], retriever: Retriever, repeats: int) -> tuple[list[float], list[float]]:
    raw = raw_search(retriever)
    ours: list[float] = []
    bare: list[float] = []
    raw(queries[0])  # warm-up: model, lingua, caches
    retriever.search(queries[0])
    for _ in range(repeats):
        for query in queries:
            started = time.perf_counter()
            raw(query)
            middle = time.perf_counter()
            retriever.search(query, mode="hybrid", k=retriever.settings.retrieve_k)
            ours.append(time.perf_counter() - middle)
            bare.append(middle - started)
    return ours, bare


def _ms(seconds: list[float], percentile: int) -> float:
    return 1000 * statistics.quantiles(seconds, n=100)[percentile - 1]


def render(
    ours: list[float], bare: list[float], settings: Settings, n_chunks: int, n_queries: int, repeats: int
) -> str:
    ratio = statistics.median(ours) / statistics.median(bare)
    verdict = "meets" if ratio <= GOAL else "misses"
    return "\n".join(
        [
            f"Measured {date.today().isoformat()} with `benchmarks/retrieval.py`: embedder "
            f"`{settings.embedder}`/`{settings.embed_model}`, 1 thread, {n_chunks} chunks, "
            f"{n_queries} gold questions x {repeats} repeats, interleaved; "
            f"load average {os.getloadavg()[0]:.2f}.",
            "",
            "| per query | median ms | p95 ms |",
            "|---|---:|---:|",
            f"| raw: encode_query + FAISS IndexFlatIP | {_ms(bare, 50):.1f} | {_ms(bare, 95):.1f} |",
            f"| Retriever.search(hybrid) | {_ms(ours, 50):.1f} | {_ms(ours, 95):.1f} |",
            "",
            f"Ratio of medians: **{ratio:.2f}x** (goal <= {GOAL}x: {verdict}). The overhead is the "
            "BM25 leg, language identification of the question, fusion and dedup.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/rag-bench-retrieval"))
    parser.add_argument("--corpus", type=Path, default=ROOT / DEFAULT_CORPUS)
    parser.add_argument("--gold", type=Path, default=ROOT / DEFAULT_GOLD)
    parser.add_argument(
        "--embedder", choices=["sentence-transformers", "hashing"], default="sentence-transformers"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--output", default=str(ROOT / "BENCHMARKS.md"), help="markdown file, or - to print only"
    )
    args = parser.parse_args()
    settings = Settings(
        data_dir=args.data_dir, corpus_dir=args.corpus, embedder=args.embedder, embed_threads=1, llm_threads=1
    )
    retriever, _ = open_retriever(settings)
    queries = [item.retrieval_query() for item in load_gold(args.gold)]
    ours, bare = measure(queries, retriever, args.repeats)
    body = render(ours, bare, settings, len(retriever.chunks), len(queries), args.repeats)
    print(body)
    if args.output != "-":
        output = Path(args.output)
        write_section(output, SECTION, body)


if __name__ == "__main__":
    main()
