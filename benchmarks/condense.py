"""The follow-up rewrite, side by side in one run: the call as it was (the whole history, turns
of up to 600 characters, 96 tokens) against the call as it is (the last two exchanges, turns
cut to 300 characters, 64 tokens), with the embedded model on one thread, interleaved; and how
many gold questions skip it altogether.

    .venv/bin/python benchmarks/condense.py          # writes the "Follow-up rewrite" section
    .venv/bin/python benchmarks/condense.py --quick  # one repeat, prints only
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from benchmd import write_section  # noqa: E402

from rag.answering import condense as now  # noqa: E402
from rag.answering.prompt import SYSTEM_PROMPT  # noqa: E402
from rag.answering.side import ask  # noqa: E402
from rag.config import Settings  # noqa: E402
from rag.generators import create_generator  # noqa: E402
from rag.generators.base import Generator, Message  # noqa: E402
from rag.text import TextAnalyser  # noqa: E402
from rag.text.language import answer_language  # noqa: E402
from rag.types import Turn  # noqa: E402

SECTION = "Follow-up rewrite"
ANSWER = (
    "Stoltenberg zei dat het gebruik van kernwapens door de NAVO extreem ver weg is en dat de NAVO "
    "bewust in het midden laat wanneer zij ze zou inzetten [1].\n\n“Voor de NAVO zou overwegen "
    "kernwapens in te zetten moet er ontzettend veel gebeuren, zegt NAVO-chef Jens Stoltenberg.” [1]"
)
HISTORY = [
    Turn(role="user", content="Waarom wil Rusland tactische kernwapens in Belarus plaatsen?"),
    Turn(role="assistant", content="Als antwoord op Britse munitie met verarmd uranium [1]. " + ANSWER[:300]),
    Turn(role="user", content="Wat zei Stoltenberg over kernwapens?"),
    Turn(role="assistant", content=ANSWER),
    Turn(role="user", content="Wanneer zei hij dat?"),
    Turn(
        role="assistant",
        content="In oktober 2022, na tweedaags overleg met de defensieministers [1]. " + ANSWER,
    ),
]
FOLLOW_UP = "En wat zei hij daarover op 17 juni 2024?"


def old_call(gen: Generator, question: str, history: list[Turn]) -> tuple[str, int]:
    lines = [f"{t.role}: {t.content[:600]}" for t in history]
    user = "Conversation:\n" + "\n".join(lines) + f"\n\nLast question: {question}"
    reply = ask(gen, "condense", now.CONDENSE_PROMPT, user, schema=now._SCHEMA, max_tokens=96, language="nl")
    return reply.text, reply.call.prompt_tokens


def new_call(gen: Generator, question: str, history: list[Turn]) -> tuple[str, int]:
    user = now._conversation(question, history)
    reply = ask(
        gen, "condense", now.CONDENSE_PROMPT, user, schema=now._SCHEMA,
        max_tokens=now.MAX_REWRITE_TOKENS, language="nl",
    )  # fmt: skip
    return reply.text, reply.call.prompt_tokens


def timed(
    call: Callable[[Generator, str, list[Turn]], tuple[str, int]], gen: Generator
) -> tuple[float, str, int]:
    started = time.perf_counter()
    text, tokens = call(gen, FOLLOW_UP, HISTORY)
    return time.perf_counter() - started, text, tokens


def gold_skips() -> tuple[int, int]:
    """How many public and own gold questions would skip the rewrite if asked after history."""
    files = [ROOT.parent / "shared" / "eval" / "gold_public.jsonl", ROOT / "eval" / "gold.jsonl"]
    questions = [
        json.loads(x)["question"] for f in files if f.exists() for x in f.read_text().splitlines() if x
    ]
    analyser = TextAnalyser()
    skipped = sum(now.stands_alone(q, answer_language(q), analyser) for q in questions)
    return skipped, len(questions)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3
    settings = Settings(llm_threads=1, embed_threads=1)
    gen = create_generator(settings)
    gen.warmup((Message(role="system", content=SYSTEM_PROMPT),))  # type: ignore[attr-defined]
    load = os.getloadavg()[0]
    old: list[float] = []
    new: list[float] = []
    for _ in range(repeats):  # interleaved, so both see the same machine
        seconds, old_text, old_tokens = timed(old_call, gen)
        old.append(seconds)
        seconds, new_text, new_tokens = timed(new_call, gen)
        new.append(seconds)
    skipped, total = gold_skips()
    body = "\n".join([
        f"Measured {date.today()} with `benchmarks/condense.py`: {settings.llm_model} through llama.cpp, "
        f"1 thread, {repeats} interleaved repeats, load average {load:.2f} at the start (2 shared cores). "
        f"A follow-up (\"{FOLLOW_UP}\") after three exchanges.",
        "",
        "| rewrite call | prompt tokens | median s |",
        "|---|---:|---:|",
        f"| before: whole history, 96 tokens | {old_tokens} | {statistics.median(old):.2f} |",
        f"| now: last two exchanges, turns cut to 300 chars, 64 tokens | {new_tokens} "
        f"| {statistics.median(new):.2f} |",
        "| now, a question that stands alone | 0 | 0 (no call) |",
        "",
        f"Ratio now / before: **{statistics.median(new) / statistics.median(old):.2f}x**. Rewrites: "
        f"before `{old_text}`; now `{new_text}`.",
        f"Of the {total} public and own gold questions, {skipped} stand alone by the rule and would skip "
        "the call when asked after earlier questions (the rule is not fitted to them).",
        "",
    ])  # fmt: skip
    print(body)
    if not args.quick:
        path = ROOT / "BENCHMARKS.md"
        write_section(path, SECTION, body)


if __name__ == "__main__":
    main()
