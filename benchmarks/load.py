"""A bounded load test of `rag chat`: concurrent chat sessions against the real server, then a
soak that watches its memory. Loopback only, a fixed count and duration, stops by itself.

    .venv/bin/python benchmarks/load.py            # 20 sessions for 2 minutes + a 200-question soak
    .venv/bin/python benchmarks/load.py --quick    # 3 sessions for 10 s + 18 questions, prints only
    .venv/bin/python benchmarks/load.py --real     # the real models: 4 sessions for 4 minutes, no soak

`rag chat` runs as its own process (the scripted generator and the hashing embedder over the seed
documents, so the figures are the server's and the queue's, not a model's), bound to 127.0.0.1
on a free port. Each session is a gradio_client Client (its own session, so its own conversation
state on the server) that asks a question, waits for the whole streamed answer, and asks the
next, as a person would. Per question: the queue wait (submitted -> processing starts), the
latency (submitted -> answer complete), the highest queue position the session was shown, and
whether it ended in an error. The soak then asks `--soak` more questions from fresh sessions and
reads the server's resident memory (VmRSS) at the start, the middle and the end.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from benchmd import write_section  # noqa: E402

SECTION = "Load"
CLI = "import sys; sys.argv[0] = 'rag'; from rag.cli import main; main()"
QUESTIONS = [
    "Waarom wil Rusland tactische kernwapens in Belarus plaatsen?",
    "What did Stoltenberg say about NATO using nuclear weapons?",
    "Wat zei Poetin in juni 2024 over de nucleaire doctrine?",
    "How did the West react to Russia's nuclear threats?",
    "Welke landen leiden de eFP-missie in de Baltische staten?",
    "En wat zei hij daarover?",  # a follow-up: the rewrite runs too
]


@dataclass
class Sample:
    wait_s: float
    latency_s: float
    max_position: int | None
    error: str | None = None


@dataclass
class Results:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of a process (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def start_server(workdir: Path, generator: str) -> tuple[subprocess.Popen[bytes], str]:
    """Ingest the seeds and serve `rag chat` on a free loopback port; wait until it answers.
    With the scripted generator the offline twins serve; otherwise the installed models (one
    thread each, as the tests use them)."""
    twins = {"RAG_HOME": str(workdir / "home"), "RAG_EMBEDDER": "hashing"}
    real = {"RAG_EMBED_THREADS": "1", "RAG_LLM_THREADS": "1"}
    env = {
        **os.environ,
        **(twins if generator == "scripted" else real),
        "RAG_DATA_DIR": str(workdir / "data"),
        "RAG_CORPUS_DIR": str(ROOT / "seeds"),
        "RAG_GENERATOR": generator,
        "RAG_FEEDBACK_PATH": str(workdir / "feedback.jsonl"),
    }
    subprocess.run([sys.executable, "-c", CLI, "ingest"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    log = (workdir / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-c", CLI, "chat", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"rag chat exited with {server.returncode}; see {workdir / 'server.log'}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return server, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.kill()
    raise RuntimeError("rag chat did not start within 180 s")


def ask(client: Any, question: str, generator: str) -> Sample:
    """One question through the chat's API, timed from its status updates."""
    from gradio_client.utils import Status

    submitted = time.perf_counter()
    job = client.submit(
        question, [], generator, "http://127.0.0.1:11434", "qwen", 4, "auto", api_name="/respond"
    )
    started: float | None = None
    position: int | None = None
    while not job.done():
        status = job.status()
        if status.code == Status.IN_QUEUE and status.rank is not None:
            position = max(position or 0, status.rank + 1)
        if started is None and status.code in (Status.PROCESSING, Status.ITERATING):
            started = time.perf_counter()
        time.sleep(0.01)
    try:
        outputs = job.result()
    except Exception as exc:  # a failed request is a result here, counted as an error
        return Sample(0.0, time.perf_counter() - submitted, position, f"{type(exc).__name__}: {exc}")
    ended = time.perf_counter()
    bubble = str(outputs[1][-1]["content"]) if outputs and outputs[1] else ""
    error = "error shown in the chat" if "chat-error" in bubble or not bubble else None
    return Sample((started or ended) - submitted, ended - submitted, position, error)


def session(
    url: str, results: Results, generator: str, *, until: float | None = None, count: int | None = None
) -> None:
    """One person: a conversation of questions, until the deadline or the count."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    i = 0
    while (until is None or time.monotonic() < until) and (count is None or i < count):
        results.add(ask(client, QUESTIONS[i % len(QUESTIONS)], generator))
        i += 1
    client.close()


def run_sessions(url: str, n: int, generator: str = "scripted", **bounds: Any) -> Results:
    results = Results()
    threads = [
        threading.Thread(target=session, args=(url, results, generator), kwargs=bounds) for _ in range(n)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def soak(url: str, pid: int, total: int, sessions: int) -> tuple[list[tuple[int, float]], int]:
    """`total` questions from fresh sessions (`sessions` at a time); RSS before, halfway, after."""
    per_session = max(1, total // (2 * sessions))
    readings = [(0, rss_mb(pid))]
    errors = 0
    for _half in range(2):
        results = run_sessions(url, sessions, count=per_session)
        errors += sum(1 for s in results.samples if s.error)
        readings.append((readings[-1][0] + len(results.samples), rss_mb(pid)))
    return readings, errors


def report(
    load: Results, duration: float, n: int, readings: list[tuple[int, float]], soak_errors: int, real: bool
) -> str:
    samples = load.samples
    waits = [s.wait_s for s in samples]
    latencies = [s.latency_s for s in samples]
    positions = [s.max_position for s in samples if s.max_position is not None]
    errors = [s.error for s in samples if s.error]
    load_avg = os.getloadavg()[0]
    rows = [
        f"Measured {date.today()} with `benchmarks/load.py{' --real' if real else ''}`: `rag chat` ("
        + (
            "llama.cpp with the built-in model and EmbeddingGemma, 1 thread each"
            if real
            else "scripted generator, hashing embedder"
        )
        + f", seed documents) on 127.0.0.1, {n} concurrent sessions for {duration:.0f} s, each "
        "asking its next question when the last answer was complete; "
        f"load average at the end {load_avg:.2f}.",
        "",
        "| | value |",
        "|---|---:|",
        f"| questions answered | {len(samples)} ({len(samples) / duration:.1f}/s) |",
        f"| errors | {len(errors)} |",
        f"| latency p50 / p95 | {percentile(latencies, 50):.2f} s / {percentile(latencies, 95):.2f} s |",
        f"| queue wait p50 / p95 | {percentile(waits, 50):.2f} s / {percentile(waits, 95):.2f} s |",
        f"| questions shown a queue position | {len(positions)} (highest {max(positions, default=0)}) |",
        "",
        "The server answers one question at a time (`CONCURRENCY_LIMIT = 1`), so the latency is mostly "
        "queue wait: with n sessions asking back to back it is about n times the time of one answer.",
    ]
    if readings:
        rows += soak_rows(readings, soak_errors)
    if errors:
        rows += ["", "Errors seen: " + "; ".join(sorted(set(errors))[:5])]
    return "\n".join(rows) + "\n"


def soak_rows(readings: list[tuple[int, float]], soak_errors: int) -> list[str]:
    return [
        "",
        f"Soak: {readings[-1][0]} more questions from fresh sessions ({soak_errors} errors); the server's "
        "resident memory (VmRSS):",
        "",
        "| questions into the soak | RSS MB |",
        "|---:|---:|",
        *(f"| {count} | {mb:.0f} |" for count, mb in readings),
        "",
        f"Growth from start to end: {readings[-1][1] - readings[0][1]:+.0f} MB "
        f"({(readings[-1][1] - readings[0][1]) / readings[0][1] * 100:+.1f}%), "
        f"{(readings[-1][1] - readings[0][1]) * 1024 / max(1, readings[-1][0]):.0f} KB per question: "
        "in line with what open sessions keep by design (each chat holds its answers, hits and sources panel "
        "for follow-ups and feedback while it is open; not measured apart from other growth).",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="3 sessions, 10 s, 18 soak questions; print only"
    )
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--duration", type=float, default=120.0)
    parser.add_argument("--soak", type=int, default=200)
    parser.add_argument(
        "--real", action="store_true", help="the installed models; 4 sessions, 240 s, no soak"
    )
    args = parser.parse_args()
    sessions, duration, total = (3, 10.0, 18) if args.quick else (args.sessions, args.duration, args.soak)
    if args.real:
        sessions, duration, total = 4, 240.0, 0
    generator = "llama-cpp" if args.real else "scripted"
    readings: list[tuple[int, float]] = []
    soak_errors = 0
    with tempfile.TemporaryDirectory() as tmp:
        server, url = start_server(Path(tmp), generator)
        try:
            run_sessions(url, 1, generator, count=1)  # warm-up: imports and first-use caches, not measured
            print(f"load: {sessions} sessions for {duration:.0f} s against {url}", flush=True)
            load = run_sessions(url, sessions, generator, until=time.monotonic() + duration)
            if total:
                print(f"soak: {total} questions", flush=True)
                readings, soak_errors = soak(url, server.pid, total, sessions)
        finally:
            server.terminate()
            server.wait(timeout=30)
    body = report(load, duration, sessions, readings, soak_errors, args.real)
    print(body)
    if not args.quick:
        section = f"{SECTION}, real model" if args.real else SECTION
        path = ROOT / "BENCHMARKS.md"
        write_section(path, section, body)


if __name__ == "__main__":
    main()
