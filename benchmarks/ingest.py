"""Ingest throughput: build_index (cache lookups, embedding, FAISS) versus raw model.encode_document.

Both embed the same chunk texts in one process, alternating round by round, so machine load
hits them alike. "Raw" is SentenceTransformer.encode_document with the same batch size and
normalisation: the least any ingest must do. build_index starts from an empty embedding cache
each round, so it really embeds every chunk. Then three ingests of the corpus copy are timed:
unchanged in-process, unchanged through the `rag ingest` command (a new Python process), and
with one document edited.

    .venv/bin/python benchmarks/ingest.py [--corpus DIR] [--repeats N] [--threads N]
    .venv/bin/python benchmarks/ingest.py --embedder hashing --output -   # smoke test, prints only
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from benchmd import write_section  # noqa: E402

from rag.config import Settings  # noqa: E402
from rag.corpus import chunk_documents, load_corpus  # noqa: E402
from rag.embedders import Embedder, create_embedder  # noqa: E402
from rag.index.ingest import IngestResult, ingest_corpus  # noqa: E402
from rag.index.store import build_index, save_index  # noqa: E402

SECTION = "Ingest"
GOAL = 0.9


def raw_encoder(embedder: Embedder, batch_size: int) -> Callable[[Sequence[str]], object]:
    """The bare model call (or the twin's own method: it has no model underneath)."""
    model = getattr(embedder, "model", None)
    if model is None:
        return lambda texts: embedder.embed_documents(texts)
    return lambda texts: model.encode_document(
        list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True
    )


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def measure(settings: Settings, embedder: Embedder, repeats: int) -> dict[str, object]:
    load = load_corpus(settings.corpus_dir, strict=settings.strict_corpus)
    started = time.perf_counter()
    chunks = chunk_documents(
        load.documents,
        embedder.count_tokens,
        target_tokens=settings.chunk_tokens,
        overlap_tokens=settings.chunk_overlap,
    )
    chunk_s = time.perf_counter() - started
    texts = [chunk.text for chunk in chunks]
    load_s = timed(lambda: embedder.embed_documents(texts[:2]))  # model load + warm-up, not measured
    raw = raw_encoder(embedder, settings.embed_batch_size)
    cache = settings.home / "embed-cache"
    raw_s, ours_s = [], []
    for round_no in range(repeats):
        for which in ("raw", "ours") if round_no % 2 == 0 else ("ours", "raw"):
            if which == "raw":
                raw_s.append(timed(lambda: raw(texts)))
                continue
            shutil.rmtree(cache, ignore_errors=True)
            ours_s.append(timed(lambda: build_index(settings, embedder, load.documents, chunks)))
        print(f"round {round_no + 1}: raw {raw_s[-1]:.1f} s, build_index {ours_s[-1]:.1f} s", flush=True)
    save_index(build_index(settings, embedder, load.documents, chunks), settings.index_dir)
    return {"n_docs": len(load.documents), "n_chunks": len(chunks), "chunk_s": chunk_s, "load_s": load_s,
            "raw_s": raw_s, "ours_s": ours_s}  # fmt: skip


def reingests(settings: Settings, embedder: Embedder) -> dict[str, object]:
    """Unchanged corpus in-process and via the CLI, then one edited document."""
    fresh = create_embedder(settings)  # as a new `rag ingest` would: no model loaded yet
    unchanged: IngestResult = ingest_corpus(settings, embedder=fresh)
    env = dict(os.environ, RAG_HOME=str(settings.home), RAG_DATA_DIR=str(settings.data_dir),
               RAG_CORPUS_DIR=str(settings.corpus_dir), RAG_EMBEDDER=settings.embedder,
               RAG_EMBED_THREADS=str(settings.embed_threads))  # fmt: skip
    command = [sys.executable, "-c", "from rag.cli import main; main()", "ingest"]
    started = time.perf_counter()
    cli = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    cli_s = time.perf_counter() - started
    if cli.returncode != 0 or "up to date" not in cli.stdout:
        print(cli.stdout[-2000:], cli.stderr[-2000:], sep="\n")
    smallest = min(Path(settings.corpus_dir).glob("*.*"), key=lambda path: path.stat().st_size)
    with smallest.open("a", encoding="utf-8") as handle:
        handle.write("\n\nEen nieuwe alinea, toegevoegd om incrementeel indexeren te meten.\n")
    edited = ingest_corpus(settings, embedder=embedder)
    return {"unchanged": unchanged, "cli_s": cli_s, "cli_ok": "up to date" in cli.stdout, "edited": edited}


def render(settings: Settings, numbers: dict[str, object], again: dict[str, object]) -> str:
    n_chunks = int(str(numbers["n_chunks"]))
    raw_s, ours_s = numbers["raw_s"], numbers["ours_s"]
    assert isinstance(raw_s, list) and isinstance(ours_s, list)
    raw_rate, ours_rate = n_chunks / statistics.median(raw_s), n_chunks / statistics.median(ours_s)
    ratio = ours_rate / raw_rate
    unchanged, edited = again["unchanged"], again["edited"]
    assert isinstance(unchanged, IngestResult) and isinstance(edited, IngestResult)
    stats = edited.stats
    verdict = "met" if ratio >= GOAL else "NOT met"
    rows = [
        f"Measured {date.today().isoformat()} with `benchmarks/ingest.py`: embedder `{settings.embedder}` "
        f"({settings.embed_model}), {settings.embed_threads} thread(s), batch size "
        f"{settings.embed_batch_size}, corpus `{settings.corpus_dir.name}` copy: {numbers['n_docs']} "
        f"documents, {n_chunks} chunks of <= {settings.chunk_tokens} tokens. Median of "
        f"{len(raw_s)} round(s); 1-minute load average before the run {numbers['load_before']:.2f} "
        f"on {os.cpu_count()} cores.",
        "",
        "| step | seconds | chunks/s |",
        "|---|---:|---:|",
        f"| raw `encode_document` | {statistics.median(raw_s):.1f} | {raw_rate:.2f} |",
        f"| `build_index` (empty cache) | {statistics.median(ours_s):.1f} | {ours_rate:.2f} |",
        f"| chunking (tokenizer only) | {numbers['chunk_s']:.2f} | |",
        f"| model load + warm-up (once) | {numbers['load_s']:.1f} | |",
        f"| re-ingest, unchanged corpus (in-process, model never loaded) | {unchanged.seconds:.2f} | |",
        f"| `rag ingest`, unchanged corpus (new process, imports included) | {again['cli_s']:.2f} | |",
        f"| re-ingest after editing one document (model loaded) | {edited.seconds:.1f} | |",
        "",
        f"Throughput ratio build_index / raw: **{ratio:.2f}x** (goal >= {GOAL}x: {verdict}). "
        f"After the edit {stats.embedded if stats else 0} chunk(s) were embedded and "
        f"{stats.reused if stats else 0} reused from the embedding cache.",
        "",
    ]
    return "\n".join(rows)


def bench_settings(args: argparse.Namespace, work: Path) -> Settings:
    """A scratch home whose models/ points at the real models, so the embedding cache starts empty."""
    home = work / "home"
    home.mkdir()
    (home / "models").symlink_to(Settings().models_dir)
    corpus = work / Path(args.corpus).name  # a copy: the benchmark edits one file
    shutil.copytree(args.corpus, corpus)
    return Settings(home=home, data_dir=work / "data", corpus_dir=corpus, embedder=args.embedder,
                    embed_threads=args.threads, llm_threads=1)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=ROOT / "seeds")
    parser.add_argument(
        "--embedder", choices=["sentence-transformers", "hashing"], default="sentence-transformers"
    )
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--output", default=str(ROOT / "BENCHMARKS.md"), help="markdown file, or - to print only"
    )
    args = parser.parse_args()
    load_before = os.getloadavg()[0]  # how busy the machine was: the figures depend on it
    with tempfile.TemporaryDirectory(prefix="rag-bench-ingest-") as scratch:
        settings = bench_settings(args, Path(scratch))
        embedder = create_embedder(settings)
        numbers = {**measure(settings, embedder, args.repeats), "load_before": load_before}
        body = render(settings, numbers, reingests(settings, embedder))
    print(body)
    if args.output != "-":
        output = Path(args.output)
        write_section(output, SECTION, body)


if __name__ == "__main__":
    main()
