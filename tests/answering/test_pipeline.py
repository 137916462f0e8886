"""The answer pipeline with the offline twins: citations, refusals, language, follow-ups, errors."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from rag.answering.pipeline import Assistant
from rag.answering.sentence_vectors import SentenceVectors
from rag.errors import BackendUnavailableError, QuestionError
from rag.generators.base import GenerationRequest
from rag.testing import make_test_assistant
from rag.types import Answer, StreamDelta, StreamDone, StreamStatus, Turn


def reply(sentences: list[tuple[str, list[int]]], answerable: bool = True) -> str:
    return json.dumps(
        {"answerable": answerable, "sentences": [{"text": t, "sources": s} for t, s in sentences]}
    )


def passage_sentence(request: GenerationRequest, n: int) -> str:
    return request.passages[n - 1].text.split(". ")[0].strip(" .…") + "."


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return make_test_assistant(tmp_path_factory.mktemp("pipe"))


def test_answer_cites_passages_that_were_given(assistant: Assistant) -> None:
    result = assistant.answer("Waarom wil Poetin tactische kernwapens in Belarus plaatsen?")
    assert not result.refused
    assert result.citations and result.text.endswith("[1]")
    cited = result.citations[0]
    assert cited.chunk_id == result.context_chunk_ids[0]
    doc = assistant.document(cited.doc_id)
    assert doc.text[cited.start : cited.end] == cited.quote  # exact span in the cleaned text
    assert result.language == "nl"


def test_stream_emits_status_then_text_then_the_answer(assistant: Assistant) -> None:
    events = list(assistant.stream("Wat zei Stoltenberg over kernwapens?"))
    assert isinstance(events[0], StreamStatus)
    deltas = "".join(e.text for e in events if isinstance(e, StreamDelta))
    done = events[-1]
    assert isinstance(done, StreamDone)
    unmarked = lambda text: " ".join(re.sub(r"\[\d+\]", " ", text).split())  # noqa: E731
    assert deltas and unmarked(deltas) == unmarked(done.answer.text)  # nothing was dropped


def test_invalid_source_numbers_are_repaired_or_removed(tmp_path: Path) -> None:
    def script(request: GenerationRequest) -> str:
        return reply([(passage_sentence(request, 2), [9, 2]), ("De maan is van kaas en 1234 km groot.", [1])])

    a = make_test_assistant(tmp_path, script)
    result = a.answer("Wat zei het Witte Huis over de nucleaire houding?")
    assert all(1 <= n <= len(result.context_chunk_ids) for c in result.citations for n in [c.n])
    assert "9" not in "".join(str(s.sources) for s in result.sentences)
    assert "De maan is van kaas en 1234 km groot." in result.dropped_sentences
    assert "kaas" not in result.text


def test_model_refusal_gives_the_fixed_text_in_the_question_language(tmp_path: Path) -> None:
    a = make_test_assistant(tmp_path, lambda r: reply([("Not in the passages.", [])], answerable=False))
    en = a.answer("What year did the CFE treaty enter into force?")
    assert en.refused and en.text == "The documents don't say." and en.language == "en"
    nl = a.answer("In welk jaar trad het CFE-verdrag in werking?")
    assert nl.refused and nl.text == "De documenten zeggen hier niets over."
    assert nl.hits  # the nearest passages are offered with the refusal


def test_unsupported_answer_becomes_a_refusal(tmp_path: Path) -> None:
    a = make_test_assistant(tmp_path, lambda r: reply([("Het CFE-verdrag trad in 1992 in werking.", [1])]))
    result = a.answer("In welk jaar trad het CFE-verdrag in werking?")
    assert result.refused
    assert result.dropped_sentences == ("Het CFE-verdrag trad in 1992 in werking.",)
    # The reason speaks the question's language.
    assert result.refusal_reason == "geen zin van het gegenereerde antwoord wordt door de passages gestaafd"


def test_a_refusal_over_passages_in_the_other_language_suggests_asking_in_theirs(tmp_path: Path) -> None:
    a = make_test_assistant(
        tmp_path,
        lambda r: reply([("The CFE treaty entered into force in 1992.", [1])]),
        answer_from_sources=False,
    )
    english = a.answer("In which year did the CFE treaty enter into force?")
    assert english.refused and english.text == "The documents don't say."
    assert english.refusal_reason == (
        "no sentence of the generated answer is supported by the passages: "
        "the passages are in Dutch; asking in Dutch may find the answer"
    )
    dutch = a.answer("In welk jaar trad het CFE-verdrag in werking?")  # same language: nothing to suggest
    assert (
        dutch.refused
        and "Engels" not in (dutch.refusal_reason or "")
        and ";" not in (dutch.refusal_reason or "")
    )


def test_a_failed_answer_falls_back_on_the_source_sentence_that_answers_it(tmp_path: Path) -> None:
    wrong = "Rusland heeft weinig dagen nodig om de Baltische staten te veroveren."
    a = make_test_assistant(tmp_path, lambda r: reply([(wrong, [1])]))
    result = a.answer("Hoeveel dagen heeft Rusland nodig om de Baltische staten te veroveren?")
    assert not result.refused
    assert result.dropped_sentences == (wrong,)
    lead, quote = result.sentences
    assert lead.flag == "uncited" and not lead.sources
    assert quote.flag == "quote" and "vijf dagen" in quote.text
    (citation,) = result.citations
    assert citation.quote in quote.text  # cited at the exact words shown
    assert "5 dagen" not in result.text and "vijf dagen" in result.text


def test_no_fallback_when_the_question_assumes_a_name_no_passage_has(tmp_path: Path) -> None:
    wrong = "Rusland heeft weinig dagen nodig om de Baltische staten te veroveren."
    a = make_test_assistant(tmp_path, lambda r: reply([(wrong, [1])]))
    result = a.answer("Hoeveel dagen heeft Mark Rutte nodig om de Baltische staten te veroveren?")
    assert result.refused


def test_a_how_many_question_that_asks_more_is_not_refused_for_its_count(tmp_path: Path) -> None:
    sentence = "De VJTF werd in 2014 in Wales opgericht."
    a = make_test_assistant(
        tmp_path, lambda r: reply([(sentence, [1])]), quote_sources=False, answer_from_sources=False
    )
    result = a.answer("Hoeveel militairen telt de VJTF, en wanneer werd zij opgericht?")
    assert result.refusal_reason is None or "aantal" not in result.refusal_reason


@pytest.mark.parametrize(
    ("sentence", "question", "reason"),
    [
        (
            "Rusland heeft weinig dagen nodig om de Baltische staten te veroveren.",
            "Hoeveel dagen heeft Rusland nodig om de Baltische staten te veroveren?",
            "vraagt om een aantal",
        ),
        (
            "Nederland leverde in 2017 vier F-16’s voor de Baltische staten.",
            "Hoeveel F-35's stelt Nederland beschikbaar voor de Baltische staten?",
            "telt iets anders",
        ),
    ],
)
def test_a_how_many_question_answered_without_its_count_becomes_a_refusal(
    tmp_path: Path, sentence: str, question: str, reason: str
) -> None:
    a = make_test_assistant(
        tmp_path, lambda r: reply([(sentence, [1])]), quote_sources=False, answer_from_sources=False
    )
    result = a.answer(question)
    assert result.refused and reason in (result.refusal_reason or "")
    assert result.dropped_sentences == (sentence,)
    # The same sentence answers a question that does not ask how many.
    assert not a.answer(question.replace("Hoeveel", "Wat over")).refused


def test_a_number_in_words_answers_a_number_question(tmp_path: Path) -> None:
    sentence = "Rusland heeft maximaal vijf dagen nodig om de Baltische staten te veroveren."
    a = make_test_assistant(tmp_path, lambda r: reply([(sentence, [1])]), quote_sources=False)
    assert not a.answer("Hoeveel dagen heeft Rusland nodig om de Baltische staten te veroveren?").refused


def test_retrieval_gate_refuses_without_calling_the_model(tmp_path: Path) -> None:
    a = make_test_assistant(tmp_path, refusal_threshold=1.01)
    result = a.answer("Wat is het recept voor appeltaart?")
    assert result.refused
    assert a.generator.requests == []  # type: ignore[attr-defined]


def test_answer_in_the_wrong_language_is_translated(tmp_path: Path) -> None:
    english = "President Putin gave the instruction on February 27, 2022, the brief says."
    replies = [
        reply([(english, [1])]),
        json.dumps({"sentences": ["Poetin gaf de instructie op 27 februari 2022, volgens de tekst."]}),
    ]
    a = make_test_assistant(tmp_path, replies)
    events = list(a.stream("Op welke datum gaf Poetin de instructie voor het speciale dienstregime?"))
    assert any(isinstance(e, StreamStatus) and "Dutch" in e.message for e in events)
    _answer, translate = a.generator.requests  # type: ignore[attr-defined]
    assert translate.task == "translate" and english in translate.messages[1].content
    final = events[-1]
    assert isinstance(final, StreamDone)
    assert final.answer.language == "nl" and "februari" in final.answer.text
    assert [c.task for c in final.answer.side_calls] == ["translate"]


def test_failed_translation_keeps_the_answer(tmp_path: Path) -> None:
    english = "President Putin gave the instruction on February 27, 2022, the brief says."
    a = make_test_assistant(tmp_path, [reply([(english, [1])]), "not json"])
    result = a.answer("Op welke datum gaf Poetin de instructie voor het speciale dienstregime?")
    translation = result.side_calls[-1]
    assert translation.task == "translate" and not translation.ok
    # The untranslated sentence went on to the checks unchanged (kept, or dropped as unsupported).
    assert english in [*(s.text for s in result.sentences), *result.dropped_sentences]


def test_follow_up_is_condensed_with_history(tmp_path: Path) -> None:
    def script(request: GenerationRequest) -> str:
        if request.task == "condense":
            return json.dumps({"question": "Op welke NAVO-top werd tot de VJTF besloten?"})
        return reply([(passage_sentence(request, 1), [1])])

    a = make_test_assistant(tmp_path, script)
    history = [
        Turn(role="user", content="Welke snelle interventiemacht kondigde de NAVO aan na de Krim?"),
        Turn(role="assistant", content="De Very High Readiness Joint Task Force (VJTF)."),
    ]
    result = a.answer("Op welke top werd daartoe besloten?", history)
    assert result.standalone_question == "Op welke NAVO-top werd tot de VJTF besloten?"
    (rewrite,) = result.side_calls  # the side question is counted in the Answer
    assert rewrite.task == "condense" and rewrite.ok and rewrite.completion_tokens > 0
    assert result.timings.side_s == round(rewrite.seconds, 4) <= result.timings.total_s
    condense, answer = a.generator.requests  # type: ignore[attr-defined]
    assert "VJTF" in condense.messages[1].content
    assert "Follow-up question: Op welke top werd daartoe besloten?" in answer.messages[1].content


def test_follow_up_falls_back_to_the_previous_question(tmp_path: Path) -> None:
    a = make_test_assistant(tmp_path, lambda r: "" if r.task == "condense" else reply([("x", [])]))
    history = [{"role": "user", "content": "Wat zei Stoltenberg?"}, {"role": "assistant", "content": "..."}]
    result = a.answer("En wanneer?", history)  # type: ignore[arg-type]
    assert result.standalone_question == "Wat zei Stoltenberg? En wanneer?"


def test_follow_up_in_short_english_keeps_english(tmp_path: Path) -> None:
    a = make_test_assistant(tmp_path)
    history = [Turn(role="user", content="What did Stoltenberg say about nuclear weapons?"),
               Turn(role="assistant", content="That it is extremely far away [1].")]  # fmt: skip
    assert a.answer("And when?", history).language == "en"


@pytest.mark.parametrize("question", ["", "   ", "x" * 5000])
def test_bad_questions_raise_a_clear_error(assistant: Assistant, question: str) -> None:
    with pytest.raises(QuestionError, match=r"empty|limit"):
        assistant.answer(question)


def test_backend_errors_propagate_as_rag_errors(tmp_path: Path) -> None:
    a = make_test_assistant(tmp_path, [BackendUnavailableError("Ollama at X is not reachable")])  # type: ignore[list-item]
    with pytest.raises(BackendUnavailableError):
        a.answer("Wat zei Stoltenberg?")


def test_answer_serialises_to_json(assistant: Assistant) -> None:
    result = assistant.answer("Wat zei Stoltenberg?")
    again = Answer.model_validate_json(result.model_dump_json())
    assert again == result


def test_warm_up_puts_the_system_prompt_in_the_generator_cache(tmp_path: Path) -> None:
    from rag.answering.prompt import SYSTEM_PROMPT

    a = make_test_assistant(tmp_path)
    seen: list[object] = []
    a.generator.warmup = seen.append  # type: ignore[attr-defined]
    a.warm_up()
    (prefix,) = seen
    assert [m.content for m in prefix] == [SYSTEM_PROMPT]  # type: ignore[attr-defined]


class _SameVector:
    """An embedder that finds every sentence close to every question: the hashing twin has no
    cross-lingual similarity, which the quote of a Dutch source under an English answer needs."""

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        # ...except a sentence about an army, which is far from everything else.
        return np.array([[1.0, 0.0] if "army" in t else [np.sqrt(0.5), np.sqrt(0.5)] for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return np.ones(2) / np.sqrt(2)


def _cross_lingual(a: Assistant) -> Assistant:
    a.composer = replace(a.composer, vectors=SentenceVectors(_SameVector()))  # type: ignore[arg-type]
    return a


def _translating_script(translation: str | None) -> Callable[[GenerationRequest], str]:
    """Answers in English from passage [1]; translates what it is asked to with `translation`
    (None: echoes the Dutch)."""

    def script(request: GenerationRequest) -> str:
        if request.task == "translate":
            original = json.loads(request.messages[1].content)["sentences"][0]
            return json.dumps({"sentences": [translation if translation is not None else original]})
        return reply([("Russia needs at most five days to conquer the Baltic states.", [1])])

    return script


def test_an_english_answer_quotes_a_dutch_source_in_labelled_machine_translation(tmp_path: Path) -> None:
    english = (
        "Russia needs at most five days to conquer the Baltic states. This harsh conclusion of the "
        "RAND Corporation in the spring of 2016 was partly a wake-up call for NATO."
    )
    a = _cross_lingual(make_test_assistant(tmp_path, _translating_script(english), translate_quotes=True))
    result = a.answer("How many days does Russia need to conquer the Baltic states according to RAND?")
    quoted = [s for s in result.sentences if s.flag == "translation"]
    assert quoted and quoted[0].text == f"“{english}” (machine translation)"
    cited = next(c for c in result.citations if c.n == quoted[0].sources[0])
    assert "vijf dagen" in cited.quote  # the citation points at the original Dutch words
    assert any(c.task == "translate" for c in result.side_calls)


@pytest.mark.parametrize(
    "translation",
    [
        None,  # not translated at all
        # Another event, of the right length and with every number: only its meaning is wrong.
        "The Russian army was forced to leave the Baltic states within five days, a harsh conclusion "
        "reached in the spring of 2016 by the RAND Corporation as a wake-up call for all of NATO.",
        "Russia needs at most a few days to conquer the Baltic states. This harsh conclusion of the "
        "RAND Corporation in the spring of 2016 was partly a wake-up call for NATO.",  # a number is lost
    ],
)
def test_an_unusable_translation_is_not_shown(tmp_path: Path, translation: str | None) -> None:
    a = _cross_lingual(make_test_assistant(tmp_path, _translating_script(translation), translate_quotes=True))
    result = a.answer("How many days does Russia need to conquer the Baltic states according to RAND?")
    assert not any(s.flag == "translation" for s in result.sentences)
    assert any(c.task == "translate" for c in result.side_calls)  # it was tried


def test_quotes_in_another_language_are_left_out_by_default(tmp_path: Path) -> None:
    a = _cross_lingual(make_test_assistant(tmp_path, _translating_script("Anything at all.")))
    result = a.answer("How many days does Russia need to conquer the Baltic states according to RAND?")
    assert not any(s.flag in ("translation", "quote") for s in result.sentences)
    assert not any(c.task == "translate" for c in result.side_calls)  # and no time is spent on it


def test_translation_calls_made_while_looking_for_a_fallback_are_counted_in_a_refusal(tmp_path: Path) -> None:
    def script(request: GenerationRequest) -> str:
        if request.task == "translate":  # echoes the Dutch: an unusable translation
            return json.dumps({"sentences": json.loads(request.messages[1].content)["sentences"]})
        return reply([("The moon is made of green cheese.", [1])])

    a = _cross_lingual(make_test_assistant(tmp_path, script, translate_quotes=True))
    result = a.answer("how many days are needed to conquer the baltic states?")
    assert result.refused
    assert any(c.task == "translate" for c in result.side_calls)
