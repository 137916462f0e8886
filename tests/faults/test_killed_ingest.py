"""`rag ingest` killed with SIGKILL mid-way (a real subprocess on a generated corpus): the index
that was there still loads and answers, and running `rag ingest` again finishes the job.

Where the kill lands is up to timing: `while_saving` waits for the new generation's staging
folder (kills mid-save when it sees it in time), `while_working` kills after a short delay.
Whatever happened, only the old index or the complete new one may be live."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.config import Settings
from rag.index.ingest import ingest_corpus
from rag.index.store import load_index
from tests.faults.helpers import answers_from_saved_index, fault_settings

REPO = Path(__file__).resolve().parents[2]
N_NEW = 150
WORDS = ("kernwapens", "Belarus", "NAVO", "oorlog", "taart", "kaneel", "regering", "dijk", "fiets", "haven")


def _grow_corpus(corpus: Path) -> None:
    rng = random.Random(15)
    for i in range(N_NEW):
        sentences = [" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "." for _ in range(20)]
        (corpus / f"gen{i:03d}.txt").write_text(
            f"Verslag {i}. " + " ".join(sentences) + "\n", encoding="utf-8"
        )


def _start_ingest(settings: Settings) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "RAG_HOME": str(settings.home),
        "RAG_DATA_DIR": str(settings.data_dir),
        "RAG_EMBEDDER": "hashing",
        "RAG_EMBED_THREADS": "1",
    }
    command = [sys.executable, "-c", "from rag.cli import main; main()", "ingest", "--corpus"]
    return subprocess.Popen(
        [*command, str(settings.corpus_dir)],
        env=env,
        cwd=settings.home.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill(process: subprocess.Popen[bytes], index_dir: Path, moment: str, deadline_s: float = 60.0) -> int:
    started = time.monotonic()
    while process.poll() is None and time.monotonic() - started < deadline_s:
        saving = any(p.name.startswith("tmp-") for p in index_dir.iterdir())
        if saving or (moment == "while_working" and time.monotonic() - started > 1.5):
            break
        time.sleep(0.005)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    return process.wait(timeout=30)


@pytest.mark.parametrize("moment", ["while_working", "while_saving"])
def test_ingest_killed_with_sigkill(tmp_path: Path, moment: str) -> None:
    settings = fault_settings(tmp_path)
    ingest_corpus(settings)
    old = [c.id for c in load_index(settings, None).chunks]
    _grow_corpus(settings.corpus_dir)
    returncode = _kill(_start_ingest(settings), settings.index_dir, moment)
    assert returncode in (-signal.SIGKILL, 0)  # killed, or finished first: never failed on its own

    n_documents = len(load_index(settings, None).documents)
    assert n_documents in (3, 3 + N_NEW)  # the old index, or the finished new one: nothing between
    if n_documents == 3:
        assert [c.id for c in load_index(settings, None).chunks] == old
    assert "Poetin" in answers_from_saved_index(settings)

    again = ingest_corpus(settings)  # what the user does next: run 'rag ingest' again
    assert len(again.load.documents) == 3 + N_NEW
    assert len(load_index(settings, None).documents) == 3 + N_NEW
    assert not [p for p in settings.index_dir.iterdir() if p.name.startswith("tmp-")]  # leftovers pruned
