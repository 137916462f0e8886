from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.feedback import feedback_to_gold
from eval.gold import GoldError, GoldItem, load_gold
from eval.run import Span, locate_evidence, run_eval
from rag.answering.pipeline import Assistant
from rag.cli import app
from rag.config import Settings
from rag.generators import ScriptedGenerator
from rag.generators.base import GenerationRequest
from rag.testing import cite_first_passage, make_test_assistant
from rag.types import Answer, Chunk, Document, Turn
from tests.eval.answers import make_answer
from tests.eval.gold_items import ITEMS, write_gold


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return make_test_assistant(tmp_path_factory.mktemp("eval-run"))


@pytest.fixture
def items(tmp_path: Path) -> list[GoldItem]:
    return load_gold(write_gold(tmp_path / "gold.jsonl"))


class Oracle:
    """Answers from the gold itself: cites a chunk exactly over each evidence span, with the key
    facts in the text; refuses unanswerable items; raises on one question to test failures."""

    def __init__(self, real: Assistant, items: Sequence[GoldItem], fail_on: str = "") -> None:
        self.real, self.fail_on = real, fail_on
        self.by_question = {i.question: i for i in items}
        spans = locate_evidence(items, real.documents, real.settings.corpus_dir)
        self.spans = {i.id: s for i, s in zip(items, spans, strict=True)}
        self.histories: list[Sequence[Turn] | None] = []

    @property
    def settings(self) -> Settings:
        return self.real.settings

    @property
    def documents(self) -> Sequence[Document]:
        return self.real.documents

    def answer(self, question: str, history: Sequence[Turn] | None = None) -> Answer:
        self.histories.append(history)
        if question == self.fail_on:
            raise RuntimeError("backend fell over")
        item = self.by_question[question]
        text = item.answer.rstrip(".") + " [1]."
        refusal = "De documenten zeggen hier niets over."  # the one unanswerable item is Dutch
        cited = [(_chunk_over(span, n), 0.9) for n, span in enumerate(self.spans[item.id])]
        return make_answer(
            text if item.answerable else refusal, cited, refused=not item.answerable, language=item.language
        )


def _chunk_over(span: Span, ordinal: int) -> Chunk:
    return Chunk(
        id=f"{span.doc_id}:{ordinal:04d}",
        doc_id=span.doc_id,
        doc_title="t",
        ordinal=ordinal,
        start=span.start,
        end=span.end,
        text="x",
        n_tokens=1,
    )


def test_locate_evidence_maps_every_quote(assistant: Assistant, items: list[GoldItem]) -> None:
    located = locate_evidence(items, assistant.documents, assistant.settings.corpus_dir)
    assert [len(spans) for spans in located] == [1, 2, 0, 1]
    docs = {d.id: d for d in assistant.documents}
    first = located[0][0]
    assert "lekker laten" in docs[first.doc_id].text[first.start : first.end]


def test_locate_evidence_names_a_missing_quote(assistant: Assistant, tmp_path: Path) -> None:
    bad = [dict(ITEMS[0], evidence=["Deze zin staat nergens in het document over kernwapens en raden."])]
    items = load_gold(write_gold(tmp_path / "bad.jsonl", bad))
    with pytest.raises(GoldError, match="t-001"):
        locate_evidence(items, assistant.documents, assistant.settings.corpus_dir)


def test_run_eval_with_an_oracle_scores_full_marks(assistant: Assistant, items: list[GoldItem]) -> None:
    oracle = Oracle(assistant, items, fail_on=items[0].question)
    run = run_eval(oracle, items, progress=False, gold_paths=["gold.jsonl"])
    failed = run.items[0]
    assert failed.answer is None and failed.metrics is None
    assert failed.error is not None and "RuntimeError: backend fell over" in failed.error
    s = run.summary
    assert (s.n, s.n_failed) == (4, 1)
    assert s.key_fact_recall == 1.0
    assert s.citation_precision_strict == 1.0 and s.citation_recall == 1.0
    assert s.all_sources_cited == 1.0  # the multi-doc item cites both files
    assert s.refusal_rate == 1.0 and s.false_refusal_rate == 0.0
    assert s.language_match == 1.0
    assert s.hit_at_1 == 1.0 and s.mrr == 1.0
    assert set(run.by_type) == {"factoid", "multi-doc", "unanswerable", "follow-up"}
    assert run.by_type["factoid"].n_failed == 1
    assert set(run.by_language) == {"nl", "en"}
    assert set(run.by_tag) == {"cross-lingual", "not-in-corpus"}
    follow_up_history = oracle.histories[3]
    assert follow_up_history is not None and [t.role for t in follow_up_history] == ["user", "assistant"]
    assert oracle.histories[1] is None


def test_run_eval_limit_and_json_round_trip(assistant: Assistant, items: list[GoldItem]) -> None:
    run = run_eval(Oracle(assistant, items), items, limit=2, progress=False)
    assert [r.gold.id for r in run.items] == ["t-001", "t-002"]
    data = json.loads(run.model_dump_json(by_alias=True))
    assert data["items"][1]["answer"]["citations"][1]["doc_id"] == run.items[1].spans[1].doc_id
    assert data["items"][0]["metrics"]["key_facts_found"] == ["raden"]


def test_run_eval_through_the_real_pipeline(tmp_path: Path, items: list[GoldItem]) -> None:
    tasks: list[str] = []

    def script(request: GenerationRequest) -> str:
        tasks.append(request.task)
        return cite_first_passage(request)

    real = make_test_assistant(tmp_path, script=script)
    run = run_eval(real, items, progress=False)
    assert run.summary.n_failed == 0, [r.error for r in run.items]
    assert run.backend == "scripted"
    assert "condense" in tasks  # the follow-up's history reached the pipeline
    for result in run.items:
        assert result.answer is not None and result.metrics is not None
        assert result.metrics.total_s == result.answer.timings.total_s
        if result.gold.answerable:
            assert set(result.metrics.hit_at) == {1, 3, 5, 10}
            recall = result.metrics.evidence_recall_at  # the real Assistant ranks evidence sentences
            assert set(recall) == {1, 3, 5, 8} and all(0.0 <= v <= 1.0 for v in recall.values())
            assert recall[1] <= recall[3] <= recall[8]
            assert result.metrics.citation_recall is not None
            assert 0.0 <= result.metrics.citation_recall <= 1.0
        else:
            assert result.metrics.citation_recall is None and result.metrics.hit_at == {}


# -- the `rag eval` command -------------------------------------------------------------------


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, assistant: Assistant) -> CliRunner:
    monkeypatch.setattr(Assistant, "from_settings", classmethod(lambda cls, settings: assistant))
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    return CliRunner()


def test_cli_exits_2_when_a_threshold_is_not_met(cli: CliRunner, tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold.jsonl")
    out = tmp_path / "report"
    args = ["eval", "--gold", str(gold), "--out", str(out), "--no-progress"]
    result = cli.invoke(app, [*args, "--min-language", "0", "--max-false-refusal", "1.0"])
    assert result.exit_code == 0, result.output
    assert "all 2 threshold(s) met" in result.output
    assert (out / "report.md").is_file() and (out / "chart.png").is_file()
    result = cli.invoke(app, [*args, "--min-key-fact-recall", "1.0", "--max-failed", "0"])
    assert result.exit_code == 2, result.output
    assert "threshold not met" in result.output and "--min-key-fact-recall 1" in result.output


def test_cli_limit_applies_per_gold_file(cli: CliRunner, tmp_path: Path) -> None:
    first = write_gold(tmp_path / "a.jsonl")
    second = write_gold(tmp_path / "b.jsonl", [dict(i, id=f"b-{n}") for n, i in enumerate(ITEMS)])
    out = tmp_path / "report"
    args = ["eval", "--gold", str(first), "--gold", str(second), "--limit", "1", "--out", str(out)]
    result = cli.invoke(app, [*args, "--no-progress"])
    assert result.exit_code == 0, result.output
    ids = [i["gold"]["id"] for i in json.loads((out / "report.json").read_text(encoding="utf-8"))["items"]]
    assert ids == ["t-001", "b-0"]


def test_cli_replay_checks_recorded_answers_again_and_says_so(cli: CliRunner, tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold.jsonl")
    first, second = tmp_path / "first", tmp_path / "second"
    result = cli.invoke(app, ["eval", "--gold", str(gold), "--out", str(first), "--no-progress"])
    assert result.exit_code == 0, result.output
    args = ["eval", "--gold", str(gold), "--out", str(second), "--no-progress"]
    result = cli.invoke(app, [*args, "--replay", str(first / "report.json")])
    assert result.exit_code == 0, result.output
    assert "replayed" in result.output and "generated 0" in result.output
    report = json.loads((second / "report.json").read_text(encoding="utf-8"))
    assert report["replayed_from"] == str(first / "report.json")
    assert "REPLAYED" in (second / "report.md").read_text(encoding="utf-8")


def test_cli_rejects_a_bad_gold_file_before_running(cli: CliRunner, tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold.jsonl", [ITEMS[0], dict(ITEMS[1], type="opinion"), ITEMS[2]])
    with gold.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    result = cli.invoke(app, ["eval", "--gold", str(gold), "--out", str(tmp_path / "r"), "--no-progress"])
    assert result.exit_code == 1
    assert "line 2" in result.output and "type" in result.output
    assert "line 4" in result.output and "invalid JSON" in result.output
    assert not (tmp_path / "r").exists()


# -- feedback -> gold candidates ------------------------------------------------------------


def _feedback_line(verdict: str, question: str, **extra: object) -> str:
    cite = {"n": 1, "doc_id": "d4", "chunk_id": "d4:0001", "title": "t", "start": 0, "end": 9}
    record = {
        "verdict": verdict,
        "question": question,
        "answer": "Minister Ollongren wil Poetin lekker laten raden, zei ze in 2022 [1].",
        "language": "nl",
        "citations": [dict(cite, quote="Ollongren wil Poetin in 2022 lekker laten raden.")],
    }
    return json.dumps(record | extra, ensure_ascii=False)


def test_feedback_becomes_gold_candidates(tmp_path: Path) -> None:
    feedback = tmp_path / "feedback.jsonl"
    lines = [
        _feedback_line("up", "Wat wil Ollongren?", comment="klopt"),
        _feedback_line("down", "Slechte vraag?"),
        _feedback_line("up", "Hoeveel kernkoppen heeft Frankrijk?", refused=True, citations=[]),
        "{broken",
    ]
    feedback.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = feedback_to_gold(feedback, filenames={"d4": "004_920d9effed8537ba.txt"})
    assert (result.n_lines, result.n_up, result.n_down) == (3, 2, 1)
    assert result.problems and result.problems[0].startswith("line 4")
    first, refusal = result.candidates
    assert first["source"] == "004_920d9effed8537ba.txt"
    assert first["evidence"] == ["Ollongren wil Poetin in 2022 lekker laten raden."]
    assert first["answer"] == "Minister Ollongren wil Poetin lekker laten raden, zei ze in 2022 ."
    assert first["key_facts"] == ["Ollongren", "Poetin", "2022"]  # not the sentence-initial "Minister"
    assert first["needs_review"] is True and first["feedback_comment"] == "klopt"
    assert refusal["type"] == "unanswerable" and refusal["source"] == "none" and refusal["evidence"] == []


def test_cli_feedback_to_gold(cli: CliRunner, tmp_path: Path) -> None:
    feedback = tmp_path / "feedback.jsonl"
    feedback.write_text(_feedback_line("up", "Wat wil Ollongren?") + "\n", encoding="utf-8")
    out = tmp_path / "candidates.jsonl"
    result = cli.invoke(app, ["eval", "--feedback", str(feedback), "--feedback-to-gold", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 1 and rows[0]["id"] == "fb-001" and rows[0]["tags"] == ["from-feedback"]


def test_run_eval_with_the_judge(assistant: Assistant, items: list[GoldItem]) -> None:
    judge = ScriptedGenerator(lambda request: '{"supported": true}' if "raden" in request.question else "no")
    run = run_eval(Oracle(assistant, items), items, progress=False, judge=judge)
    assert run.judged
    by_id = {r.gold.id: r for r in run.items}
    assert by_id["t-001"].metrics is not None and by_id["t-001"].metrics.faithfulness == 1.0
    assert by_id["t-002"].metrics is not None and by_id["t-002"].metrics.faithfulness == 0.0
    assert by_id["t-003"].judge is None  # a refusal has nothing to judge
    assert run.summary.faithfulness_judged == pytest.approx(1 / 3)
    assert judge.requests and all(r.task == "judge" for r in judge.requests)
