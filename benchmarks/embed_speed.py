"""Embedding speed per core: today's sentence-transformers fp32 path against faster paths, side by side.

Paths, all with one thread on the same seed chunks, interleaved round by round so machine load
hits them alike:
- fp32, in corpus order: sentence-transformers called batch by batch as the chunks come (what
  length sorting saves);
- fp32, length-sorted (today's embedder: sentence-transformers sorts inside `encode`);
- onnx-int8, one text per call, so no padding and vectors independent of their batch
  (RAG_EMBEDDER=onnx-int8; `rag setup` must have exported it).

Then the quality gate: for each embedder an index of the corpus is built in a scratch data
folder (the embedding cache of the real home is used: it is keyed by the model fingerprint, and
the two backends have different ones), and hit@5 and MRR of dense and hybrid retrieval are
computed on every gold set. Only aggregates are printed, never gold questions.

    .venv/bin/python benchmarks/embed_speed.py [--repeats N] [--output -]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from benchmd import write_section  # noqa: E402

from eval.gold import load_gold  # noqa: E402
from eval.retrieval_metrics import aggregate  # noqa: E402
from eval.retrieval_report import evaluate, open_retriever  # noqa: E402
from rag.config import EmbedderName, Settings  # noqa: E402
from rag.corpus import chunk_documents, load_corpus  # noqa: E402
from rag.embedders import Embedder, create_embedder  # noqa: E402

SECTION = "Embedding speed"
GOLD_SETS = (
    ROOT / "eval/gold.jsonl",
    ROOT.parent / "shared/eval/gold_public.jsonl",
    ROOT / "eval/gold_untouched.jsonl",
)
TOLERANCE = 0.01
Path_ = Callable[[Sequence[str]], np.ndarray]


def unsorted_fp32(embedder: Embedder, batch_size: int) -> Path_:
    """One encode call per batch in corpus order, so nothing is sorted across batches."""
    model = getattr(embedder, "model")  # noqa: B009 - the sentence-transformers embedder's model

    def run(texts: Sequence[str]) -> np.ndarray:
        parts = [
            model.encode_document(list(texts[i : i + batch_size]), batch_size=batch_size,
                                  normalize_embeddings=True, convert_to_numpy=True)
            for i in range(0, len(texts), batch_size)
        ]  # fmt: skip
        return np.concatenate(parts).astype(np.float32)

    return run


def speed_round(
    paths: dict[str, Path_], texts: Sequence[str], seconds: dict[str, list[float]]
) -> dict[str, np.ndarray]:
    vectors = {}
    for name, run in paths.items():
        started = time.perf_counter()
        vectors[name] = run(texts)
        seconds.setdefault(name, []).append(time.perf_counter() - started)
        print(f"  {name}: {len(texts) / seconds[name][-1]:.2f} chunks/s", flush=True)
    return vectors


def quality(settings: Settings, embedder: EmbedderName, work: Path) -> dict[str, tuple[float, ...]]:
    """{gold set: (dense hit@5, dense MRR, hybrid hit@5, hybrid MRR)} for one embedder."""
    scoped = settings.model_copy(update={"embedder": embedder, "data_dir": work / embedder})
    retriever, documents = open_retriever(scoped, progress=False)
    out = {}
    for gold in GOLD_SETS:
        if not gold.is_file():
            continue
        summary = aggregate(evaluate(load_gold(gold), retriever, documents, scoped.corpus_dir))["all"]
        dense, hybrid = summary["dense"], summary["hybrid"]
        out[gold.name] = (dense.hit_at[5], dense.mrr, hybrid.hit_at[5], hybrid.mrr)
    return out


def speed_table(seconds: dict[str, list[float]], n: int) -> list[str]:
    base = min(seconds["fp32, length-sorted (today)"])
    rows = ["| path | chunks/s (best of rounds) | ratio vs today's fp32 |", "|---|---:|---:|"]
    for name, times in seconds.items():
        rows.append(f"| {name} | {n / min(times):.2f} | {base / min(times):.2f}x |")
    return rows


def quality_table(scores: dict[str, dict[str, tuple[float, ...]]]) -> tuple[list[str], float, float]:
    """The table, and the largest drop and rise of any figure against fp32."""
    rows = [
        "| gold set | embedder | dense hit@5 | dense MRR | hybrid hit@5 | hybrid MRR |",
        "|---|---|---:|---:|---:|---:|",
    ]
    deltas = [0.0]
    for gold, base in scores["sentence-transformers"].items():
        for embedder, by_gold in scores.items():
            values = by_gold[gold]
            rows.append(f"| {gold} | {embedder} | " + " | ".join(f"{v:.3f}" for v in values) + " |")
            deltas += [v - b for v, b in zip(values, base, strict=True)]
    return rows, -min(deltas), max(deltas)


def agreement(vectors: dict[str, np.ndarray]) -> list[str]:
    base = vectors["fp32, length-sorted (today)"]
    rows = ["| path | mean cosine to today's fp32 | min |", "|---|---:|---:|"]
    for name, other in vectors.items():
        cos = np.sum(base * other, axis=1)
        rows.append(f"| {name} | {cos.mean():.4f} | {cos.min():.4f} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=ROOT / "seeds")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument(
        "--output", default=str(ROOT / "BENCHMARKS.md"), help="markdown file, or - to print only"
    )
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    settings = Settings(corpus_dir=args.corpus, embed_threads=1, llm_threads=1)
    fp32 = create_embedder(settings)
    onnx = create_embedder(settings.model_copy(update={"embedder": "onnx-int8"}))
    documents = load_corpus(settings.corpus_dir).documents
    chunks = chunk_documents(documents, fp32.count_tokens, target_tokens=settings.chunk_tokens,
                             overlap_tokens=settings.chunk_overlap)  # fmt: skip
    texts = [chunk.text for chunk in chunks]
    paths: dict[str, Path_] = {
        "fp32, corpus order": unsorted_fp32(fp32, settings.embed_batch_size),
        "fp32, length-sorted (today)": fp32.embed_documents,
        "onnx-int8, one text per call": onnx.embed_documents,
    }
    fp32.embed_query("warm-up")  # model loads are not part of the timing
    onnx.embed_query("warm-up")
    seconds: dict[str, list[float]] = {}
    for round_ in range(args.repeats):
        print(f"round {round_ + 1}/{args.repeats}", flush=True)
        vectors = speed_round(paths, texts, seconds)
    load_after = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="rag-bench-embed-") as scratch:
        scores = {
            name: quality(settings, name, Path(scratch)) for name in ("sentence-transformers", "onnx-int8")
        }
    quality_rows, drop, rise = quality_table(scores)
    ratio = min(seconds["fp32, length-sorted (today)"]) / min(seconds["onnx-int8, one text per call"])
    verdict = "passed" if drop <= TOLERANCE + 1e-9 else "failed"
    both_ways = "also" if rise <= TOLERANCE + 1e-9 else "not"
    body = "\n".join([
        f"Measured {date.today().isoformat()} on {len(texts)} seed chunks ({settings.chunk_tokens}-token "
        f"chunks, batch size {settings.embed_batch_size}), 1 thread each, {args.repeats} interleaved "
        f"round(s); 1-minute load average {load_before:.2f} before and {load_after:.2f} after the "
        "speed rounds (2 cores shared with other work: absolute figures are pessimistic, the "
        "ratios are what this run compares). `benchmarks/embed_speed.py`.",
        "", *speed_table(seconds, len(texts)),
        "", f"onnx-int8 is {ratio:.2f}x today's fp32 per core. It becomes the default only at >= 3x with "
        f"the quality gate passed; until then it is opt-in (`RAG_EMBEDDER=onnx-int8`, then `rag setup`).",
        "", "Agreement of the vectors (same chunks, last round):", "", *agreement(vectors),
        "", f"Retrieval quality per gold set, dense and hybrid (the fp32 index and the int8 one built "
        f"from the same chunks). Gate, no figure more than {TOLERANCE} below fp32: **{verdict}** "
        f"(largest drop {drop:.3f}, largest rise {rise:.3f}; within {TOLERANCE} both ways: {both_ways}).",
        "", *quality_rows, "",
    ])  # fmt: skip
    print(body)
    if args.output != "-":
        write_section(Path(args.output), SECTION, body)


if __name__ == "__main__":
    main()
