"""A question in another language than its passages: the model writes in the passages'
language, the checks run there, and the checked answer is translated (rag/answering/pivot.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from rag.answering.pipeline import Assistant
from rag.answering.pivot import writing_language
from rag.generators.base import GenerationRequest
from rag.testing import make_test_assistant
from rag.types import StreamDelta, StreamDone, StreamStatus

QUESTION = "What did the minister say about the exercise of the fleet in the North Sea?"
DUTCH = (
    "Oefening in de Noordzee\n\n"
    "De minister zei op dinsdag dat de oefening van de vloot in de Noordzee drie dagen duurt en dat "
    "er vier fregatten en 1200 militairen aan meedoen. Het weer was slecht, maar de oefening ging door. "
    "Volgens de marine is het de grootste oefening van de vloot sinds jaren.\n"
)


def _assistant(tmp_path: Path, script: Callable[..., str], **overrides: object) -> Assistant:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "oefening.txt").write_text(DUTCH, encoding="utf-8")
    return make_test_assistant(
        tmp_path, script, corpus_dir=corpus, **{"write_in_source_language": True, **overrides}
    )


def test_the_model_writes_in_the_language_most_passages_are_in() -> None:
    assert writing_language(["nl", "nl", "en"], "en") == "nl"
    assert writing_language(["nl", "en"], "en") == "en"  # no majority: the question's
    assert writing_language(["en", "en", "nl"], "en") == "en"
    assert writing_language([], "en") == "en"


def _script(translate: Callable[[list[str]], list[str]], answerable: bool = True) -> Callable[..., str]:
    """Answers with passage [1]'s longest sentence (in its Dutch); translates with `translate`."""

    def script(request: GenerationRequest) -> str:
        if request.task == "translate":
            return json.dumps({"sentences": translate(json.loads(request.messages[1].content)["sentences"])})
        if not answerable:
            return json.dumps(
                {"answerable": False, "sentences": [{"text": "Dat staat er niet.", "sources": []}]}
            )
        longest = max(request.passages[0].text.split(". "), key=len).strip(" .…") + "."
        return json.dumps({"answerable": True, "sentences": [{"text": longest, "sources": [1]}]})

    return script


ENGLISH = (
    "The minister said on Tuesday that the exercise of the fleet in the North Sea lasts three days "
    "and that four frigates and 1200 soldiers take part."
)


def _english(sentences: list[str]) -> list[str]:
    """A faithful translation of the document's first sentence (and an English stand-in for any other)."""
    return [ENGLISH if "1200" in s else "The weather was bad, but the exercise went on." for s in sentences]


def test_an_english_question_over_dutch_passages_is_answered_in_dutch_then_translated(
    tmp_path: Path,
) -> None:
    a = _assistant(tmp_path, _script(_english), quote_sources=False)
    events = list(a.stream(QUESTION))
    answer_request, translate_request = a.generator.requests  # type: ignore[attr-defined]
    assert answer_request.messages[1].content.endswith("Answer language: Dutch (Nederlands).")
    assert translate_request.task == "translate" and "English" in translate_request.messages[0].content
    # Nothing in Dutch was streamed to the reader: the answer appears once translated.
    assert not [e for e in events if isinstance(e, StreamDelta)]
    assert any(isinstance(e, StreamStatus) and "English" in e.message for e in events)
    done = events[-1]
    assert isinstance(done, StreamDone)
    result = done.answer
    assert not result.refused and result.language == "en"
    assert result.sentences[0].text == ENGLISH
    (cited,) = result.citations  # the citation still points at the Dutch words it was checked against
    assert a.document(cited.doc_id).text[cited.start : cited.end] == cited.quote
    assert [c.task for c in result.side_calls] == ["translate"]


def test_a_translation_that_loses_a_number_is_not_shown(tmp_path: Path) -> None:
    losing = lambda sentences: [ENGLISH.replace("1200 soldiers", "many soldiers") for _ in sentences]  # noqa: E731
    a = _assistant(tmp_path, _script(losing), quote_sources=False)
    result = a.answer(QUESTION)
    assert result.refused and result.language == "en"
    assert result.refusal_reason is not None
    assert result.refusal_reason.startswith("the answer, written in the sources' language")
    (dropped,) = result.dropped_sentences
    assert "1200 militairen" in dropped and "1200" not in result.text


def test_a_dutch_question_is_not_translated(tmp_path: Path) -> None:
    a = _assistant(tmp_path, _script(_english))
    result = a.answer("Wat zei de minister over de oefening van de vloot?")
    assert result.language == "nl"
    assert [r.task for r in a.generator.requests] == ["answer"]  # type: ignore[attr-defined]


def test_writing_in_the_question_language_is_the_default(tmp_path: Path) -> None:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "oefening.txt").write_text(DUTCH, encoding="utf-8")
    a = make_test_assistant(tmp_path, _script(_english), corpus_dir=corpus, fix_untranslated=False)
    a.answer(QUESTION)
    answer_request = a.generator.requests[0]  # type: ignore[attr-defined]
    assert answer_request.messages[1].content.endswith("Answer language: English.")


def test_a_refusal_written_in_dutch_is_said_in_english(tmp_path: Path) -> None:
    a = _assistant(tmp_path, _script(_english, answerable=False))
    result = a.answer(QUESTION)
    assert result.refused and result.language == "en"
    assert result.refusal_reason == "the model found no answer in the passages"  # not the model's Dutch
    assert "Dat staat er niet" not in result.text


@pytest.mark.parametrize("translation", ["not json", None])
def test_a_failed_translation_ends_in_a_refusal_not_in_dutch(tmp_path: Path, translation: str | None) -> None:
    def script(request: GenerationRequest) -> str:
        if request.task == "translate":
            sentences = json.loads(request.messages[1].content)["sentences"]
            return translation if translation is not None else json.dumps({"sentences": sentences})
        return _script(_english)(request)

    a = _assistant(tmp_path, script, quote_sources=False)
    result = a.answer(QUESTION)
    assert result.refused and result.language == "en"
    assert result.dropped_sentences  # the Dutch sentence is kept for the record, not shown
