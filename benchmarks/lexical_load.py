"""BM25 at start-up: building it from the chunks (what every start did before the index saved
it) against loading the saved file (what a start does now), side by side in one run, on the
synthetic corpus of benchmarks/scale.py (texts from the seed sentences). Checks that the loaded
index scores every query exactly as the built one.

    .venv/bin/python benchmarks/lexical_load.py --chunks 200000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale_data as data  # noqa: E402
from benchmd import write_section  # noqa: E402

from rag.files import sha256_file  # noqa: E402
from rag.index.lexical import LexicalIndex  # noqa: E402
from rag.text import TextAnalyser  # noqa: E402
from rag.text.language import answer_language  # noqa: E402

SECTION = "BM25 at start-up: saved, not rebuilt"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chunks", type=int, nargs="+", default=[20_000, 200_000])
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--seed-index", type=Path, default=ROOT / ".rag" / "index")
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"), help="'-' prints only")
    args = parser.parse_args()
    seeds = data.load_seeds(args.seed_index)
    load_before = os.getloadavg()[0]
    rows = []
    for n in args.chunks:
        rng = np.random.default_rng(0)
        topics = data.make_topics(seeds, n, rng)
        chunks = data.make_chunks(seeds, topics, n, rng)
        queries = [
            data.query_text(seeds, int(rng.integers(0, len(seeds.texts))), rng) for _ in range(args.queries)
        ]
        built = LexicalIndex()
        started = time.perf_counter()
        built.build(chunks)
        build_s = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as work:
            path = Path(work) / "lexical.npz"
            started = time.perf_counter()
            built.save(path)
            save_s = time.perf_counter() - started
            size_mb = path.stat().st_size / 2**20
            started = time.perf_counter()
            sha256_file(path)  # what load_index's checksum check costs on top
            loaded = LexicalIndex.load(path, TextAnalyser(), n)
            load_s = time.perf_counter() - started
        assert loaded is not None
        same = all(
            np.array_equal(built.scores(q, answer_language(q)), loaded.scores(q, answer_language(q)))
            for q in queries
        )
        rows.append((n, build_s, save_s, load_s, size_mb, same))
        print(f"{n} chunks: build {build_s:.1f} s, save {save_s:.2f} s, load {load_s:.2f} s, same {same}")
    lines = [
        f"Measured {date.today().isoformat()} with `benchmarks/lexical_load.py` (one process, load average "
        f"{load_before:.2f} at the start), synthetic chunks from the seed sentences as in "
        '"A million chunks". '
        "Before, every start (`rag chat`, `answer()`, `rag ask`) built the BM25 leg from the chunks; now "
        "`rag ingest` saves it with the index (`lexical.npz`, checksummed like the other files) and a start "
        "loads it; the load time includes the file's checksum check. An index saved before this still "
        "loads and builds it as before.",
        "",
        "| chunks | build (before) s | load (now) s | ratio load / build | file MB | save s | same scores |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    for n, build_s, save_s, load_s, size_mb, same in rows:
        lines.append(
            f"| {n:,} | {build_s:.1f} | {load_s:.2f} | {load_s / build_s:.3f} | {size_mb:.0f} | "
            f"{save_s:.2f} | {'yes' if same else '**no**'} |"
        )
    body = "\n".join(lines) + "\n"
    if args.output == "-":
        print(body)
    else:
        write_section(Path(args.output), SECTION, body)


if __name__ == "__main__":
    main()
