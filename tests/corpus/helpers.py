"""Shared test helpers for the corpus tests."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from rag.corpus import CorpusLoad, load_corpus
from rag.types import Document
from tests.shared_eval import PUBLIC_GOLD

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
GOLD_FILES = [PUBLIC_GOLD, REPO / "eval" / "gold.jsonl", REPO / "eval" / "gold_untouched.jsonl"]


def words(text: str) -> int:
    """A whitespace token counter: chunk sizes in tests are counted in words."""
    return len(text.split())


@functools.cache
def seeds_load() -> CorpusLoad:
    return load_corpus(SEEDS)


def seed(prefix: str) -> Document:
    return next(d for d in seeds_load().documents if d.id.startswith(prefix))


def raw(doc: Document) -> str:
    return (SEEDS / doc.path).read_text(encoding="utf-8")


def squash(text: str) -> str:
    """Text with whitespace and hyphens removed: hyphenation and line breaks ignored."""
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-\u00ad")


def gold_quotes() -> list[tuple[str, str, str]]:
    """(item id, source file, quote) for every evidence quote of both gold files."""
    quotes: list[tuple[str, str, str]] = []
    for path in GOLD_FILES:
        if not path.exists():
            continue  # test_both_gold_files_are_there says so
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            for evidence in item["evidence"]:
                if isinstance(evidence, dict):
                    quotes.append((item["id"], evidence["source"], evidence["quote"]))
                else:
                    quotes.append((item["id"], item["source"], evidence))
    return quotes
