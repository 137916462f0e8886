"""Offline twins wired together: an Assistant over a folder with the hashing embedder and a
scripted generator. For tests and demos; no model files needed."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from rag.answering.pipeline import Assistant
from rag.config import Settings
from rag.corpus import chunk_documents, load_corpus
from rag.embedders.hashing import HashingEmbedder
from rag.generators.base import GenerationRequest
from rag.generators.scripted import ScriptedGenerator
from rag.index.store import build_index
from rag.text.normalise import without_footnote_marks

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
Script = Sequence[str] | Callable[[GenerationRequest], str]


def cite_first_passage(request: GenerationRequest) -> str:
    """A scripted model that answers with the first sentence of passage [1], citing it (without
    the number a footnote starts with: that number counts nothing, and the check drops it)."""
    if request.task == "condense":
        return json.dumps({"question": request.question})
    if not request.passages:
        return json.dumps({"answerable": False, "sentences": []})
    text = without_footnote_marks(request.passages[0].text, footnotes=True).strip()
    first = text.split(". ")[0].rstrip(".") + "."
    return json.dumps({"answerable": True, "sentences": [{"text": first, "sources": [1]}]})


def test_settings(tmp_path: Path, corpus_dir: Path = SEEDS, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "home": tmp_path / "home",
        "data_dir": tmp_path / "data",
        "corpus_dir": corpus_dir,
        "embedder": "hashing",
        "generator": "scripted",
        "embed_threads": 1,
        "llm_threads": 1,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


def make_test_assistant(
    tmp_path: Path, script: Script = cite_first_passage, *, corpus_dir: Path = SEEDS, **overrides: object
) -> Assistant:
    settings = test_settings(tmp_path, corpus_dir, **overrides)
    embedder = HashingEmbedder()
    loaded = load_corpus(settings.corpus_dir)
    chunks = chunk_documents(
        loaded.documents,
        embedder.count_tokens,
        target_tokens=settings.chunk_tokens,
        overlap_tokens=settings.chunk_overlap,
    )
    index = build_index(settings, embedder, loaded.documents, chunks)
    generator = ScriptedGenerator(script)
    return Assistant(settings, index=index, embedder=embedder, generator=generator)
