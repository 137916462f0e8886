"""Ingest on Ray: `rag ingest` in one process against `rag ingest --ray auto` (a local Ray with 2
CPUs, one model per CPU, one thread each) on the same corpus, in one run, each from an empty
embedding cache and an empty data folder; then whether the two indexes are equal (chunks, vectors,
search) and what searching shards costs against one index.

    .venv/bin/python benchmarks/ray_ingest.py [--corpus DIR] [--shards N]
    .venv/bin/python benchmarks/ray_ingest.py --embedder hashing --output -   # smoke test, prints only

The single process runs on 1 thread and on 2 (the default on an idle 2-core machine); the ratio
Ray / single is the overhead (above 1) or the gain (below 1) of going through Ray on one machine.
Search: a query against one FAISS index, against ShardedVectors' fan-out and numpy merge, and
against FAISS's IndexShards over the same shards, on synthetic vectors of the model's dimension.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from benchmd import write_section  # noqa: E402

from rag.config import Settings  # noqa: E402
from rag.embedders import create_embedder  # noqa: E402
from rag.index.faiss_store import FaissIndex  # noqa: E402
from rag.index.ingest import IngestResult, ingest_corpus  # noqa: E402
from rag.index.ray_ingest import ingest_on_ray  # noqa: E402
from rag.index.sharded_vectors import ShardedVectors  # noqa: E402
from rag.index.store import load_index  # noqa: E402
from rag.retrieval.hybrid import Retriever  # noqa: E402

SECTION = "Ingest on Ray"
CHOICE = (
    "The fan-out over the project's own FaissIndex per shard (ShardedVectors) is what `rag chat` uses: "
    "it costs about what IndexShards does, and each shard stays a FaissIndex of whatever type its size "
    "chose, which IndexShards would have to unwrap. The lexical leg is one BM25 index over all chunks, "
    "built at load as for one index: BM25 scores of separate shards are not comparable (each shard "
    "has its own document frequencies)."
)
QUESTIONS = (
    "Waarom plaatst Rusland kernwapens in Belarus?",
    "Wat zei Stoltenberg over kernwapens?",
    "How did NATO respond to the nuclear threats?",
    "Wanneer begon Rusland oefeningen met de Yars-raket?",
)


def run_settings(args: argparse.Namespace, work: Path, name: str, threads: int) -> Settings:
    """Its own home (models linked in, the embedding cache empty) and data folder."""
    home = work / name / "home"
    home.mkdir(parents=True)
    (home / "models").symlink_to(Settings().models_dir)
    return Settings(home=home, data_dir=work / name / "data", corpus_dir=args.corpus, embedder=args.embedder,
                    embed_threads=threads, llm_threads=1, ray_cpus=2, shard_count=args.shards)  # fmt: skip


def timed(action: Callable[[], IngestResult]) -> tuple[IngestResult, float]:
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def compare(single: Settings, sharded: Settings) -> dict[str, object]:
    embedder = create_embedder(single)
    plain, shards = load_index(single, embedder), load_index(sharded, embedder)
    found, expected = shards.vectors.reconstruct_all(), plain.vectors.reconstruct_all()  # type: ignore[attr-defined]
    one, many = Retriever.from_index(plain, embedder, single), Retriever.from_index(shards, embedder, sharded)
    same_search = all(
        [h.chunk.id for h in many.search(q, k=10)] == [h.chunk.id for h in one.search(q, k=10)]
        for q in QUESTIONS
    )
    return {
        "same_chunks": shards.chunks == plain.chunks,
        "max_diff": float(np.abs(found - expected).max()) if len(found) else 0.0,
        "same_search": same_search,
        "dim": plain.vectors.dim,
    }


def search_costs(dim: int, n: int, shards: int, queries: int = 200) -> dict[str, float]:
    """Median microseconds per query: one flat index, ShardedVectors, faiss.IndexShards."""
    import faiss

    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(n, dim)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    member = rng.integers(0, shards, size=n)
    one = FaissIndex(dim)
    one.add(matrix)
    parts, maps = [], []
    native = faiss.IndexShards(dim, False, False)  # not threaded; ids as the sub-indexes give them
    for shard in range(shards):
        rows = np.flatnonzero(member == shard)
        part = FaissIndex(dim)
        part.add(matrix[rows])
        parts.append(part)
        maps.append(rows.astype(np.int64))
        mapped = faiss.IndexIDMap(faiss.IndexFlatIP(dim))
        mapped.add_with_ids(matrix[rows], rows.astype(np.int64))
        native.add_shard(mapped)
    fan_out = ShardedVectors(parts, maps)
    probes = rng.normal(size=(queries, dim)).astype(np.float32)
    costs = {}
    for name, search in (
        ("one index", lambda q: one.search(q, 20)),
        ("ShardedVectors", lambda q: fan_out.search(q, 20)),
        ("faiss.IndexShards", lambda q: native.search(q[None, :], 20)),
    ):
        times = []
        for probe in probes:
            started = time.perf_counter()
            search(probe)
            times.append(time.perf_counter() - started)
        costs[name] = statistics.median(times) * 1e6
    return costs


def render(args: argparse.Namespace, runs: dict[str, tuple[IngestResult, float]], same: dict[str, object],
           costs: dict[str, float], n_synthetic: int, loads: tuple[float, float]) -> str:  # fmt: skip
    ray_result, ray_s = runs["ray"]
    n_chunks = len(ray_result.chunks)
    lines = [
        f"Measured {date.today().isoformat()} with `benchmarks/ray_ingest.py`: embedder `{args.embedder}`, "
        f"corpus `{args.corpus.name}` ({len(ray_result.load.documents)} documents, {n_chunks} chunks), each "
        f"ingest once from an empty embedding cache and data folder, one after the other in one run; "
        f"Ray: a local Ray started by the command (`--ray auto`, 2 CPUs, one model per CPU on one thread), "
        f"{args.shards} shards. 1-minute load average {loads[0]:.2f} before and {loads[1]:.2f} after on "
        f"{os.cpu_count()} cores (shared with other work: the ratios are what this run compares).",
        "",
        "| ingest | seconds | chunks/s | Ray / this |",
        "|---|---:|---:|---:|",
    ]
    for name, label in (("single1", "`rag ingest`, 1 thread"), ("single2", "`rag ingest`, 2 threads"),
                        ("ray", "`rag ingest --ray auto`, 2 CPUs")):  # fmt: skip
        _, seconds = runs[name]
        lines.append(f"| {label} | {seconds:.1f} | {n_chunks / seconds:.2f} | {ray_s / seconds:.2f}x |")
    timings = ray_result.timings
    lines += [
        "",
        f"Of the Ray ingest, {timings.get('ray', 0.0):.1f} s were Ray (start, workers, models loaded "
        f"once per worker, reading, chunking, embedding) and {timings.get('save', 0.0):.2f} s saving "
        f"the shards. Starting a local Ray and stopping it, nothing run, took {same['start_stop']:.1f} s "
        "(measured after the ingests).",
        "",
        f"Equal to `rag ingest`: chunks (ids, texts, offsets, order) **{_yes(same['same_chunks'])}**; "
        f"vectors: largest difference {same['max_diff']:.1e} (tests require <= 1e-5); "
        f"top-10 hybrid search for {len(QUESTIONS)} questions the same: **{_yes(same['same_search'])}**.",
        "",
        f"Searching shards, median µs per query (top 20), {n_synthetic:,} synthetic vectors of dimension "
        f"{same['dim']} in {args.shards} shards, one thread:",
        "",
        "| search | µs per query | vs one index |",
        "|---|---:|---:|",
    ]
    base = costs["one index"]
    lines += [f"| {name} | {value:.0f} | {value / base:.2f}x |" for name, value in costs.items()]
    lines += ["", CHOICE, ""]
    return "\n".join(lines)


def _yes(value: object) -> str:
    return "yes" if value else "NO"


def ray_start_stop(cpus: int) -> float:
    """Seconds to start a local Ray and stop it, with nothing run: the fixed part of the overhead."""
    from rag.index.ray_session import ray_session

    started = time.perf_counter()
    with ray_session("auto", cpus=cpus):
        pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=ROOT / "seeds")
    parser.add_argument(
        "--embedder", choices=["sentence-transformers", "hashing"], default="sentence-transformers"
    )
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--synthetic", type=int, default=50_000, help="vectors for the search comparison")
    parser.add_argument(
        "--output", default=str(ROOT / "BENCHMARKS.md"), help="markdown file, or - to print only"
    )
    args = parser.parse_args()
    args.corpus = args.corpus.resolve()
    before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="rag-bench-ray-") as scratch:
        work = Path(scratch)
        single1, single2 = run_settings(args, work, "single1", 1), run_settings(args, work, "single2", 2)
        sharded = run_settings(args, work, "ray", 1)
        actions: dict[str, Callable[[], IngestResult]] = {
            "single1": lambda: ingest_corpus(single1),
            "ray": lambda: ingest_on_ray(sharded, "auto"),
            "single2": lambda: ingest_corpus(single2),
        }
        runs = {}
        for name, action in actions.items():
            runs[name] = timed(action)
            print(f"{name}: {runs[name][1]:.1f} s", flush=True)
        same = compare(single1, sharded)
    same["start_stop"] = ray_start_stop(2)
    costs = search_costs(int(str(same["dim"])), args.synthetic, args.shards)
    body = render(args, runs, same, costs, args.synthetic, (before, os.getloadavg()[0]))
    print(body)
    if args.output != "-":
        write_section(Path(args.output), SECTION, body)


if __name__ == "__main__":
    main()
