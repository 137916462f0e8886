from __future__ import annotations

import json

import pytest

from eval.aggregate import group_by, percentile, summarize
from eval.facts import contains_fact, key_fact_recall, normalize_fact
from eval.gate import check, thresholds_from
from eval.judge import judge_answer, parse_verdict
from eval.metrics import (
    ItemMetrics,
    all_sources_cited,
    citation_recall,
    citation_scores,
    evidence_in_prompt,
    language_match,
    score_answer,
    strip_markers,
)
from rag.types import ShownSpan
from tests.eval.answers import Span, chunk, make_answer
from tests.shared_eval import PUBLIC_GOLD, reference_checker, require


@pytest.mark.parametrize(
    ("answer", "fact"),
    [
        ("Er waren 1.550 kernkoppen.", "1550"),
        ("1,550 warheads", "1.550"),
        ("Ze hebben drie dagen nodig.", "3 dagen"),
        ("Maximaal vijf dagen", "5 dagen"),
        ("five days", "vijf days"),
        ("in Roemenië", "Roemenie"),
        ("een groei van 4,5 procent", "4.5"),
        ("het ‘extreem ver weg’ is", "'extreem ver weg'"),
        ("Jens  Stoltenberg", "jens stoltenberg"),
        ("2 000 soldaten", "2000"),
    ],
)
def test_contains_fact_is_loose(answer: str, fact: str) -> None:
    assert contains_fact(answer, fact)


@pytest.mark.parametrize(
    ("answer", "fact"),
    [
        ("ongeveer 1000 troepen", "100"),
        ("in 2019", "9"),
        ("een dag", "1 dag"),  # "een" is not a number word: it is mostly an article
        ("Estland", "Letland"),
        ("anything", ""),
    ],
)
def test_contains_fact_rejects(answer: str, fact: str) -> None:
    assert not contains_fact(answer, fact)


def test_contains_fact_agrees_with_the_reference_checker() -> None:
    reference = reference_checker()
    rows = [
        json.loads(line) for line in require(PUBLIC_GOLD).read_text(encoding="utf-8").splitlines() if line
    ]
    answers = [row["answer"] for row in rows]
    facts = [fact for row in rows for fact in row["key_facts"]] + ["100", "9", "drie", "1.550"]
    checked = 0
    for answer in answers:
        for fact in facts:
            assert contains_fact(answer, fact) == reference.contains_fact(answer, fact), (answer, fact)
            checked += 1
    assert checked > 1000


def test_normalize_fact_steps() -> None:
    assert normalize_fact("  Drie  Dúizend ") == "3 1000"
    assert normalize_fact("12.500,75") == "12500.75"
    assert normalize_fact("“Quote”") == '"quote"'


def test_key_fact_recall() -> None:
    assert key_fact_recall("Op de top in Wales in 2014.", ["Wales", "2014"]) == 1.0
    assert key_fact_recall("Op de top in Wales.", ["Wales", "2014"]) == 0.5
    assert key_fact_recall("Anything", []) is None


DOC_A, DOC_B = "a", "b"
GOLD = [Span(doc_id=DOC_A, start=100, end=150), Span(doc_id=DOC_B, start=10, end=40)]


def test_citation_precision_strict_and_lenient() -> None:
    covering = chunk(DOC_A, 80, 200, 1)  # overlaps the first gold span
    elsewhere = chunk(DOC_A, 300, 400, 3)  # same document, no overlap, but well supported
    unsupported = chunk(DOC_B, 50, 90, 2)  # touches no gold span, low support
    answer = make_answer("x [1][2][3]", [(covering, 0.1), (elsewhere, 0.9), (unsupported, 0.2)])
    scores = citation_scores(answer, GOLD, support_threshold=0.5)
    assert (scores.n, scores.strict_ok, scores.lenient_ok) == (3, 1, 2)
    assert scores.strict == pytest.approx(1 / 3)
    assert scores.lenient == pytest.approx(2 / 3)


def test_adjacent_spans_do_not_overlap() -> None:
    touching = chunk(DOC_A, 150, 220)  # starts where the gold span ends
    answer = make_answer("x [1]", [(touching, 0.0)])
    assert citation_scores(answer, GOLD).strict_ok == 0


def test_citation_without_hit_falls_back_to_quoted_span() -> None:
    answer = make_answer("x [1]", [(chunk(DOC_A, 95, 300), 0.0)])
    answer = answer.model_copy(update={"hits": ()})  # quoted span = 95..105 still overlaps 100..150
    assert citation_scores(answer, GOLD).strict_ok == 1


def test_citation_recall_and_all_sources() -> None:
    only_a = make_answer("x [1]", [(chunk(DOC_A, 120, 130), 0.5)])
    both = make_answer("x [1][2]", [(chunk(DOC_A, 120, 130), 0.5), (chunk(DOC_B, 0, 20, 1), 0.5)])
    assert citation_recall(only_a, GOLD) == 0.5
    assert all_sources_cited(only_a, GOLD) is False
    assert citation_recall(both, GOLD) == 1.0
    assert all_sources_cited(both, GOLD) is True
    assert all_sources_cited(both, GOLD[:1]) is None  # one document: not a multi-source item
    assert citation_recall(both, []) is None


def test_evidence_in_prompt_is_the_share_of_gold_spans_a_shown_sentence_overlaps() -> None:
    answer = make_answer("x [1]", [(chunk(DOC_A, 0, 300), 0.5)])
    shown_a = ShownSpan(doc_id=DOC_A, start=140, end=200)  # overlaps the gold span in a
    beside_b = ShownSpan(doc_id=DOC_B, start=40, end=90)  # starts where b's gold span ends
    read = answer.model_copy(update={"shown_spans": (shown_a, beside_b), "prompt_tokens": 300})
    assert evidence_in_prompt(read, GOLD) == 0.5
    both = read.model_copy(update={"shown_spans": (shown_a, ShownSpan(doc_id=DOC_B, start=39, end=90))})
    assert evidence_in_prompt(both, GOLD) == 1.0
    assert evidence_in_prompt(read, []) is None  # unanswerable: no evidence to read


def test_evidence_in_prompt_is_unknown_for_answers_recorded_without_their_prompt() -> None:
    generated = make_answer("x [1]", [(chunk(DOC_A, 0, 300), 0.5)]).model_copy(update={"prompt_tokens": 800})
    assert evidence_in_prompt(generated, GOLD) is None
    gated = make_answer("De documenten zeggen hier niets over.", refused=True)  # refused before a prompt
    assert evidence_in_prompt(gated, GOLD) == 0.0
    assert (
        score_answer(gated, key_facts=["x"], language="nl", answerable=True, spans=GOLD).evidence_in_prompt
        == 0.0
    )


def test_language_match_ignores_markers() -> None:
    assert strip_markers("Zo is het [1]. En zo [2, 3].") == "Zo is het . En zo ."
    assert language_match("Rusland plaatst kernwapens in Belarus om de NAVO af te schrikken [1].", "nl") == (
        "nl",
        True,
    )
    detected, ok = language_match("Russia places nuclear weapons in Belarus to deter NATO [1].", "nl")
    assert (detected, ok) == ("en", False)


def test_score_answer_answerable() -> None:
    answer = make_answer(
        "Op de top in Wales in 2014 besloot de NAVO tot de VJTF [1].", [(chunk(DOC_A, 90, 160), 0.8)]
    )
    m = score_answer(answer, key_facts=["Wales", "2014"], language="nl", answerable=True, spans=GOLD[:1])
    assert m.key_fact_recall == 1.0
    assert m.citations.strict == 1.0
    assert m.citation_recall == 1.0
    assert m.refusal_ok and not m.refused
    assert m.language_ok
    assert (m.first_token_s, m.total_s) == (1.0, 2.0)


def test_score_answer_refusals() -> None:
    refusal = make_answer("De documenten zeggen hier niets over.", refused=True)
    wrong = score_answer(refusal, key_facts=["Wales"], language="nl", answerable=True, spans=GOLD)
    assert wrong.refused and not wrong.refusal_ok
    assert wrong.key_fact_recall == 0.0
    right = score_answer(refusal, key_facts=[], language="nl", answerable=False, spans=[])
    assert right.refusal_ok
    assert right.key_fact_recall is None and right.citation_recall is None
    english = score_answer(refusal, key_facts=[], language="en", answerable=False, spans=[])
    assert not english.language_ok  # refusals must be in the question's language too


def _metrics(**kw: object) -> ItemMetrics:
    base: dict[str, object] = {
        "answerable": True,
        "refused": False,
        "refusal_ok": True,
        "language_detected": "nl",
        "language_ok": True,
    }
    return ItemMetrics.model_validate(base | kw)


def test_summarize_pools_and_splits_by_answerability() -> None:
    items: list[ItemMetrics | None] = [
        _metrics(
            key_fact_recall=1.0,
            citations={"n": 2, "strict_ok": 2, "lenient_ok": 2},
            hit_at={1: True, 5: True},
            reciprocal_rank=1.0,
            first_token_s=1.0,
            model_first_token_s=0.5,
            total_s=4.0,
        ),
        _metrics(
            key_fact_recall=0.0,
            refused=True,
            refusal_ok=False,
            citations={"n": 0},
            hit_at={1: False, 5: True},
            reciprocal_rank=0.25,
            first_token_s=3.0,
            model_first_token_s=1.5,
            total_s=6.0,
        ),
        _metrics(answerable=False, refused=True, language_ok=False, total_s=2.0),
        None,  # a failed item
    ]
    s = summarize(items)
    assert (s.n, s.n_failed) == (4, 1)
    assert s.key_fact_recall == 0.5
    assert s.citation_precision_strict == 1.0
    assert s.refusal_rate == 1.0
    assert s.false_refusal_rate == 0.5
    assert s.language_match == pytest.approx(2 / 3)
    assert (s.hit_at_1, s.hit_at_5, s.hit_at_10) == (0.5, 1.0, None)
    assert s.mrr == 0.625
    assert s.first_token_p50_s == 2.0  # the first checked words, apart from the model's first token
    assert s.model_first_token_p50_s == 1.0
    assert s.total_p50_s == 4.0
    assert s.total_p95_s == pytest.approx(5.8)
    assert s.faithfulness_judged is None


def test_group_by_counts_an_item_in_each_of_its_groups() -> None:
    good, bad = _metrics(key_fact_recall=1.0), _metrics(key_fact_recall=0.0)
    groups = group_by([(["cross-lingual", "table"], good), (["table"], bad)])
    assert list(groups) == ["cross-lingual", "table"]
    assert groups["cross-lingual"].key_fact_recall == 1.0
    assert groups["table"].key_fact_recall == 0.5


def test_percentile_of_nothing() -> None:
    assert percentile([None, None], 50) is None
    assert percentile([3.0], 95) == 3.0


@pytest.mark.parametrize(
    ("reply", "verdict"),
    [
        ('{"supported": true}', True),
        ('{"supported": false}', False),
        ("Yes, it does.", True),
        ("Nee.", False),
        ("not supported", False),
        ("maybe", None),
    ],
)
def test_parse_verdict(reply: str, verdict: bool | None) -> None:
    assert parse_verdict(reply) is verdict


class _FakeJudge:
    """A Generator double: says a sentence is supported when it shares a word with the passage."""

    name, model, context_size = "fake", "fake", 4096

    def __init__(self) -> None:
        self.tasks: list[str] = []

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def stream(self, request):  # type: ignore[no-untyped-def]
        self.tasks.append(request.task)
        user = request.messages[-1].content
        passage = user.split("Passage:\n")[1].split("\n\nSentence:")[0]
        yield json.dumps({"supported": request.question.split()[0] in passage})


def test_judge_answer_counts_uncited_as_unsupported() -> None:
    c = chunk(DOC_A, 0, 4)  # chunk text "xxxx"
    answer = make_answer("xxxx klopt [1].", [(c, 0.5)])
    extra = answer.sentences[0].model_copy(update={"text": "Niet geciteerd.", "sources": ()})
    answer = answer.model_copy(update={"sentences": (*answer.sentences, extra)})
    judge = _FakeJudge()
    result = judge_answer(judge, answer)  # type: ignore[arg-type]
    assert result is not None
    assert [v.supported for v in result.verdicts] == [True, False]
    assert result.verdicts[1].reason == "uncited"
    assert result.score == 0.5
    assert judge.tasks == ["judge"]  # the uncited sentence never reaches the model
    assert judge_answer(judge, make_answer("Weet ik niet.", refused=True)) is None  # type: ignore[arg-type]


def test_judge_skips_verbatim_quotes() -> None:
    c = chunk(DOC_A, 0, 4)
    answer = make_answer("xxxx klopt [1].", [(c, 0.5)])
    quote = answer.sentences[0].model_copy(update={"text": "„xxxx”", "flag": "quote"})
    answer = answer.model_copy(update={"sentences": (*answer.sentences, quote)})
    result = judge_answer(_FakeJudge(), answer)  # type: ignore[arg-type]
    assert result is not None and [v.sentence for v in result.verdicts] == ["xxxx klopt [1]."]
    only_quote = answer.model_copy(update={"sentences": (quote,)})
    assert judge_answer(_FakeJudge(), only_quote) is None  # type: ignore[arg-type]


def test_gate_reports_each_threshold_not_met() -> None:
    summary = summarize([_metrics(key_fact_recall=0.5), _metrics(answerable=False, refused=False)])
    thresholds = thresholds_from(
        {"min_key_fact_recall": 0.8, "max_false_refusal": 0.1, "min_refusal": 0.9, "min_mrr": 0.5}
    )
    failures = check(summary, thresholds)
    assert len(failures) == 3
    assert failures[0].startswith("--min-key-fact-recall 0.8: key_fact_recall = 0.500 is below")
    assert failures[1].startswith("--min-refusal 0.9: refusal_rate = 0.000")
    assert "mrr was not measured" in failures[2]  # a gate on an unmeasured figure fails too
    assert check(summary, thresholds_from({"min_key_fact_recall": 0.5, "min_language": None})) == []
