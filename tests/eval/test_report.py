from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.gold import GoldItem
from eval.metrics import score_answer
from eval.report import load_baseline, render_markdown, write_report
from eval.run import EvalRun, ItemResult, Span, aggregate
from rag.errors import ConfigError
from tests.eval.answers import chunk, make_answer
from tests.eval.gold_items import ITEMS

DOC = "004_920d9effed8537ba"


def _result(gold: dict[str, object], text: str, *, good: bool) -> ItemResult:
    item = GoldItem.model_validate(gold)
    spans = [Span(doc_id=DOC, start=100, end=200)] if item.answerable else []
    cited = chunk(DOC, 150, 300) if good else chunk(DOC, 900, 1000, 5)
    refused = not item.answerable
    answer = make_answer(text, [] if refused else [(cited, 0.2)], refused=refused, language=item.language)
    metrics = score_answer(
        answer, key_facts=item.key_facts, language=item.language, answerable=item.answerable, spans=spans
    )
    return ItemResult(gold=item, spans=spans, answer=answer, metrics=metrics)


def _run(good: bool) -> EvalRun:
    results = [
        _result(ITEMS[0], "Ollongren wil Poetin lekker laten raden [1].", good=True),
        _result(ITEMS[1], "Putin wants to place them in Germany [1].", good=good),
        _result(ITEMS[2], "De documenten zeggen hier niets over.", good=True),
        ItemResult(gold=GoldItem.model_validate(ITEMS[3]), error="RuntimeError: boom"),
    ]
    summary, tables = aggregate(results)
    return EvalRun(
        started_at="2024-06-20T10:00:00Z",
        backend="scripted",
        model="test",
        gold_paths=["gold.jsonl"],
        items=results,
        summary=summary,
        by_type=tables["type"],
        by_language=tables["language"],
        by_tag=tables["tag"],
    )


def test_write_report_files(tmp_path: Path) -> None:
    files = write_report(_run(good=False), tmp_path / "out")
    assert [f.name for f in files] == ["report.md", "report.json", "chart.png"]
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    for heading in ("## Summary", "## Per type", "## Per language", "## Per tag", "## Worst questions"):
        assert heading in md
    assert "| key-fact recall | 0.50 |" in md  # t-001 found its fact, t-002 did not
    assert "| multi-doc | 1 |" in md and "| cross-lingual | 1 |" in md
    assert "| factoid | 1 |" in md and "| follow-up | 1 (1 failed) |" in md
    worst = md.split("## Worst questions")[1]
    assert worst.index("t-004") < worst.index("t-002")  # failed first, then the worst answer
    assert "failed: RuntimeError: boom" in worst
    assert "Putin wants to place them in Germany" in worst  # the answer given
    assert "tactische kernwapens in Belarus" in worst  # the evidence expected
    assert "missing key facts: Belarus, 20 June 2024" in worst
    assert "t-003" not in worst  # a correct refusal scores full marks
    data = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert len(data["items"]) == 4
    assert data["items"][0]["answer"]["hits"][0]["chunk"]["doc_id"] == DOC
    assert data["items"][0]["answer"]["timings"]["total_s"] == 2.0
    assert data["summary"]["n_failed"] == 1
    assert (tmp_path / "out" / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_baseline_adds_differences(tmp_path: Path) -> None:
    write_report(_run(good=False), tmp_path / "before")
    baseline = load_baseline(tmp_path / "before" / "report.json")
    md = render_markdown(_run(good=True), baseline)
    assert "| metric | value | baseline | Δ |" in md
    assert "| citation precision, strict (overlaps gold evidence) | 1.00 | 0.50 | +0.50 |" in md
    assert "1.00 (+1.00)" in md  # the multi-doc row: citation precision went from 0 to 1


def test_bad_baseline_names_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text('{"items": []}', encoding="utf-8")
    with pytest.raises(ConfigError, match="rag eval --out"):
        load_baseline(path)
    with pytest.raises(ConfigError, match="cannot read baseline"):
        load_baseline(tmp_path / "missing.json")
