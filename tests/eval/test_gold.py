from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from eval.gold import GoldError, GoldItem, evidence_spans, load_gold
from rag.corpus import load_corpus
from tests.shared_eval import PUBLIC_GOLD, require

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
GOLD_FILES = [PUBLIC_GOLD, ROOT / "eval" / "gold.jsonl", ROOT / "eval" / "gold_untouched.jsonl"]

GOOD = {
    "id": "t-001",
    "question": "Hoeveel dagen?",
    "language": "nl",
    "answer": "Vijf dagen.",
    "source": "a.txt",
    "evidence": ["Rusland heeft maximaal vijf dagen nodig."],
    "type": "factoid",
    "key_facts": ["5 dagen"],
}


def write(tmp_path: Path, *items: object) -> Path:
    path = tmp_path / "gold.jsonl"
    lines = [x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in items]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_public_gold_loads_with_every_type() -> None:
    items = load_gold(require(PUBLIC_GOLD))
    assert len(items) == 40
    assert {i.type for i in items} == {"factoid", "explanatory", "multi-doc", "unanswerable", "follow-up"}
    assert sum(i.language == "en" for i in items) == 16


@pytest.fixture(scope="module")
def documents() -> list:  # type: ignore[type-arg]
    return list(load_corpus(SEEDS).documents)


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).casefold()


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.name)
def test_every_quote_maps_onto_the_cleaned_document(path: Path, documents: list) -> None:  # type: ignore[type-arg]
    texts = {d.id: d.text for d in documents}
    for item in load_gold(require(path)):
        spans = evidence_spans(item, documents, SEEDS)
        assert len(spans) == len(item.evidence), item.id
        for span in spans:
            # Cleaning joins hyphenated words and collapses whitespace: compare letters and digits.
            assert _squash(texts[span.doc_id][span.start : span.end]) == _squash(span.quote), item.id


def test_a_quote_not_in_the_file_is_reported(documents: list) -> None:  # type: ignore[type-arg]
    name = Path(documents[0].path).name
    item = GoldItem.model_validate(
        {**GOOD, "source": name, "evidence": ["Deze zin staat nergens in het corpus."]}
    )
    with pytest.raises(GoldError, match="quote not found"):
        evidence_spans(item, documents, SEEDS)
    missing = GoldItem.model_validate({**GOOD, "source": "nope.txt"})
    with pytest.raises(GoldError, match=r"no indexed document is named 'nope\.txt'"):
        evidence_spans(missing, documents, SEEDS)


def test_every_bad_line_is_listed_with_its_field(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "{not json",
        {**GOOD, "id": "t-002", "language": "de"},
        {k: v for k, v in GOOD.items() if k != "answer"} | {"id": "t-003"},
        {**GOOD, "id": "t-004", "type": "unanswerable", "source": "none", "premise": "x", "key_facts": []},
        {**GOOD, "id": "t-005", "key_facts": ["zes dagen"]},
        {
            **GOOD,
            "id": "t-006",
            "type": "multi-doc",
            "source": "multi",
            "evidence": [{"source": "a.txt", "quote": "q1"}, {"source": "a.txt", "quote": "q2"}],
        },
        {**GOOD, "id": "t-006"},
        {**GOOD, "id": "t 7", "key_facts": "5 dagen"},
    )
    with pytest.raises(GoldError) as caught:
        load_gold(path)
    message = str(caught.value)
    assert "line 1: invalid JSON" in message
    assert re.search(r"line 2: language: .*'nl' or 'en'", message)
    assert "line 3: answer: Field required" in message
    assert "line 4: item: unanswerable questions must have empty evidence" in message
    assert "line 5: item: key fact 'zes dagen' is not contained in the reference answer" in message
    assert "line 6: item: multi evidence must quote at least two different source files" in message
    assert "id 't-006': used 2 times" in message
    assert re.search(r"line 8: id: String should match pattern", message)
    assert re.search(r"line 8: key_facts: Input should be a valid (list|array)", message)


def test_type_rules_for_follow_ups_and_unknown_fields(tmp_path: Path) -> None:
    history = [{"role": "user", "content": "Wie?"}, {"role": "assistant", "content": "Stoltenberg."}]
    follow_up = {**GOOD, "type": "follow-up", "history": history, "comment": "ignored"}
    item = load_gold(write(tmp_path, follow_up))[0]
    assert item.retrieval_query() == "Wie? Hoeveel dagen?"
    assert GoldItem.model_validate(GOOD).retrieval_query() == "Hoeveel dagen?"
    with pytest.raises(GoldError, match="history must end with an assistant turn"):
        load_gold(write(tmp_path, {**follow_up, "history": history[:1]}))
    with pytest.raises(GoldError, match="'history' is only for follow-up questions"):
        load_gold(write(tmp_path, {**GOOD, "history": history}))
    with pytest.raises(GoldError, match="no questions found"):
        load_gold(write(tmp_path, ""))
