"""Passages shown to the model in the question's language (rag/answering/passage_translation.py):
an English question over a Dutch document is answered from an English translation of its
evidence, checked against that translation, and cited at the Dutch words."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from rag.answering.passage_translation import TranslationCache
from rag.answering.pipeline import Assistant
from rag.generators.base import GenerationRequest
from rag.testing import make_test_assistant

QUESTION = "How long does the exercise of the fleet in the North Sea last, and how many frigates take part?"
DUTCH = (
    "Oefening in de Noordzee\n\n"
    "De minister zei op dinsdag dat de oefening van de vloot in de Noordzee drie dagen duurt en dat "
    "er vier fregatten en 1200 militairen aan meedoen. Het weer was slecht, maar de oefening ging door.\n"
)
ENGLISH = (
    "The minister said on Tuesday that the fleet's exercise in the North Sea lasts three days and "
    "that four frigates and 1200 soldiers take part. The weather was bad, but the exercise went on."
)
ANSWER = "The exercise lasts three days, and four frigates and 1200 soldiers take part."

Translate = Callable[[str], str]


def _faithful(dutch: str) -> str:
    return ENGLISH


def _script(translate: Translate) -> Callable[[GenerationRequest], str]:
    """Translates passages with `translate`; answers with ANSWER, citing passage [1]."""

    def script(request: GenerationRequest) -> str:
        if request.task == "translate":
            return translate(request.messages[1].content)
        return json.dumps({"answerable": True, "sentences": [{"text": ANSWER, "sources": [1]}]})

    return script


def _assistant(tmp_path: Path, translate: Translate = _faithful, **overrides: object) -> Assistant:
    corpus = tmp_path / "docs"
    corpus.mkdir(exist_ok=True)
    (corpus / "oefening.txt").write_text(DUTCH, encoding="utf-8")
    settings: dict[str, object] = {"translate_passages": True, "quote_sources": False, **overrides}
    return make_test_assistant(tmp_path, _script(translate), corpus_dir=corpus, **settings)


def _tasks(a: Assistant) -> list[str]:
    return [r.task for r in a.generator.requests]  # type: ignore[attr-defined]


def _answer_prompt(a: Assistant) -> str:
    requests = [r for r in a.generator.requests if r.task == "answer"]  # type: ignore[attr-defined]
    return str(requests[-1].messages[1].content)


def test_an_english_question_is_answered_from_the_english_translation_of_dutch_passages(
    tmp_path: Path,
) -> None:
    a = _assistant(tmp_path)
    result = a.answer(QUESTION)
    assert _tasks(a) == ["translate", "answer"]
    prompt = _answer_prompt(a)
    assert ENGLISH in prompt and "fregatten" not in prompt
    assert not result.refused
    assert result.sentences[0].text == ANSWER and result.sentences[0].support >= 0.9
    (cited,) = result.citations  # the citation points at the Dutch words the translation renders
    assert a.document(cited.doc_id).text[cited.start : cited.end] == cited.quote
    assert "fregatten" in cited.quote
    assert [c.task for c in result.side_calls] == ["translate"]


def test_a_translation_is_made_once_and_kept_beside_the_index(tmp_path: Path) -> None:
    a = _assistant(tmp_path)
    a.answer(QUESTION)
    a.answer(QUESTION)
    assert _tasks(a) == ["translate", "answer", "answer"]
    lines = a.settings.translations_path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["text"] for line in lines] == [ENGLISH]
    again = _assistant(tmp_path)  # a new process reads the saved translation
    again.answer(QUESTION)
    assert _tasks(again) == ["answer"]
    assert ENGLISH in _answer_prompt(again)


def test_a_translation_that_loses_a_number_is_not_shown_and_not_asked_again(tmp_path: Path) -> None:
    a = _assistant(tmp_path, lambda dutch: ENGLISH.replace("1200 soldiers", "many soldiers"))
    a.answer(QUESTION)
    a.answer(QUESTION)
    assert _tasks(a) == ["translate", "answer", "answer"]
    prompt = _answer_prompt(a)
    assert "fregatten" in prompt and "many soldiers" not in prompt


def test_a_dutch_question_over_dutch_passages_is_not_translated(tmp_path: Path) -> None:
    a = _assistant(tmp_path)
    a.answer("Hoe lang duurt de oefening van de vloot in de Noordzee?")
    assert _tasks(a)[0] == "answer"  # (the script's English answer is translated after it)
    assert "fregatten" in _answer_prompt(a)


def test_passages_are_not_translated_by_default(tmp_path: Path) -> None:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "oefening.txt").write_text(DUTCH, encoding="utf-8")
    a = make_test_assistant(tmp_path, _script(_faithful), corpus_dir=corpus, quote_sources=False)
    a.answer(QUESTION)
    assert _tasks(a)[0] == "answer"
    assert "fregatten" in _answer_prompt(a)


def test_a_translation_too_long_for_the_context_leaves_the_passages_as_they_were(tmp_path: Path) -> None:
    long_english = " ".join([ENGLISH] * 40)  # numbers kept, but far too long for the context
    a = _assistant(tmp_path, lambda dutch: long_english, n_ctx=1024, max_answer_tokens=128)
    result = a.answer(QUESTION)
    assert "fregatten" in _answer_prompt(a)
    assert [c.task for c in result.side_calls] == ["translate"]  # tried, and its time is counted


def test_a_cache_file_with_a_cut_line_keeps_the_whole_ones(tmp_path: Path) -> None:
    path = tmp_path / "translations.jsonl"
    path.write_text('{"key": "a", "text": "one"}\n{"key": "b", "te', encoding="utf-8")
    cache = TranslationCache(path)
    assert cache.get("a") == "one" and cache.get("b") is None
    cache.put("c", "three")
    assert TranslationCache(path).get("c") == "three"


def test_a_cache_that_cannot_be_written_keeps_translations_in_memory(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    cache = TranslationCache(blocked / "translations.jsonl")  # its folder cannot be made
    cache.put("a", "one")
    cache.put("b", "two")
    assert cache.get("a") == "one" and cache.get("b") == "two"
