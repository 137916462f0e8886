"""The text side of benchmarks/scale.py: the BM25 leg (the app's LexicalIndex over real Chunk
objects) and hybrid search (the app's Retriever: both legs, fusion, dedup) at the same size.

The query's embedding is looked up, not computed: the model's ~0.2 s per query (BENCHMARKS.md,
"Retrieval") is the same at any corpus size and would hide what the size costs."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scale import percentiles, rss_mb, timed

from rag.config import Settings
from rag.index.faiss_store import FaissIndex
from rag.index.lexical import LexicalIndex
from rag.retrieval import Retriever
from rag.text.language import answer_language


class LookupEmbedder:
    """Returns the benchmark's query vector for each query text."""

    name = fingerprint = "scale-benchmark"

    def __init__(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        self._vectors = dict(zip(texts, vectors, strict=True))
        self.dim = int(vectors.shape[1])

    def embed_query(self, text: str) -> np.ndarray:
        return self._vectors[text]

    def embed_documents(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        raise NotImplementedError("the scale benchmark never embeds documents")

    def count_tokens(self, text: str) -> int:
        return len(text.split())


def each_query(texts: Sequence[str], search: Callable[[str], Any]) -> list[float]:
    seconds = []
    for text in texts:
        started = time.perf_counter()
        search(text)
        seconds.append(time.perf_counter() - started)
    return seconds


def measure_text(run: Any, corpus: Any, sq8: Any, log: Callable[[str], None]) -> None:
    if run.has("hybrid"):
        return
    before = rss_mb()
    chunks, chunk_s = timed(corpus.chunks)
    chunk_mb = rss_mb() - before
    log(f"{len(chunks)} chunks made in {chunk_s:.0f} s, {chunk_mb:.0f} MB")
    lexical = LexicalIndex()
    before = rss_mb()
    _, build_s = timed(lambda: lexical.build(chunks))
    row: dict[str, Any] = {"n": len(chunks), "build_s": build_s, "rss_growth_mb": rss_mb() - before,
                           "chunks_rss_mb": chunk_mb}  # fmt: skip
    log(f"bm25 built in {build_s:.0f} s")
    texts = corpus.query_texts
    languages = {text: answer_language(text) for text in texts}
    row |= percentiles(each_query(texts, lambda t: lexical.search(t, 20, languages[t])))
    row["hits"] = float(np.mean([len(lexical.search(t, 20, languages[t])) > 0 for t in texts]))
    run.put("bm25", row)
    log(f"bm25 p95 {row['p95_ms']:.1f} ms")
    hybrid_row = measure_hybrid(corpus, chunks, FaissIndex.from_faiss(sq8, "auto"), lexical)
    run.put("hybrid", hybrid_row)
    log(f"hybrid p95 {hybrid_row['p95_ms']:.1f} ms")


def measure_hybrid(corpus: Any, chunks: list[Any], vectors: FaissIndex, lexical: LexicalIndex) -> dict:
    from scale_data import make_documents

    settings = Settings(_env_file=None, embedder="hashing", embed_threads=1)  # type: ignore[call-arg]
    embedder = LookupEmbedder(corpus.query_texts, corpus.queries)
    retriever = Retriever(make_documents(len(chunks)), chunks, vectors, embedder, settings, lexical)  # type: ignore[arg-type]
    texts = corpus.query_texts
    hybrid = each_query(texts, lambda t: retriever.search(t, mode="hybrid"))
    dense = each_query(texts, lambda t: retriever.search(t, mode="dense"))
    result = percentiles(hybrid) | {"dense_" + k: v for k, v in percentiles(dense).items()}
    return result | {"index": vectors.effective_type}
