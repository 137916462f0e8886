"""A million chunks: build time, RAM, disk, latency and recall@10 of each FAISS index type, the
BM25 leg and hybrid search, on a synthetic corpus grown from the real seed index (scale_data.py).

One thread throughout (faiss.omp_set_num_threads(1)), one query at a time as the app searches.
Ground truth: exact inner-product search (IndexFlatIP) over the same vectors. Per candidate:
- build: training + adding, seconds; vector-index RAM: bytes of the saved index (what FAISS
  holds), and the growth of this process's RSS while building it;
- search: a parameter sweep (nprobe / efSearch) until recall@10 >= .95, then p50/p95 latency of
  single queries at that setting; IVF types also at the app's own default nprobe;
- memory-mapped: the saved file evicted from the page cache (fadvise), opened with FAISS's mmap
  flag, RSS growth, p95 of a first pass over the queries (cold: pages come from disk) and of a
  second pass over the same queries (warm).
HNSW can be built smaller (--hnsw-chunks) when a full-size build would take too long: its build
time and RAM are then extrapolated (n log n and linear), marked as such.
Results go to a JSON file after every step (--resume skips what it holds, except the rows named
by --redo and ivf-sq8, which hybrid search needs built) and the section
"A million chunks" of BENCHMARKS.md is rewritten from it.

    .venv/bin/python benchmarks/scale.py [--chunks 1000000] [--queries 300] [--output BENCHMARKS.md]
    .venv/bin/python benchmarks/scale.py --chunks 5000 --hnsw-chunks 5000 --output -   # smoke test
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import faiss
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import scale_data as data  # noqa: E402
from benchmd import write_section  # noqa: E402
from scale_report import SECTION, Run, render  # noqa: E402

from rag.index import faiss_store as fs  # noqa: E402

TARGET = 0.95
K = 10
RETRIEVE_K = 20  # what the app asks each leg for (settings.retrieve_k)
NPROBES = (4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512)
EF_SEARCH = (16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512)
PQ_DIMS = 8  # dimensions per PQ sub-quantiser: 96 bytes a vector at 768 dims


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        line = next(line for line in handle if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def timed(run: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = run()
    return result, time.perf_counter() - started


def percentiles(seconds: list[float]) -> dict[str, float]:
    ms = np.asarray(seconds) * 1000
    return {"p50_ms": float(np.percentile(ms, 50)), "p95_ms": float(np.percentile(ms, 95))}


def single_queries(index: Any, queries: np.ndarray) -> tuple[list[float], np.ndarray]:
    """Latency of each query alone (k = RETRIEVE_K, as the dense leg asks) and the top-K ids."""
    found, seconds = np.empty((len(queries), K), dtype=np.int64), []
    for row, query in enumerate(queries):
        started = time.perf_counter()
        _, ids = index.search(query.reshape(1, -1), RETRIEVE_K)
        seconds.append(time.perf_counter() - started)
        found[row] = ids[0][:K]
    return seconds, found


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / K for f, t in zip(found, truth, strict=True)]))


def sweep(index: Any, queries: np.ndarray, truth: np.ndarray, name: str, values: tuple[int, ...]) -> list:
    """Recall@K per setting (batch search: same results, less time), up to the first >= TARGET."""
    points = []
    for value in values:
        if name == "nprobe" and value > index.nlist:
            break
        if name == "nprobe":
            index.nprobe = value
        else:
            index.hnsw.efSearch = value
        _, ids = index.search(queries, K)
        points.append([value, recall(ids, truth)])
        if points[-1][1] >= TARGET:
            break
    return points


def evict(path: Path) -> None:
    """Drop the file from the page cache so the first mapped pass reads from disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def measure_mmap(path: Path, setting: tuple[str, int] | None, queries: np.ndarray) -> dict[str, float]:
    evict(path)
    before = rss_mb()
    index = fs.FaissIndex.load(path, mmap="on")
    raw = index._index
    if setting is not None:
        name, value = setting
        if name == "nprobe":
            raw.nprobe = value
        else:
            raw.hnsw.efSearch = value
    opened = rss_mb() - before
    cold, _ = single_queries(raw, queries)  # every page read from disk on first touch
    warm, _ = single_queries(raw, queries)  # the same queries again: their pages are in RAM
    return {
        "open_rss_mb": opened,
        "cold_p95_ms": percentiles(cold)["p95_ms"],
        "warm_p95_ms": percentiles(warm)["p95_ms"],
        "rss_after_mb": rss_mb() - before,
    }


def measure(
    name: str, build: Callable[[], Any], queries: np.ndarray, truth: np.ndarray, workdir: Path,
    tune: tuple[str, tuple[int, ...]] | None = None, app_nprobe: bool = False,
) -> tuple[dict[str, Any], Any]:  # fmt: skip
    """Build one candidate and measure it in memory and memory-mapped."""
    log(f"{name}: building")
    before = rss_mb()
    (index, parts), seconds = timed(build)
    row: dict[str, Any] = {"name": name, "n": int(index.ntotal), "build_s": seconds, **parts}
    row["rss_growth_mb"] = rss_mb() - before
    log(f"{name}: built in {seconds:.0f} s")
    if app_nprobe:  # the setting the app searches with, before the sweep changes it
        row["app_nprobe"] = int(index.nprobe)
        at_app, found = single_queries(index, queries)
        row |= {"app_recall": recall(found, truth)} | {f"app_{k}": v for k, v in percentiles(at_app).items()}
    setting = None
    if tune is not None:
        row["sweep"] = sweep(index, queries, truth, *tune)
        setting = (tune[0], int(row["sweep"][-1][0]))
        row["setting"] = f"{setting[0]}={setting[1]}"
    latencies, found = single_queries(index, queries)
    row |= percentiles(latencies) | {"recall": recall(found, truth)}
    path = workdir / f"{name}.faiss"
    fs.FaissIndex.from_faiss(index).save(path)
    row["disk_bytes"] = path.stat().st_size
    row["mmap"] = measure_mmap(path, setting, queries)
    path.unlink()
    log(f"{name}: recall {row['recall']:.3f}, p95 {row['p95_ms']:.1f} ms")
    return row, index


def ivf_sq8_app(vectors: np.ndarray) -> tuple[Any, dict[str, float]]:
    """Exactly what FaissIndex('auto') builds above its flat threshold, timed in two parts."""
    index, train_s = timed(lambda: fs.new_ivf_sq8(vectors.shape[1], vectors))
    _, add_s = timed(lambda: index.add(vectors))
    return index, {"train_s": train_s, "add_s": add_s, "nlist": int(index.nlist)}


def ivf_pq(vectors: np.ndarray, coarse: Any) -> tuple[Any, dict[str, float]]:
    """IVF-PQ sharing the SQ8 index's coarse centroids (their training time is in that row)."""
    dim, nlist = vectors.shape[1], int(coarse.ntotal)
    index = faiss.IndexIVFPQ(coarse, dim, nlist, dim // PQ_DIMS, 8, faiss.METRIC_INNER_PRODUCT)
    _, train_s = timed(lambda: index.train(fs.training_sample(vectors, nlist)))
    _, add_s = timed(lambda: index.add(vectors))
    return index, {"train_s": train_s, "add_s": add_s, "nlist": nlist}


def hnsw(vectors: np.ndarray, sq8: bool) -> tuple[Any, dict[str, float]]:
    dim = vectors.shape[1]
    if sq8:
        index = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, fs.HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = fs.HNSW_EF_CONSTRUCTION
        index.train(vectors[: min(len(vectors), 100_000)])
    else:
        index = fs.new_hnsw(dim)
    _, add_s = timed(lambda: index.add(vectors))
    return index, {"add_s": add_s}


def extrapolated(row: dict[str, Any], n_full: int) -> dict[str, Any]:
    """An HNSW row measured at row['n'] scaled to n_full: build n log n, RAM and disk linear."""
    n = row["n"]
    factor = n_full / n * math.log(n_full) / math.log(n)
    return {
        "measured_at": n, "build_s_at_n": row["build_s"] * factor,
        "disk_bytes_at_n": row["disk_bytes"] * n_full / n,
    }  # fmt: skip


def ground_truth(vectors: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, dict[str, float]]:
    """Exact top-K ids, and how close the neighbours are (cosine of the 1st and the Kth)."""
    scores, ids = faiss.knn(queries, vectors, K, metric=faiss.METRIC_INNER_PRODUCT)
    stats = {"top1_cos_p50": float(np.median(scores[:, 0])), "top10_cos_p50": float(np.median(scores[:, -1]))}
    return np.asarray(ids), stats


def dense_candidates(run: Run, args: argparse.Namespace, corpus: Any, workdir: Path) -> Any:
    """flat, ivf-sq8 (the app's), ivf-pq at the full size; returns the app's ivf-sq8 index."""
    vectors, queries = corpus.vectors, corpus.queries
    truth, stats = ground_truth(vectors, queries)
    run.results["meta"]["neighbours"] = stats
    log(f"ground truth for {len(queries)} queries done: {stats}")

    def flat() -> tuple[Any, dict[str, float]]:
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(vectors)
        return index, {}

    if not run.has("flat"):
        row, index = measure("flat", flat, queries, truth, workdir)
        run.put("flat", row)
        del index
    row, sq8 = measure(
        "ivf-sq8", lambda: ivf_sq8_app(vectors), queries, truth, workdir,
        tune=("nprobe", NPROBES), app_nprobe=True,
    )  # fmt: skip
    run.put("ivf-sq8", row)
    if not run.has("ivf-pq"):
        pq_row, pq = measure(
            "ivf-pq",
            lambda: ivf_pq(vectors, sq8.quantizer),
            queries,
            truth,
            workdir,
            tune=("nprobe", NPROBES),
        )
        run.put("ivf-pq", pq_row | {"coarse_shared": True})
        del pq
    sq8.nprobe = run.results["rows"]["ivf-sq8"]["app_nprobe"]
    return sq8


def hnsw_candidates(run: Run, args: argparse.Namespace, corpus: Any, workdir: Path) -> None:
    n = min(args.hnsw_chunks or len(corpus.vectors), len(corpus.vectors))
    subset = corpus.vectors[:n]
    truth, _ = ground_truth(subset, corpus.queries)
    for name, sq8 in (("hnsw", False), ("hnsw-sq8", True)):
        if run.has(name) or (sq8 and args.skip_hnsw_sq8):
            continue
        row, index = measure(name, lambda sq8=sq8: hnsw(subset, sq8), corpus.queries, truth, workdir,
                             tune=("efSearch", EF_SEARCH))  # fmt: skip
        if n < len(corpus.vectors):
            row["extrapolated"] = extrapolated(row, len(corpus.vectors))
        run.put(name, row)
        del index


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chunks", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument(
        "--hnsw-chunks", type=int, default=None, help="build HNSW smaller (default: --chunks)"
    )
    parser.add_argument("--skip-hnsw-sq8", action="store_true")
    parser.add_argument("--seed-index", type=Path, default=ROOT / ".rag" / "index")
    parser.add_argument("--results", type=Path, default=Path(tempfile.gettempdir()) / "scale.json")
    parser.add_argument("--resume", action="store_true", help="skip the candidates --results holds")
    parser.add_argument("--redo", default="", help="with --resume: comma-separated rows to measure again")
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"), help="'-' prints only")
    parser.add_argument("--render-only", action="store_true", help="write the section from --results")
    args = parser.parse_args()
    if args.render_only:
        write_section(Path(args.output), SECTION, render(json.loads(args.results.read_text())))
        return
    faiss.omp_set_num_threads(1)
    started = time.perf_counter()
    ram_gb = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    meta = {"chunks": args.chunks, "queries": args.queries, "date": date.today().isoformat(),
            "load_before": os.getloadavg()[0], "ram_total_gb": ram_gb}  # fmt: skip
    run = Run(args.results, args.output, meta, args.resume, tuple(filter(None, args.redo.split(","))))
    corpus = data.build_corpus(data.load_seeds(args.seed_index), args.chunks, args.queries, log)
    run.results["meta"]["dim"] = int(corpus.vectors.shape[1])
    with tempfile.TemporaryDirectory(prefix="scale-", dir=args.results.parent) as work:
        sq8 = dense_candidates(run, args, corpus, Path(work))
        import scale_lexical

        scale_lexical.measure_text(run, corpus, sq8, log)
        hnsw_candidates(run, args, corpus, Path(work))
    run.results["meta"]["load_after"] = os.getloadavg()[0]
    run.results["meta"]["minutes"] = (time.perf_counter() - started) / 60
    run.put("done", {"peak_rss_mb": _peak_rss_mb()})
    log("done")


def _peak_rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        line = next(line for line in handle if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


if __name__ == "__main__":
    main()
