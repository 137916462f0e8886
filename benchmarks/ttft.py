"""Time to first words of `Assistant.answer()` against raw llama.cpp on the very same prompt.

For each question the Assistant answers first (the LLM call it makes is recorded: its messages,
when it was called, when its first token came, how many tokens it produced); then a second,
plain `llama_cpp.Llama` instance reads the same messages, side by side in the same run, so load
on the machine hits both alike:

- raw prefill, cold: a fresh KV cache, the whole prompt read;
- raw prefill, warm: the system message evaluated first (as `Assistant.warm_up` does), then the
  prompt, so only the question's own tokens are read — the fair twin of the Assistant's call;
- raw generation: the same number of tokens, without and with the answer's JSON schema.

The breakdown splits the Assistant's time to first words into retrieval, the follow-up rewrite,
prefill (call to first model token), and the rest (the JSON grammar's first field, the checks:
first token to first readable words).

    .venv/bin/python benchmarks/ttft.py                 # 1 and 2 threads, writes BENCHMARKS.md
    .venv/bin/python benchmarks/ttft.py --quick         # 2 questions, 1 thread, prints only
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from benchmd import write_section  # noqa: E402

from rag.config import Settings  # noqa: E402
from rag.generators.base import GenerationRequest  # noqa: E402

SECTION = "Time to first words against raw llama.cpp"
GOLD = ROOT.parent / "shared" / "eval" / "gold_public.jsonl"


@dataclass
class Call:
    task: str
    request: GenerationRequest
    called: float
    first: float | None = None
    ended: float = 0.0
    tokens: int = 0  # streamed pieces: one token each for llama.cpp


@dataclass
class Recorder:
    """Wraps the Assistant's generator and notes every call it makes."""

    inner: Any
    calls: list[Call] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:  # name, model, count_tokens, warmup, ...
        return getattr(self.inner, name)

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        call = Call(request.task, request, time.perf_counter())
        self.calls.append(call)
        for piece in self.inner.stream(request):
            call.first = call.first or time.perf_counter()
            call.tokens += 1
            yield piece
        call.ended = time.perf_counter()


@dataclass
class Row:
    question: str
    prompt_tokens: int
    ttft: float  # the Assistant's first readable words
    retrieve: float
    rewrite: float
    prefill: float
    after_first_token: float
    app_gen_tps: float
    raw_cold: float
    raw_warm: float
    raw_gen_tps: float
    raw_gen_grammar_tps: float


def questions(n: int) -> list[dict[str, Any]]:
    import json

    items = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    answerable = [i for i in items if i.get("key_facts")]
    step = max(1, len(answerable) // n)
    return answerable[::step][:n]


def timed_completion(
    llm: Any, messages: list[dict[str, str]], max_tokens: int, **extra: Any
) -> tuple[float, float, int]:
    """(seconds to the first token, tokens/s after it, tokens) of one streamed chat completion."""
    start = time.perf_counter()
    first = None
    count = 0
    for chunk in llm.create_chat_completion(
        messages=messages, max_tokens=max_tokens, temperature=0.1, seed=0, stream=True, **extra
    ):
        if chunk["choices"][0].get("delta", {}).get("content"):
            first = first or time.perf_counter()
            count += 1
    end = time.perf_counter()
    first = first or end
    rate = (count - 1) / (end - first) if count > 1 and end > first else 0.0
    return first - start, rate, count


def raw_figures(llm: Any, call: Call) -> tuple[float, float, float, float]:
    messages = [m.model_dump() for m in call.request.messages]
    llm.reset()
    cold, _, _ = timed_completion(llm, messages, 1)
    llm.reset()
    timed_completion(llm, messages[:1], 1)  # the system message, as warm_up does
    warm, _, _ = timed_completion(llm, messages, 1)
    tokens = max(8, call.tokens)
    no_eos = {llm.token_eos(): -1e9}  # produce the same number of tokens as the Assistant did
    _, plain, _ = timed_completion(llm, messages, tokens, logit_bias=no_eos)
    schema = call.request.schema_
    fmt = {"response_format": {"type": "json_object", "schema": schema}} if schema else {}
    _, grammar, _ = timed_completion(llm, messages, tokens, **fmt)
    return cold, warm, plain, grammar


def measure(settings: Settings, n_questions: int) -> list[Row]:
    from llama_cpp import Llama

    from rag.answering.pipeline import Assistant
    from rag.models.registry import resolve_llm_path

    base = Assistant.from_settings(settings)
    recorder = Recorder(base.generator)
    assistant = Assistant(settings, index=base.index, embedder=base.embedder, generator=recorder)  # type: ignore[arg-type]
    assistant.warm_up()
    raw = Llama(
        model_path=str(resolve_llm_path(settings)), n_ctx=settings.n_ctx, n_threads=settings.llm_threads,
        n_threads_batch=settings.llm_threads, seed=0, verbose=False,
    )  # fmt: skip
    rows = []
    for item in questions(n_questions):
        recorder.calls.clear()
        started = time.perf_counter()
        answer = assistant.answer(item["question"], item.get("history") or None)
        calls = list(recorder.calls)
        main = next((c for c in calls if c.task == "answer"), None)
        if main is None or main.first is None or answer.timings.first_token_s is None:
            print(f"  skipped (no model call): {item['id']}")
            continue
        rewrite = sum(c.ended - c.called for c in calls if c.task == "condense")
        cold, warm, plain, grammar = raw_figures(raw, main)
        gen_tps = (main.tokens - 1) / (main.ended - main.first) if main.tokens > 1 else 0.0
        row = Row(
            question=item["id"],
            prompt_tokens=answer.prompt_tokens or 0,
            ttft=answer.timings.first_token_s,
            retrieve=answer.timings.retrieve_s,
            rewrite=rewrite,
            prefill=main.first - main.called,
            after_first_token=answer.timings.first_token_s - (main.first - started),
            app_gen_tps=gen_tps,
            raw_cold=cold,
            raw_warm=warm,
            raw_gen_tps=plain,
            raw_gen_grammar_tps=grammar,
        )
        print(
            f"  {row.question}: {row.prompt_tokens} tokens, first words {row.ttft:.1f} s "
            f"(prefill {row.prefill:.1f} s; raw warm {warm:.1f} s, cold {cold:.1f} s)"
        )
        rows.append(row)
    return rows


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def render(results: dict[int, list[Row]], load: float, quick: bool) -> str:
    lines = [
        f"Measured {date.today().isoformat()} with `benchmarks/ttft.py` on {os.cpu_count()} cores, "
        f"load average before the run {load:.2f}"
        + (" — **quick run, not representative**." if quick else ".")
        + " Public gold questions with key facts (every k-th, follow-ups with their history); "
        "each answered by `Assistant.answer()` (prompt cache warmed, as in the chat), then its LLM "
        "call replayed on a plain `llama_cpp.Llama` in the same run. Medians.",
        "",
        "| figure | " + " | ".join(f"{t} thread{'s' if t > 1 else ''}" for t in results) + " |",
        "|---|" + "---:|" * len(results),
    ]

    def row(label: str, fn: Any, fmt: str = "{:.2f}") -> None:
        lines.append(f"| {label} | " + " | ".join(fmt.format(fn(rs)) for rs in results.values()) + " |")

    row("questions", len, "{}")
    row("prompt tokens", lambda rs: median([r.prompt_tokens for r in rs]), "{:.0f}")
    row("**first words, `answer()`** (s)", lambda rs: median([r.ttft for r in rs]))
    row("— retrieval (s)", lambda rs: median([r.retrieve for r in rs]))
    row(
        "— follow-up rewrite, when asked (s)",
        lambda rs: median([r.rewrite for r in rs if r.rewrite]) if any(r.rewrite for r in rs) else 0.0,
    )
    row("— prefill of the answer call (s)", lambda rs: median([r.prefill for r in rs]))
    row(
        "— first token to first words: JSON, checks (s)", lambda rs: median([r.after_first_token for r in rs])
    )
    row("raw llama.cpp prefill, warm system prompt (s)", lambda rs: median([r.raw_warm for r in rs]))
    row("raw llama.cpp prefill, cold (s)", lambda rs: median([r.raw_cold for r in rs]))
    row(
        "**ratio first words / raw warm prefill** (goal ≤ 1.3)",
        lambda rs: median([r.ttft / r.raw_warm for r in rs]),
    )
    row(
        "ratio answer-call prefill / raw warm prefill",
        lambda rs: median([r.prefill / r.raw_warm for r in rs]),
    )
    row("generation, `answer()` (tokens/s)", lambda rs: median([r.app_gen_tps for r in rs]))
    row("generation, raw plain (tokens/s)", lambda rs: median([r.raw_gen_tps for r in rs]))
    row(
        "generation, raw with the same JSON schema (tokens/s)",
        lambda rs: median([r.raw_gen_grammar_tps for r in rs]),
    )
    row(
        "**ratio generation `answer()` / raw plain** (goal ≥ 0.9)",
        lambda rs: median([r.app_gen_tps / r.raw_gen_tps for r in rs if r.raw_gen_tps]),
    )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="2 questions, 1 thread; print only")
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--output", type=Path, default=None, help="markdown file (default BENCHMARKS.md)")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    threads = [1] if args.quick else args.threads
    n = 2 if args.quick else args.questions
    results = {}
    for t in threads:
        print(f"{t} thread(s):")
        settings = Settings(llm_threads=t, embed_threads=t, generator="llama-cpp")
        results[t] = measure(settings, n)
    body = render(results, load, args.quick)
    print(body)
    output = args.output or (None if args.quick else ROOT / "BENCHMARKS.md")
    if output is not None:
        write_section(output, SECTION, body)


if __name__ == "__main__":
    main()
