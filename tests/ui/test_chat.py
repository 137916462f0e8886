"""The chat controller: streaming into the page, follow-ups, settings, friendly errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.config import Settings
from rag.errors import GenerationError, IndexMissingError
from rag.types import StreamDelta, StreamEvent, StreamStatus
from tests.ui.fakes import FakeAssistant
from ui.chat import AssistantProvider, ChatController, Options, Session
from ui.messages import GENERIC


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, generator="scripted")  # type: ignore[call-arg]


def controller_for(assistant: FakeAssistant) -> ChatController:
    return ChatController(AssistantProvider(assistant.settings, assistant))  # type: ignore[arg-type]


def test_answer_streams_then_settles_with_sources(settings: Settings) -> None:
    fake = FakeAssistant(settings)
    session = Session()
    updates = list(
        controller_for(fake).respond("Waarom Belarus?", [], session, Options.from_settings(settings))
    )
    bubbles = [u[1][-1]["content"] for u in updates]
    assert "Searching the documents" in bubbles[0]
    assert any("Rusland wil kernwapens" in b and "cursor" in b for b in bubbles[1:-1])  # partial text
    box, chat, sources, status, _ = updates[-1]
    assert box == ""
    assert chat[0] == {"role": "user", "content": "Waarom Belarus?"}
    assert chat[1]["content"].endswith('href="#src-1-1" title="Kernwapens &lt;in&gt; Belarus">[1]</a>.')
    assert 'id="src-1-1"' in sources and "<mark>" in sources
    assert "total 0.05 s" in status
    assert session.answers[1].question == "Waarom Belarus?"


def test_follow_up_sends_the_history_and_numbers_sources_apart(settings: Settings) -> None:
    fake = FakeAssistant(settings)
    session, ctl, opts = Session(), controller_for(fake), Options.from_settings(settings)
    *_, first = ctl.respond("Waarom Belarus?", [], session, opts)
    *_, second = ctl.respond("En wanneer?", first[1], session, opts)
    history = fake.calls[1]["history"]
    assert [(t.role, t.content) for t in history] == [
        ("user", "Waarom Belarus?"),
        ("assistant", "Rusland wil kernwapens in Belarus plaatsen [1]."),
    ]
    assert len(second[1]) == 4 and 'href="#src-2-1"' in second[1][3]["content"]
    assert 'id="src-2-1"' in second[2] and 'id="src-1-1"' in second[2]  # earlier sources kept, folded
    assert sorted(session.answers) == [1, 3]


def test_empty_question_becomes_a_friendly_chat_message(settings: Settings) -> None:
    fake = FakeAssistant(settings)
    *_, last = controller_for(fake).respond("   ", [], Session(), Options.from_settings(settings))
    bubble = last[1][-1]["content"]
    assert 'class="chat-error"' in bubble and "Please check your question" in bubble
    assert "Traceback" not in bubble


def failing(question: str) -> Iterator[StreamEvent]:
    yield StreamStatus(message="generating")
    yield StreamDelta(text="Half ")
    raise RuntimeError("internal detail at /secret/path")


def test_unexpected_error_mid_stream_shows_a_generic_message(settings: Settings) -> None:
    fake = FakeAssistant(settings, script=failing)
    session = Session()
    *_, last = controller_for(fake).respond("Waarom?", [], session, Options.from_settings(settings))
    assert last[0] == "Waarom?"  # the question stays in the box to try again
    assert GENERIC.split(".")[0] in last[1][-1]["content"] and "secret" not in last[1][-1]["content"]
    assert session.turns == [] and session.answers == {}


def test_generation_error_keeps_its_explanation(settings: Settings) -> None:
    def broken(question: str) -> Iterator[StreamEvent]:
        raise GenerationError("the model returned no JSON; try again")
        yield  # pragma: no cover

    fake = FakeAssistant(settings, script=broken)
    *_, last = controller_for(fake).respond("Waarom?", [], Session(), Options.from_settings(settings))
    assert "the model returned no JSON; try again" in last[1][-1]["content"]


def test_settings_choose_generator_passages_and_language(settings: Settings) -> None:
    fake = FakeAssistant(settings)
    opts = Options("ollama", "http://127.0.0.1:9", "qwen", top_k=3, language="en")
    ctl = controller_for(fake)
    list(ctl.respond("Why?", [], Session(), opts))
    list(ctl.respond("Why again?", [], Session(), opts))
    assert fake.variants == [
        {"generator": "ollama", "ollama_host": "http://127.0.0.1:9", "ollama_model": "qwen"}
    ]
    assert (fake.calls[0]["top_k"], fake.calls[0]["language"]) == (3, "en")
    list(ctl.respond("Waarom?", [], Session(), Options.from_settings(settings)))
    assert fake.calls[2]["language"] is None and len(fake.variants) == 1  # auto; base assistant reused


def test_load_failure_is_shown_and_retried(settings: Settings) -> None:
    attempts: list[int] = []
    fake = FakeAssistant(settings)

    def loader(s: Settings) -> FakeAssistant:
        attempts.append(1)
        if len(attempts) == 1:
            raise IndexMissingError("no index in .rag/index; run 'rag ingest'")
        return fake

    provider = AssistantProvider(settings, None, loader)  # type: ignore[arg-type]
    ctl = ChatController(provider)
    *_, last = ctl.respond("Waarom?", [], Session(), Options.from_settings(settings))
    content = last[1][-1]["content"]
    assert "There is no index yet. no index in .rag/index; run <code>rag ingest</code>" in content
    assert "rag ingest" in last[3]  # the status footer says why too
    *_, retried = ctl.respond("Waarom?", [], Session(), Options.from_settings(settings))
    assert 'class="cite"' in retried[1][-1]["content"] and len(attempts) == 2
