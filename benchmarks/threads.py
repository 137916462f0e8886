"""1 thread vs 2 threads for the embedder and the LLM, measured side by side in one run.

Run on an otherwise idle machine (busy cores make 2 threads collapse, see BENCHMARKS.md):

    .venv/bin/python benchmarks/threads.py            # full run, writes the "Threads" section
    .venv/bin/python benchmarks/threads.py --quick    # tiny inputs, prints only (a smoke test)

Embedder: encode 16 passages (batch 8). LLM: prefill ~600 tokens, then generate 64 tokens.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from benchmd import write_section  # noqa: E402

from rag.config import Settings  # noqa: E402

SECTION = "Threads"
FILLER = (
    "De NAVO-landen bespraken in Brussel de steun aan Oekraïne, de productie van munitie en de "
    "afschrikking aan de oostflank, terwijl Rusland oefeningen met tactische kernwapens aankondigde. "
)


@dataclass
class Sizes:
    passages: int
    words: int
    prompt_tokens: int
    gen_tokens: int


FULL = Sizes(passages=16, words=120, prompt_tokens=600, gen_tokens=64)
QUICK = Sizes(passages=2, words=20, prompt_tokens=40, gen_tokens=4)


def passages(settings: Settings, sizes: Sizes) -> list[str]:
    """Windows of real seed text when there is any, else repeated filler."""
    words = " ".join(
        p.read_text(encoding="utf-8", errors="replace") for p in sorted(settings.corpus_dir.rglob("*.txt"))
    )
    pool = words.split() or (FILLER * 50).split()
    out = []
    for i in range(sizes.passages):
        start = (i * sizes.words) % max(1, len(pool) - sizes.words)
        out.append(" ".join(pool[start : start + sizes.words]))
    return out


def time_embedder(settings: Settings, texts: list[str], threads: int) -> float:
    import torch
    from sentence_transformers import SentenceTransformer

    from rag.models.check import set_offline_env
    from rag.models.registry import resolve_embed_model

    set_offline_env()
    torch.set_num_threads(threads)
    model = SentenceTransformer(resolve_embed_model(settings), device="cpu")
    model.encode_document(texts[:1])  # warm-up
    start = time.perf_counter()
    model.encode_document(texts, batch_size=settings.embed_batch_size)
    return time.perf_counter() - start


def time_llm(settings: Settings, sizes: Sizes, threads: int) -> tuple[float, float]:
    """(prefill tokens/s, generation tokens/s) with a fresh model, so no KV cache is reused."""
    from rag.models.check import load_llama

    llm: Any = load_llama(
        settings.model_copy(update={"llm_threads": threads}), n_ctx=sizes.prompt_tokens + 128
    )
    prompt = llm.tokenize((FILLER * 40).encode())[: sizes.prompt_tokens]
    no_eos = {llm.token_eos(): -1e9}  # always generate the full count
    start = time.perf_counter()
    first = None
    count = 0
    for _ in llm.create_completion(
        prompt, max_tokens=sizes.gen_tokens, temperature=0.0, logit_bias=no_eos, stream=True
    ):
        first = first or time.perf_counter()
        count += 1
    end = time.perf_counter()
    del llm
    assert first is not None
    prefill = len(prompt) / (first - start)
    generate = (count - 1) / (end - first) if count > 1 else 0.0
    return prefill, generate


def render(rows: list[tuple[str, float, float, str]], sizes: Sizes, load: float, quick: bool) -> str:
    lines = [
        f"Measured {date.today().isoformat()} on {os.cpu_count()} cores; "
        f"load average before the run {load:.2f}"
        + (" — **quick run on tiny inputs, not representative**." if quick else "."),
        f"Embedder: {sizes.passages} passages of {sizes.words} words. LLM: prefill {sizes.prompt_tokens} "
        f"tokens, generate {sizes.gen_tokens}.",
        "",
        "| task | 1 thread | 2 threads | speed-up with 2 |",
        "|---|---|---|---|",
    ]
    for task, one, two, unit in rows:
        ratio = two / one if unit.endswith("/s") else one / two
        lines.append(f"| {task} | {one:.2f} {unit} | {two:.2f} {unit} | {ratio:.2f}× |")
    lines += ["", recommendation(rows, load)]
    return "\n".join(lines) + "\n"


def recommendation(rows: list[tuple[str, float, float, str]], load: float) -> str:
    speedups = [(two / one if unit.endswith("/s") else one / two) for _, one, two, unit in rows]
    if load > 0.5:
        return "The machine was not idle, so these ratios understate 2 threads; re-run when it is."
    if min(speedups) >= 1.3:
        return (
            "Recommendation: on an idle machine set `RAG_EMBED_THREADS=2` and `RAG_LLM_THREADS=2`; "
            "keep 1 (the default) whenever anything else runs (tests, ingest while chatting)."
        )
    return "Recommendation: keep 1 thread (the default); 2 threads gain too little here."


def run(settings: Settings, sizes: Sizes) -> list[tuple[str, float, float, str]]:
    texts = passages(settings, sizes)
    emb = [time_embedder(settings, texts, n) for n in (1, 2)]
    llm = [time_llm(settings, sizes, n) for n in (1, 2)]
    return [
        (f"embed {sizes.passages} passages", emb[0], emb[1], "s"),
        (f"LLM prefill {sizes.prompt_tokens} tokens", llm[0][0], llm[1][0], "tokens/s"),
        (f"LLM generate {sizes.gen_tokens} tokens", llm[0][1], llm[1][1], "tokens/s"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny inputs; print only unless --output is given"
    )
    parser.add_argument(
        "--output", type=Path, default=None, help="markdown file to update (default BENCHMARKS.md)"
    )
    args = parser.parse_args()
    output = args.output or (None if args.quick else ROOT / "BENCHMARKS.md")
    load = os.getloadavg()[0]
    if load > 0.5:
        print(f"warning: load average {load:.2f}: the machine is busy, 2-thread figures will suffer")
    sizes = QUICK if args.quick else FULL
    body = render(run(Settings(), sizes), sizes, load, args.quick)
    print(body)
    if output is not None:
        write_section(output, SECTION, body)


if __name__ == "__main__":
    main()
