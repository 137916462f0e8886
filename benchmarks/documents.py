"""Documents: ingest of a 100-page PDF, then adding, changing and removing one document in that
indexed corpus side by side with the full build, in one run.

1. A 100-page two-column Dutch article (benchmarks/article_pdf.py: new text on every page) is
   the corpus. The embedding model is loaded first (timed on its own), then the corpus is
   ingested from nothing (empty embedding and extraction caches): the full build, broken down
   into reading (pdfminer layout analysis and cleaning), chunking, embedding, the index (cache
   lookups, FAISS) and saving.
2. In that indexed corpus, with the model still loaded as in `rag ingest --watch` or the chat: a
   2-page PDF is added, then changed (a third page), then removed; finally an unchanged re-ingest.
   Each is timed as a whole and compared with the full build. With a new `rag ingest` process
   the model load comes on top of both; the ratio with it is given too.

    .venv/bin/python benchmarks/documents.py [--pages 100] [--threads 1]
    .venv/bin/python benchmarks/documents.py --embedder hashing --pages 5 --output -   # smoke test
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from article_pdf import article_pdf  # noqa: E402
from benchmd import write_section  # noqa: E402

from rag.config import Settings  # noqa: E402
from rag.embedders import Embedder, create_embedder  # noqa: E402
from rag.index.ingest import IngestResult, ingest_corpus  # noqa: E402

SECTION = "Documents"
GOAL = 0.10
STEPS = (("load", "reading (extraction + cleaning)"), ("chunk", "chunking"), ("embed", "embedding"),
         ("index", "index (cache lookups, FAISS)"), ("save", "saving"))  # fmt: skip


def bench_settings(args: argparse.Namespace, work: Path) -> Settings:
    """A scratch home whose models/ points at the real models, so every cache starts empty."""
    home = work / "home"
    home.mkdir()
    (home / "models").symlink_to(Settings().models_dir)
    corpus = work / "corpus"
    corpus.mkdir()
    return Settings(home=home, data_dir=work / "data", corpus_dir=corpus, embedder=args.embedder,
                    embed_threads=args.threads, llm_threads=1)  # fmt: skip


def step(name: str, settings: Settings, embedder: Embedder) -> IngestResult:
    result = ingest_corpus(settings, embedder=embedder)
    done = result.stats.embedded if result.stats else 0
    print(f"{name}: {result.seconds:.2f} s, {len(result.chunks)} chunks, {done} embedded", flush=True)
    return result


def run(args: argparse.Namespace, settings: Settings) -> dict[str, object]:
    corpus = settings.corpus_dir
    article_pdf(corpus / "rapport.pdf", args.pages, ROOT / "seeds")
    embedder = create_embedder(settings)
    started = time.perf_counter()
    embedder.embed_documents(["opwarmen"])  # the model load, once, as every new process pays it
    model_s = time.perf_counter() - started
    print(f"model load + warm-up: {model_s:.1f} s", flush=True)
    results: dict[str, object] = {"full": step("full build", settings, embedder)}
    results["load_after"] = os.getloadavg()[0]
    article_pdf(corpus / "bijlage.pdf", 2, ROOT / "seeds", seed=11)
    results["add"] = step("add a 2-page PDF", settings, embedder)
    article_pdf(corpus / "bijlage.pdf", 3, ROOT / "seeds", seed=11)  # same first pages, one more
    results["change"] = step("change it (a third page)", settings, embedder)
    (corpus / "bijlage.pdf").unlink()
    results["remove"] = step("remove it", settings, embedder)
    results["unchanged"] = step("unchanged", settings, embedder)
    return {"model_s": model_s, **results}


def render(settings: Settings, args: argparse.Namespace, numbers: dict[str, object], load: float) -> str:
    full, model_s = numbers["full"], float(str(numbers["model_s"]))
    after = float(str(numbers["load_after"]))
    assert isinstance(full, IngestResult) and full.stats is not None
    rows = [
        f"Measured {date.today().isoformat()} with `benchmarks/documents.py`: embedder `{settings.embedder}` "
        f"({settings.embed_model}), {settings.embed_threads} thread(s), chunks of <= {settings.chunk_tokens} "
        f"tokens; 1-minute load average {load:.2f} before the run and {after:.2f} after the full "
        f"build, on {os.cpu_count()} cores (other sessions shared the machine). The corpus: one "
        f"generated two-column Dutch article of {args.pages} pages (`benchmarks/article_pdf.py`), "
        f"{len(full.chunks)} chunks.",
        "",
        f"**Ingest of a {args.pages}-page PDF** (full build, empty caches, model already loaded):",
        "",
        "| step | seconds | share |",
        "|---|---:|---:|",
        *[_step_row(label, full.timings.get(key, 0.0), full.seconds) for key, label in STEPS],
        f"| **total** | **{full.seconds:.1f}** | |",
        "",
        f"{args.pages / full.seconds:.2f} pages/s in all; reading alone "
        f"{args.pages / max(full.timings.get('load', 0.0), 1e-9):.1f} pages/s; embedding "
        f"{full.stats.embedded / max(full.stats.embed_seconds, 1e-9):.2f} chunks/s. Loading the model "
        f"(once per process) took {model_s:.1f} s more.",
        "",
        "**One document added, changed, removed** in that indexed corpus, against the full build "
        "measured above in the same run (model loaded, as in `rag ingest --watch`):",
        "",
        "| change | seconds | chunks embedded | of the full build | with model load (new process) |",
        "|---|---:|---:|---:|---:|",
    ]
    labels = {"add": "add a 2-page PDF", "change": "change it (a third page)", "remove": "remove it",
              "unchanged": "nothing changed"}  # fmt: skip
    for key, label in labels.items():
        result = numbers[key]
        assert isinstance(result, IngestResult)
        embedded = result.stats.embedded if result.stats else 0
        cold = (result.seconds + (model_s if embedded else 0.0)) / (full.seconds + model_s)
        warm = _share(result.seconds / full.seconds)
        rows.append(f"| {label} | {result.seconds:.2f} | {embedded} | {warm} | {_share(cold)} |")
    add = numbers["add"]
    assert isinstance(add, IngestResult)
    ratio = add.seconds / full.seconds
    rows += ["", f"Adding one document: **{ratio:.1%}** of a full build (goal < {GOAL:.0%}: "
             f"{'met' if ratio < GOAL else 'NOT met'}). Where its time went: "
             + ", ".join(f"{label.split(' (')[0]} {add.timings.get(key, 0.0):.2f} s" for key, label in STEPS)
             + ". A removal loads no model: nothing is embedded. Without the extraction cache and the "
             f"reuse of saved chunks each change would also read ({full.timings.get('load', 0.0):.1f} s) "
             f"and chunk ({full.timings.get('chunk', 0.0):.1f} s) the whole corpus again, as the full "
             "build did.", ""]  # fmt: skip
    return "\n".join(rows)


def _share(ratio: float) -> str:
    return f"{ratio:.1%}" if ratio >= 0.01 else f"{ratio:.2%}"


def _step_row(label: str, seconds: float, total: float) -> str:
    return f"| {label} | {seconds:.1f} | {seconds / total:.0%} |"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument(
        "--embedder", choices=["sentence-transformers", "hashing"], default="sentence-transformers"
    )
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--output", default=str(ROOT / "BENCHMARKS.md"), help="markdown file, or - to print only"
    )
    args = parser.parse_args()
    load_before = os.getloadavg()[0]  # how busy the machine was: the figures depend on it
    with tempfile.TemporaryDirectory(prefix="rag-bench-documents-") as scratch:
        settings = bench_settings(args, Path(scratch))
        body = render(settings, args, run(args, settings), load_before)
    print(body)
    if args.output != "-":
        output = Path(args.output)
        write_section(output, SECTION, body)


if __name__ == "__main__":
    main()
