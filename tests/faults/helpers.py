"""Shared by the fault tests: a small corpus, settings in a temp folder, one question it answers."""

from __future__ import annotations

from pathlib import Path

from rag.answering.pipeline import Assistant
from rag.config import Settings
from rag.embedders.hashing import HashingEmbedder
from rag.generators.scripted import ScriptedGenerator
from rag.index.store import load_index
from rag.testing import cite_first_passage, test_settings

QUESTION = "Waar wil Poetin kernwapens plaatsen?"
TEXTS = {
    "belarus.txt": "Poetin wil tactische kernwapens in Belarus plaatsen. De NAVO reageert kalm.\n",
    "taart.txt": "Appeltaart bakken met kaneel. Laat de taart een uur afkoelen.\n",
    "oekraine.txt": "Oekraïne vraagt om meer luchtafweer. De oorlog duurt voort.\n",
}


def write_corpus(folder: Path, texts: dict[str, str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (texts or TEXTS).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def fault_settings(tmp_path: Path, **overrides: object) -> Settings:
    """Hashing embedder, scripted generator, home and data folder under tmp_path."""
    corpus = tmp_path / "corpus"
    if not corpus.exists():
        write_corpus(corpus)
    return test_settings(tmp_path, corpus, **overrides)


def answers_from_saved_index(settings: Settings) -> str:
    """Load the saved index as `rag ask` would and answer QUESTION; the answer's text."""
    embedder = HashingEmbedder()
    index = load_index(settings, embedder)
    generator = ScriptedGenerator(cite_first_passage)
    answer = Assistant(settings, index=index, embedder=embedder, generator=generator).answer(QUESTION)
    assert not answer.refused, answer
    return answer.text
