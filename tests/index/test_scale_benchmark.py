"""benchmarks/scale.py end to end at a small size: the figures it writes are sane and its
BENCHMARKS.md section holds them (the million-chunk run itself is made by hand)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

from rag.corpus import chunk_documents, load_corpus
from rag.embedders import HashingEmbedder
from rag.index.store import build_index, save_index
from rag.testing import SEEDS
from rag.testing import test_settings as make_settings

ROOT = Path(__file__).resolve().parents[2]
CHUNKS, HNSW_CHUNKS = 5000, 3000


def _seed_index(tmp_path: Path) -> Path:
    settings = make_settings(tmp_path)
    embedder = HashingEmbedder()
    documents = load_corpus(SEEDS).documents
    chunks = chunk_documents(
        documents, embedder.count_tokens, target_tokens=settings.chunk_tokens,
        overlap_tokens=settings.chunk_overlap,
    )  # fmt: skip
    save_index(build_index(settings, embedder, documents, chunks), settings.index_dir)
    return settings.index_dir


def test_small_run_reports_sane_figures(tmp_path: Path) -> None:
    results, output = tmp_path / "scale.json", tmp_path / "BENCH.md"
    output.write_text("# Benchmarks\n\n## Ingest\n\nkept\n", encoding="utf-8")
    command = [
        sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--chunks", str(CHUNKS), "--queries", "40",
        "--hnsw-chunks", str(HNSW_CHUNKS), "--seed-index", str(_seed_index(tmp_path)),
        "--results", str(results), "--output", str(output),
    ]  # fmt: skip
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True, timeout=600)
    rows = json.loads(results.read_text())["rows"]
    for name in ("flat", "ivf-sq8", "ivf-pq", "hnsw", "hnsw-sq8"):
        row = rows[name]
        assert 0.0 <= row["recall"] <= 1.0, name
        assert 0 < row["p50_ms"] <= row["p95_ms"], name
        assert row["disk_bytes"] > 0 and row["mmap"]["warm_p95_ms"] > 0, name
    assert rows["flat"]["recall"] == 1.0  # exact search is its own ground truth
    assert rows["flat"]["n"] == rows["ivf-sq8"]["n"] == CHUNKS
    assert rows["ivf-sq8"]["nlist"] == round(4 * math.sqrt(CHUNKS))
    assert rows["ivf-sq8"]["disk_bytes"] < rows["flat"]["disk_bytes"] / 3  # 1 byte a dimension, not 4
    assert rows["hnsw"]["n"] == HNSW_CHUNKS
    assert rows["hnsw"]["extrapolated"]["build_s_at_n"] > rows["hnsw"]["build_s"]
    assert rows["bm25"]["n"] == CHUNKS and rows["bm25"]["hits"] > 0.5  # query words come from the seeds
    assert rows["hybrid"]["p95_ms"] > 0 and rows["hybrid"]["index"] == "ivf-sq8"
    section = output.read_text(encoding="utf-8")
    assert "kept" in section and "## A million chunks" in section
    assert f"| ivf-sq8 | {CHUNKS:,} |" in section and "recall@10" in section
