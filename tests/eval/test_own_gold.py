"""Checks on the project's own gold question set (eval/gold.jsonl).

The reference validator `check_gold.py` lives outside the repository, in the shared evaluation
folder next to it (`<repo>/../shared/eval/`); its `Checker` is run on both our own gold file and
the public one, and the tests that need it fail when it is missing (tests/shared_eval.py).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from tests.shared_eval import PUBLIC_GOLD, reference_checker, require

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
OWN_GOLD = REPO / "eval" / "gold.jsonl"

TYPES = ("factoid", "explanatory", "multi-doc", "unanswerable", "follow-up")
MAX_JACCARD = 0.6


def norm(text: str) -> str:
    """The evidence rule of GOLD_SCHEMA.md: NFC, whitespace runs -> one space, ends stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def quotes(item: dict) -> list[tuple[str, str]]:
    """(source file, quote) pairs of an item's evidence."""
    if item["source"] == "none":
        return []
    if item["source"] == "multi":
        return [(ev["source"], ev["quote"]) for ev in item["evidence"]]
    return [(item["source"], q) for q in item["evidence"]]


def tokens(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def jaccard(a: str, b: str) -> float:
    ta, tb = tokens(a), tokens(b)
    return len(ta & tb) / len(ta | tb) if ta | tb else 1.0


@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    return {p.name: norm(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    return load(OWN_GOLD)


def _run_reference_checker(path: Path) -> tuple[list[str], list[str], list[dict]]:
    checker = reference_checker().Checker(SEEDS)
    items = checker.run(path)
    return checker.errors, checker.warnings, items


def test_own_gold_passes_checker(gold: list[dict]) -> None:
    errors, warnings, items = _run_reference_checker(OWN_GOLD)
    assert errors == []
    assert warnings == []
    assert len(items) == len(gold)


def test_public_gold_passes_checker() -> None:
    errors, _warnings, items = _run_reference_checker(require(PUBLIC_GOLD))
    assert errors == []
    assert items


def test_every_quote_occurs_in_its_seed(gold: list[dict], seeds: dict[str, str]) -> None:
    missing = [
        (item["id"], source, quote[:60])
        for item in gold
        for source, quote in quotes(item)
        if source not in seeds or norm(quote) not in seeds[source]
    ]
    assert missing == []


def test_multi_doc_quotes_two_files(gold: list[dict]) -> None:
    for item in gold:
        if item["source"] == "multi":
            assert len({source for source, _ in quotes(item)}) >= 2, item["id"]


def test_key_facts_in_reference_answer(gold: list[dict]) -> None:
    check_gold = reference_checker()
    for item in gold:
        for fact in item["key_facts"]:
            assert check_gold.contains_fact(item["answer"], fact), (item["id"], fact)


def test_ids_unique_and_prefixed(gold: list[dict]) -> None:
    ids = [item["id"] for item in gold]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"dev-\d{3}", i) for i in ids)


def test_size_and_type_coverage(gold: list[dict]) -> None:
    assert len(gold) >= 44
    counts = Counter(item["type"] for item in gold)
    assert set(counts) == set(TYPES)
    assert counts["unanswerable"] >= 6
    assert counts["follow-up"] >= 5


def test_round_robin_first_lines_cover_every_type(gold: list[dict]) -> None:
    assert {item["type"] for item in gold[: len(TYPES)]} == set(TYPES)


def test_every_seed_covered(gold: list[dict], seeds: dict[str, str]) -> None:
    used = {source for item in gold for source, _ in quotes(item)}
    assert used == set(seeds)
    single = {item["source"] for item in gold if item["source"] not in ("multi", "none")}
    assert single == set(seeds), "every seed should also be the only source of some question"


def test_both_languages(gold: list[dict]) -> None:
    counts = Counter(item["language"] for item in gold)
    assert set(counts) == {"nl", "en"}
    assert 0.5 <= counts["nl"] / len(gold) <= 0.7


def test_unanswerable_mix(gold: list[dict]) -> None:
    tags = Counter(t for item in gold if item["type"] == "unanswerable" for t in item.get("tags", []))
    assert tags["false-premise"] >= 2
    assert tags["not-in-corpus"] >= 2


def test_no_question_copied_from_public_set(gold: list[dict]) -> None:
    public = [item["question"] for item in load(require(PUBLIC_GOLD))]
    public_norm = {norm(q).casefold() for q in public}
    for item in gold:
        question = item["question"]
        assert norm(question).casefold() not in public_norm, item["id"]
        worst = max(jaccard(question, q) for q in public)
        assert worst < MAX_JACCARD, (item["id"], worst)
