"""The BENCHMARKS.md plumbing of benchmarks/threads.py (the measurement itself runs by hand)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

# Loaded by path: a dependency installs an unrelated top-level package called `benchmarks`.
_SPEC = importlib.util.spec_from_file_location(
    "threads_bench", Path(__file__).resolve().parents[2] / "benchmarks" / "threads.py"
)
assert _SPEC is not None and _SPEC.loader is not None
bench = importlib.util.module_from_spec(_SPEC)
sys.modules["threads_bench"] = bench
_SPEC.loader.exec_module(bench)
QUICK, recommendation, render = bench.QUICK, bench.recommendation, bench.render
replace_section = sys.modules["benchmd"].replace_section  # imported by threads.py from its folder

ROWS = [("embed", 10.0, 5.5, "s"), ("prefill", 90.0, 170.0, "tokens/s"), ("generate", 20.0, 30.0, "tokens/s")]


def test_section_is_replaced_in_place_and_others_kept():
    doc = "# Benchmarks\n\n## Ingest\n\nold ingest\n\n## Threads\n\nold threads\n\n## Answers\n\nkept\n"
    new = replace_section(doc, "Threads", "new threads\n")
    assert "old threads" not in new and "new threads" in new
    assert new.index("## Ingest") < new.index("## Threads") < new.index("## Answers")
    assert "old ingest" in new and "kept" in new
    assert replace_section(new, "Threads", "new threads\n") == new  # stable on re-run


def test_section_is_appended_or_starts_a_file():
    assert replace_section("", "Threads", "x\n") == "# Benchmarks\n\n## Threads\n\nx\n"
    assert replace_section("# B\n\n## Other\n\ny\n", "Threads", "x\n").endswith(
        "## Other\n\ny\n\n## Threads\n\nx\n"
    )


def test_ratios_and_recommendation():
    text = render(ROWS, QUICK, load=0.1, quick=False)
    assert "| embed | 10.00 s | 5.50 s | 1.82× |" in text
    assert "1.50× |" in text
    assert "RAG_LLM_THREADS=2" in recommendation(ROWS, load=0.1)
    assert "keep 1 thread" in recommendation([("embed", 10.0, 9.0, "s")], load=0.1)
    assert "not idle" in recommendation(ROWS, load=1.5)
