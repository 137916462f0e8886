"""Source-language words left in an answer are found word by word and replaced by the variant
table's term when it pairs them with exactly one, else fixed by the model; a fix that changes
numbers, wanders off or keeps the words is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.answering import untranslated
from rag.answering.output import RawSentence
from rag.answering.untranslated import fix_untranslated, foreign_words, glossary_term
from rag.generators.base import GenerationRequest
from rag.generators.scripted import ScriptedGenerator
from rag.testing import make_test_assistant

SOURCE = "De auteurs gebruiken de theorie van de wapenwedloop van John Herz uit 1950."
QUESTION = "Which theory do the authors use?"
MIXED = "The authors use John Herz's theory of the wapenwedloop from 1950."  # a word the table lacks


def test_dutch_words_copied_into_an_english_sentence_are_found() -> None:
    assert foreign_words(MIXED, "en", SOURCE, QUESTION) == ["wapenwedloop"]


def test_names_question_words_and_english_words_are_left_alone() -> None:
    assert foreign_words("John Herz wrote about theory in 1950.", "en", SOURCE, QUESTION) == []
    asked = "What is the wapenwedloop?"
    assert foreign_words(MIXED, "en", SOURCE, asked) == []  # the user used the word
    assert foreign_words(MIXED, "en", "", QUESTION) == []  # not copied from the passages


def test_english_words_in_a_dutch_answer_are_found_too() -> None:
    source = "The security dilemma was described by John Herz."
    found = foreign_words("De auteurs noemen het security dilemma.", "nl", source, "Welke theorie?")
    assert "security" in found


def test_dutch_forms_of_names_are_found_but_other_names_are_not() -> None:
    source = "De NAVO steunt Oekraïne, zei Stoltenberg in Brussel."
    found = foreign_words("The NAVO supports Oekraïne, Stoltenberg said.", "en", source, "Who?")
    assert found == ["NAVO", "Oekraïne"]


def test_dutch_forms_of_european_places_are_found() -> None:
    source = "Rusland schendt het Document van Wenen en wil een top in Genève en Den Haag."
    answer = "Russia violates the Document of Wenen and wants summits in Genève and Vienna."
    assert foreign_words(answer, "en", source, "Which agreements?") == ["Wenen", "Genève"]


def _fix(reply: str) -> tuple[str, list[GenerationRequest]]:
    seen: list[GenerationRequest] = []

    def script(request: GenerationRequest) -> str:
        seen.append(request)
        return reply

    found = [foreign_words(MIXED, "en", SOURCE, QUESTION)]
    sentences = [RawSentence(text=MIXED, sources=[2])]
    fixed, _calls = fix_untranslated(sentences, found, "en", SOURCE, QUESTION, ScriptedGenerator(script))
    return fixed[0].text, seen


def test_model_fixes_the_listed_words_and_sources_stay() -> None:
    good = "The authors use John Herz's theory of the arms race from 1950."
    text, seen = _fix(good)
    assert text == good
    assert "Dutch words: wapenwedloop" in seen[0].messages[-1].content
    assert seen[0].task == "translate"


def test_a_fix_that_changes_numbers_or_keeps_the_words_is_refused() -> None:
    assert _fix("The authors use John Herz's theory of the arms race from 1960.")[0] == MIXED
    assert _fix(MIXED)[0] == MIXED
    assert _fix("Sure! Here is the sentence:\nThe authors use the arms race from 1950.")[0] == MIXED
    assert _fix("The authors use the theory of the arms race from 1950.")[0] == MIXED  # Herz lost


def test_a_fix_that_corrects_a_name_s_spelling_is_kept_and_one_that_swaps_a_name_is_not() -> None:
    respelled = "The authors use John Hertz's theory of the arms race from 1950."
    assert _fix(respelled)[0] == respelled
    assert _fix("The authors use John Mearsheimer's theory of the arms race from 1950.")[0] == MIXED


def test_a_word_the_variant_table_pairs_with_one_term_is_replaced_without_asking_the_model() -> None:
    source = "Het veiligheidsdilemma speelt volgens Loekasjenko ook in Wenen."
    answer = "Loekasjenko says the veiligheidsdilemma also plays out in Wenen."
    words = foreign_words(answer, "en", source, "What does he say?")
    assert sorted(words) == ["Loekasjenko", "Wenen", "veiligheidsdilemma"]

    def script(request: GenerationRequest) -> str:
        raise AssertionError("the table's terms need no model call")

    sentences = [RawSentence(text=answer, sources=[1])]
    fixed, calls = fix_untranslated(
        sentences, [words], "en", source, "What does he say?", ScriptedGenerator(script)
    )
    assert fixed[0].text == "Lukashenko says the security dilemma also plays out in Vienna."
    assert fixed[0].sources == [1] and calls == ()


def test_the_table_pairs_a_word_only_with_a_single_term_of_the_answer_s_language() -> None:
    assert glossary_term("Wenen", "en") == "Vienna"
    assert glossary_term("Oekraïne", "en") == "Ukraine"
    assert glossary_term("security dilemma", "nl") == "veiligheidsdilemma"
    # België's group holds 'Belgium' and 'Belgian', zweden's 'Sweden' and 'Swedish': ambiguous.
    assert glossary_term("België", "en") is None
    assert glossary_term("zweden", "en") is None
    assert glossary_term("wapenwedloop", "en") is None  # not in the table
    # The group's name is a folded key: no spelling for a capitalised word ('moskou').
    assert glossary_term("January", "nl") is None
    assert glossary_term("january", "nl") == "januari"


def test_the_model_is_asked_only_for_the_words_the_table_cannot_give() -> None:
    source = "De wapenwedloop in Wenen."
    answer = "The wapenwedloop in Wenen."
    seen: list[GenerationRequest] = []

    def script(request: GenerationRequest) -> str:
        seen.append(request)
        return "The arms race in Vienna."

    words = foreign_words(answer, "en", source, "Where?")
    fixed, _calls = fix_untranslated(
        [RawSentence(text=answer, sources=[1])], [words], "en", source, "Where?", ScriptedGenerator(script)
    )
    assert fixed[0].text == "The arms race in Vienna."
    prompt = seen[0].messages[-1].content
    assert "Sentence: The wapenwedloop in Vienna." in prompt and "Dutch words: wapenwedloop" in prompt


def test_a_failed_model_fix_still_keeps_the_table_s_terms() -> None:
    source = "De wapenwedloop in Wenen."
    answer = "The wapenwedloop in Wenen."
    words = foreign_words(answer, "en", source, "Where?")
    fixed, _calls = fix_untranslated(
        [RawSentence(text=answer, sources=[1])],
        [words],
        "en",
        source,
        "Where?",
        ScriptedGenerator(lambda request: "Sure!\nThe arms race."),
    )
    assert fixed[0].text == "The wapenwedloop in Vienna."


CORPUS = (
    "De NAVO besloot tijdens de top in Wales tot de oprichting van een snelle interventiemacht. "
    "Die kan binnen enkele dagen naar Polen en de Baltische staten worden verplaatst.\n"
)


def test_pipeline_fixes_an_english_answer_before_checking_it(tmp_path: Path) -> None:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "wales.txt").write_text(CORPUS, encoding="utf-8")
    calls: list[str] = []

    def script(request: GenerationRequest) -> str:
        calls.append(request.task)
        if request.task == "translate":
            return "NATO decided at the Wales summit to set up a rapid intervention force."
        sentence = "NATO decided at the Wales summit to set up a snelle interventiemacht."
        return json.dumps({"answerable": True, "sentences": [{"text": sentence, "sources": [1]}]})

    question = "What did NATO decide at the Wales summit?"
    assistant = make_test_assistant(tmp_path / "on", script, corpus_dir=corpus, quote_sources=False)
    answer = assistant.answer(question)
    assert calls.count("translate") == 1
    shown = " ".join([answer.text, *answer.dropped_sentences])
    assert "rapid intervention force" in shown and "interventiemacht" not in shown
    off = make_test_assistant(tmp_path / "off", script, corpus_dir=corpus, fix_untranslated=False)
    calls.clear()
    kept = off.answer(question)
    assert "interventiemacht" in " ".join([kept.text, *kept.dropped_sentences])
    assert "translate" not in calls


def test_a_term_is_put_in_literally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(untranslated, "glossary_term", lambda word, language: r"\1 & \g<0>")
    text, left = untranslated.from_glossary("The Wenen document.", ["Wenen"], "en")
    assert text == r"The \1 & \g<0> document." and left == []
