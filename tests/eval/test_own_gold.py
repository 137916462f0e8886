"""Checks on the project's own gold sets: eval/gold.jsonl (the dev set, tuned on) and
eval/gold_untouched.jsonl (kept apart: never tuned on, reported on its own).

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
UNTOUCHED_GOLD = REPO / "eval" / "gold_untouched.jsonl"
OWN_SETS = {"dev": OWN_GOLD, "unt": UNTOUCHED_GOLD}  # id prefix -> file

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


@pytest.fixture(scope="module", params=sorted(OWN_SETS), ids=lambda prefix: OWN_SETS[prefix].name)
def prefix(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def path(prefix: str) -> Path:
    return OWN_SETS[prefix]


@pytest.fixture(scope="module")
def gold(path: Path) -> list[dict]:
    return load(path)


def _run_reference_checker(path: Path) -> tuple[list[str], list[str], list[dict]]:
    checker = reference_checker().Checker(SEEDS)
    items = checker.run(path)
    return checker.errors, checker.warnings, items


def test_own_gold_passes_checker(gold: list[dict], path: Path) -> None:
    errors, warnings, items = _run_reference_checker(path)
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


def test_ids_unique_and_prefixed(gold: list[dict], prefix: str) -> None:
    ids = [item["id"] for item in gold]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(rf"{prefix}-\d{{3}}", i) for i in ids)


def test_size_and_type_coverage(gold: list[dict]) -> None:
    assert len(gold) >= 40
    counts = Counter(item["type"] for item in gold)
    assert set(counts) == set(TYPES)
    assert counts["unanswerable"] >= 6
    assert counts["follow-up"] >= 5


def test_round_robin_first_lines_cover_every_type(gold: list[dict]) -> None:
    assert {item["type"] for item in gold[: len(TYPES)]} == set(TYPES)


def test_every_seed_covered(gold: list[dict], seeds: dict[str, str], prefix: str) -> None:
    used = {source for item in gold for source, _ in quotes(item)}
    assert used == set(seeds)
    if prefix == "dev":
        single = {item["source"] for item in gold if item["source"] not in ("multi", "none")}
        assert single == set(seeds), "every seed should also be the only source of some question"


def test_both_languages(gold: list[dict]) -> None:
    counts = Counter(item["language"] for item in gold)
    assert set(counts) == {"nl", "en"}
    assert 0.5 <= counts["nl"] / len(gold) <= 0.7


def test_own_sets_together_are_large_and_english_enough() -> None:
    """At least 120 questions, at least 40% English, 40 of them kept apart."""
    dev, untouched = load(OWN_GOLD), load(UNTOUCHED_GOLD)
    both = dev + untouched
    assert len(both) >= 120 and len(untouched) >= 40
    assert sum(item["language"] == "en" for item in both) / len(both) >= 0.4


def test_no_question_repeated_between_dev_and_untouched() -> None:
    dev = [item["question"] for item in load(OWN_GOLD)]
    for item in load(UNTOUCHED_GOLD):
        worst = max(jaccard(item["question"], q) for q in dev)
        assert worst < MAX_JACCARD, (item["id"], worst)


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
