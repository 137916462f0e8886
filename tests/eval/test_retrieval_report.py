"""The retrieval report's evidence-sentence table, with the offline twins."""

from __future__ import annotations

from pathlib import Path

from eval.gold import load_gold
from eval.retrieval_metrics import EVIDENCE_KS
from eval.retrieval_report import evidence_markdown, evidence_recall
from rag.testing import SEEDS, make_test_assistant
from tests.shared_eval import PUBLIC_GOLD, require


def test_evidence_recall_is_reported_per_language_and_type(tmp_path: Path) -> None:
    assistant = make_test_assistant(tmp_path)
    items = load_gold(require(PUBLIC_GOLD))
    recall = evidence_recall(items, assistant.retriever, assistant.documents, SEEDS)
    answerable = [i for i in items if i.answerable]
    assert {"all", "language=nl", "language=en"} <= set(recall)
    assert {f"type={i.type}" for i in answerable} <= set(recall)
    overall = recall["all"]
    assert list(overall) == list(EVIDENCE_KS)
    assert 0.0 < overall[1] <= overall[3] <= overall[5] <= overall[8] <= 1.0  # recall grows with k
    table = evidence_markdown(recall)
    assert table.splitlines()[0] == "| group | recall@1 | recall@3 | recall@5 | recall@8 |"
    assert len(table.splitlines()) == 2 + len(recall)
