"""A question in a third language (German, French, Chinese) gets a polite notice in English
naming the languages it can be asked in, through answer(), `rag ask` and the chat; with the
answer language chosen it is answered anyway."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.answering.pipeline import Assistant
from rag.cli import app
from rag.testing import make_test_assistant
from ui.chat import AssistantProvider, ChatController, Options, Session

GERMAN = "Warum will Putin taktische Atomwaffen in Belarus stationieren?"
FRENCH = "Pourquoi la Russie veut-elle déployer des armes nucléaires en Biélorussie ?"
CHINESE = "为什么普京要在白俄罗斯部署核武器？"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return make_test_assistant(tmp_path_factory.mktemp("other-language"))


@pytest.mark.parametrize(("question", "name"), [(GERMAN, "German"), (FRENCH, "French"), (CHINESE, "Chinese")])
def test_answer_gives_a_notice_naming_the_supported_languages(
    assistant: Assistant, question: str, name: str
) -> None:
    asked = len(assistant.generator.requests)  # type: ignore[attr-defined]
    answer = assistant.answer(question)
    assert answer.refused and answer.language == "en"
    assert f"seems to be in {name}" in answer.text and "Dutch and English" in answer.text
    assert answer.refusal_reason is not None and name in answer.refusal_reason
    assert answer.hits == () and answer.citations == ()
    assert len(assistant.generator.requests) == asked  # type: ignore[attr-defined]  # no model call


def test_a_chosen_answer_language_answers_it_anyway(assistant: Assistant) -> None:
    answer = assistant.answer(GERMAN, language="en")
    assert not answer.refused and answer.citations and answer.language == "en"


def test_a_dutch_question_is_answered_as_before(assistant: Assistant) -> None:
    answer = assistant.answer("Waarom wil Poetin tactische kernwapens in Belarus plaatsen?")
    assert not answer.refused and "seems to be in" not in answer.text


def test_rag_ask_prints_the_notice(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(Assistant, "from_settings", classmethod(lambda cls, settings: assistant))
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(app, ["ask", GERMAN])
    assert result.exit_code == 0, result.output
    assert "seems to be in German" in result.output and "Dutch and English" in result.output
    assert "Traceback" not in result.output


def test_chat_shows_the_notice(assistant: Assistant) -> None:
    controller = ChatController(AssistantProvider(assistant.settings, assistant))
    session = Session()
    *_, last = controller.respond(CHINESE, [], session, Options.from_settings(assistant.settings))
    bubble = last[1][-1]["content"]
    assert "seems to be in Chinese" in bubble and "Dutch and English" in bubble
    assert 'class="chat-error"' not in bubble  # an answer of its own, not an error
