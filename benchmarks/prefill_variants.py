"""Prompt reading (prefill) speed of the built-in model in the forms llama.cpp can run it here.

Time to first words is bound by how fast llama.cpp reads the question's uncached prompt tokens
(BENCHMARKS.md, "Time to first words against raw llama.cpp"). This measures whether another
form of the same model reads faster, side by side in one run, rounds interleaved so load on the
machine hits every variant alike:

- the shipped GGUF (Q4_K_M), with and without flash attention;
- the same file requantised by llama.cpp's own quantiser to Q4_0 (the type with the most
  hand-written CPU kernels) and to Q8_0 (int8 dot products, VNNI). No other file of this model
  is packaged, so these are the only variants a user could get offline; requantising an already
  quantised model can only lose quality, so they are measured for speed only.

Each variant reads the same 500 Dutch tokens from a fresh KV cache (the size of a question's
uncached part of the answer prompt) and then generates 32 tokens greedily.

    .venv/bin/python benchmarks/prefill_variants.py                 # 1 and 2 threads, writes BENCHMARKS.md
    .venv/bin/python benchmarks/prefill_variants.py --threads 1 --rounds 1 --output /tmp/p.md
"""

from __future__ import annotations

import argparse
import ctypes
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from benchmd import write_section  # noqa: E402

from rag.config import Settings  # noqa: E402
from rag.models.registry import resolve_llm_path  # noqa: E402

SECTION = "Prefill speed of the model's variants"
PROMPT_TOKENS = 500
GENERATED = 32


@dataclass(frozen=True)
class Variant:
    name: str
    path: Path
    flash_attn: bool = False


def requantise(source: Path, target: Path, ftype: int) -> Path:
    """`source` requantised to llama.cpp file type `ftype` at `target` (kept for the next run)."""
    import llama_cpp

    if target.exists():
        return target
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = ftype
    params.allow_requantize = True
    params.nthread = 1
    partial = target.with_suffix(".partial")
    code = llama_cpp.llama_model_quantize(str(source).encode(), str(partial).encode(), ctypes.byref(params))
    if code != 0:
        raise SystemExit(f"llama.cpp could not requantise {source} (code {code})")
    partial.rename(target)
    return target


def measure(variant: Variant, threads: int, text: str) -> tuple[float, float]:
    """(prompt tokens read per second, tokens generated per second)."""
    from llama_cpp import Llama

    llm = Llama(
        str(variant.path), n_ctx=2048, n_threads=threads, n_threads_batch=threads, n_batch=512,
        flash_attn=variant.flash_attn, verbose=False,
    )  # fmt: skip
    tokens = llm.tokenize(text.encode())[:PROMPT_TOKENS]
    llm.reset()
    started = time.perf_counter()
    llm.eval(tokens)
    prefill = len(tokens) / (time.perf_counter() - started)
    started, made = time.perf_counter(), 0
    for _ in llm.generate(tokens[-1:], temp=0.0, reset=False):
        made += 1
        if made >= GENERATED:
            break
    generation = made / (time.perf_counter() - started)
    del llm
    return prefill, generation


def main() -> None:
    import llama_cpp

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, action="append", help="repeatable; default 1 and 2")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "rag-prefill-variants")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args()
    threads = args.threads or [1, 2]
    shipped = resolve_llm_path(Settings())
    args.work.mkdir(parents=True, exist_ok=True)
    q4_0, q8_0 = llama_cpp.LLAMA_FTYPE_MOSTLY_Q4_0, llama_cpp.LLAMA_FTYPE_MOSTLY_Q8_0
    variants = [
        Variant("Q4_K_M, shipped", shipped),
        Variant("Q4_K_M, shipped, flash attention", shipped, flash_attn=True),
        Variant("Q4_0, requantised", requantise(shipped, args.work / "q4_0.gguf", q4_0)),
        Variant("Q8_0, requantised", requantise(shipped, args.work / "q8_0.gguf", q8_0)),
    ]
    seed = next((ROOT / "seeds").glob("001_*.txt"))
    text = seed.read_text(encoding="utf-8")[5000:9000]
    load = os.getloadavg()[0]
    results: dict[tuple[str, int], list[tuple[float, float]]] = {}
    for round_ in range(args.rounds):
        for n in threads:
            for variant in variants:
                got = measure(variant, n, text)
                results.setdefault((variant.name, n), []).append(got)
                speeds = f"{got[0]:.1f} / {got[1]:.1f} tokens/s"
                print(f"round {round_ + 1}, {n} thread(s), {variant.name}: {speeds}", flush=True)
    write_section(args.output, SECTION, render(variants, threads, results, args.rounds, load))


def render(
    variants: list[Variant], threads: list[int], results: dict[tuple[str, int], list[tuple[float, float]]],
    rounds: int, load: float,
) -> str:  # fmt: skip
    def median(name: str, n: int, at: int) -> float:
        return statistics.median(r[at] for r in results[(name, n)])

    base = variants[0].name
    columns = "prefill {n}t (tokens/s) | vs shipped | generation {n}t (tokens/s)"
    head = "| variant | " + " | ".join(columns.format(n=n) for n in threads) + " |"
    rule = "|---|" + "---:|---:|---:|" * len(threads)
    rows = []
    for v in variants:
        cells = []
        for n in threads:
            p, g = median(v.name, n, 0), median(v.name, n, 1)
            cells.append(f"{p:.1f} | {p / median(base, n, 0):.2f}x | {g:.1f}")
        rows.append(f"| {v.name} | " + " | ".join(cells) + " |")
    return (
        f"Measured {date.today().isoformat()} with `benchmarks/prefill_variants.py`, load average "
        f"{load:.2f} before the run; {PROMPT_TOKENS} Dutch prompt tokens from a fresh KV cache, then "
        f"{GENERATED} tokens generated greedily; median of {rounds} interleaved rounds.\n\n"
        + "\n".join([head, rule, *rows])
        + "\n"
    )


if __name__ == "__main__":
    main()
