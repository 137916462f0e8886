"""The chat keeps its conversation: saved after every answer, and restored into the same page and
the same follow-up history."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.config import Settings
from rag.types import Document
from tests.ui.fakes import DOC, FakeAssistant
from ui.chat import AssistantProvider, ChatController, Options, Session
from ui.conversations import ConversationStore


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, generator="scripted")  # type: ignore[call-arg]


def controller_for(fake: FakeAssistant) -> ChatController:
    store = ConversationStore(fake.settings.conversations_dir)
    return ChatController(AssistantProvider(fake.settings, fake), store)  # type: ignore[arg-type]


def two_answers(ctl: ChatController, settings: Settings) -> tuple[Session, tuple[object, ...]]:
    session, opts = Session(), Options.from_settings(settings)
    *_, first = ctl.respond("Waarom Belarus?", [], session, opts)
    *_, second = ctl.respond("En wanneer?", first[1], session, opts)
    return session, second


def test_the_conversation_is_saved_after_every_answer(settings: Settings) -> None:
    ctl = controller_for(FakeAssistant(settings))
    assert ctl.store is not None
    session = Session()
    *_, first = ctl.respond("Waarom Belarus?", [], session, Options.from_settings(settings))
    assert session.conversation is not None
    saved = ctl.store.load(session.conversation.id)
    assert (saved.title, len(saved.exchanges)) == ("Waarom Belarus?", 1)
    list(ctl.respond("En wanneer?", first[1], session, Options.from_settings(settings)))
    again = ctl.store.load(session.conversation.id)  # the same file, one more exchange
    assert [e.answer.question for e in again.exchanges] == ["Waarom Belarus?", "En wanneer?"]
    assert again.exchanges[0].answer.citations[0].quote.startswith("Poetin kondigde aan")
    assert [s.id for s in ctl.store.list()] == [session.conversation.id]


def test_an_error_is_not_saved(settings: Settings) -> None:
    ctl = controller_for(FakeAssistant(settings))
    session = Session()
    list(ctl.respond("   ", [], session, Options.from_settings(settings)))
    assert session.conversation is None and ctl.store is not None and ctl.store.list() == []


def test_a_restored_conversation_looks_the_same_and_follows_up(settings: Settings) -> None:
    fake = FakeAssistant(settings)
    ctl = controller_for(fake)
    live, (_, chat, panel, _, _) = two_answers(ctl, settings)
    assert ctl.store is not None and live.conversation is not None

    reopened = controller_for(fake)  # a new page (or a restarted server) reading the same folder
    assert reopened.store is not None
    chat2, panel2, session = reopened.restore(reopened.store.load(live.conversation.id))
    assert chat2 == chat and panel2 == panel  # the same bubbles, the same sources with highlights
    assert session.turns == live.turns and session.answers == live.answers and session.asked == 2

    *_, third = reopened.respond("En waarom toen?", chat2, session, Options.from_settings(settings))
    history = fake.calls[-1]["history"]
    assert [t.content for t in history] == [t.content for t in live.turns]  # the follow-up knows the context
    assert 'href="#src-3-1"' in third[1][-1]["content"]  # numbered after the restored answers
    assert len(reopened.store.load(live.conversation.id).exchanges) == 3  # kept in the same conversation


def test_a_changed_document_shows_the_saved_quote_not_a_wrong_highlight(settings: Settings) -> None:
    fake = FakeAssistant(settings)
    ctl = controller_for(fake)
    live, _ = two_answers(ctl, settings)
    assert ctl.store is not None and live.conversation is not None
    edited = Document(**{**DOC.model_dump(), "text": "Een heel andere tekst. " + DOC.text})

    class Edited(FakeAssistant):
        def document(self, doc_id: str) -> Document:
            return edited

    _, panel, _ = controller_for(Edited(settings)).restore(ctl.store.load(live.conversation.id))
    quote = live.answers[1].citations[0].quote
    assert f"<mark>{quote}</mark>" in panel  # the quote alone, no shifted span around it
    assert "Inleiding over kernwapens" not in panel.split("Retrieved but not cited")[0]


def test_a_failed_save_keeps_the_answer_on_the_page(settings: Settings, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the folder should be", "utf-8")
    fake = FakeAssistant(settings)
    ctl = ChatController(AssistantProvider(settings, fake), ConversationStore(blocker / "conversations"))  # type: ignore[arg-type]
    *_, last = ctl.respond("Waarom Belarus?", [], Session(), Options.from_settings(settings))
    assert 'class="cite"' in last[1][-1]["content"]
    assert "Not saved: could not save the conversation" in last[3] and "RAG_DATA_DIR" in last[3]
