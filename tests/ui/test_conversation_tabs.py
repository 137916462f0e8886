"""One conversation open in two browser tabs: a save never loses the other tab's answers. A tab
that continues the saved version appends to it; a tab that fell behind (the other tab answered
meanwhile) is saved as a new conversation "Title (2)", and the chat says so."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from rag.config import Settings
from tests.ui.fakes import FakeAssistant, make_answer
from tests.ui.test_conversations import T0, conversation
from ui.chat import AssistantProvider, ChatController, Options
from ui.conversations import Conversation, ConversationStore


@pytest.fixture
def store(tmp_path: Path) -> ConversationStore:
    return ConversationStore(tmp_path / "conversations")


def questions(conv: Conversation) -> list[str]:
    return [exchange.answer.question for exchange in conv.exchanges]


def test_a_tab_that_fell_behind_is_saved_as_a_new_conversation(store: ConversationStore) -> None:
    opened = conversation("Waarom Belarus?")
    store.save(opened)
    in_a = opened.with_answer(make_answer("Vraag in tab A?"), T0 + timedelta(hours=1))
    in_b = opened.with_answer(make_answer("Vraag in tab B?"), T0 + timedelta(hours=2))
    assert store.save(in_a) == in_a  # A continues the saved version: the same file
    saved_b = store.save(in_b)
    assert saved_b.id != opened.id and saved_b.title == "Waarom Belarus? (2)"
    assert questions(store.load(opened.id)) == ["Waarom Belarus?", "Vraag in tab A?"]
    assert questions(store.load(saved_b.id)) == ["Waarom Belarus?", "Vraag in tab B?"]
    later = saved_b.with_answer(make_answer("Nog een in B?"), T0 + timedelta(hours=3))
    assert store.save(later).id == saved_b.id  # B goes on in its own conversation
    assert len(store.list()) == 2


def test_an_answer_in_one_tab_keeps_a_rename_made_in_the_other(store: ConversationStore) -> None:
    opened = conversation("Waarom Belarus?")
    store.save(opened)
    store.rename(opened.id, "Kernwapens")  # tab A; tab B still has the old title in its page
    saved = store.save(opened.with_answer(make_answer("En wanneer?"), T0 + timedelta(hours=1)))
    assert saved.id == opened.id and (saved.title, saved.renamed) == ("Kernwapens", True)
    assert store.load(opened.id).title == "Kernwapens" and len(store.load(opened.id).exchanges) == 2


def test_an_unreadable_file_is_not_written_over(store: ConversationStore) -> None:
    opened = conversation("Waarom Belarus?")
    store.save(opened)
    store.path(opened.id).write_text("{ half a file", encoding="utf-8")
    saved = store.save(opened.with_answer(make_answer("En wanneer?"), T0 + timedelta(hours=1)))
    assert saved.id != opened.id and questions(store.load(saved.id)) == ["Waarom Belarus?", "En wanneer?"]
    assert store.path(opened.id).read_text(encoding="utf-8") == "{ half a file"


def test_a_deleted_conversation_is_saved_again_by_the_tab_that_goes_on(store: ConversationStore) -> None:
    opened = conversation("Waarom Belarus?")
    store.save(opened)
    store.delete(opened.id)  # in another tab
    saved = store.save(opened.with_answer(make_answer("En wanneer?"), T0 + timedelta(hours=1)))
    assert saved.id == opened.id and len(store.load(opened.id).exchanges) == 2


def test_two_tabs_answering_in_one_conversation_lose_nothing_and_the_second_is_told(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, generator="scripted")  # type: ignore[call-arg]
    fake = FakeAssistant(settings)
    store = ConversationStore(settings.conversations_dir)
    ctl = ChatController(AssistantProvider(settings, fake), store)  # type: ignore[arg-type]
    options = Options.from_settings(settings)
    store.save(conversation("Waarom Belarus?"))
    [opened] = store.list()
    chat_a, _, tab_a = ctl.restore(store.load(opened.id))
    chat_b, _, tab_b = ctl.restore(store.load(opened.id))
    *_, (_, _, _, status_a, _) = ctl.respond("En wanneer?", chat_a, tab_a, options)
    *_, (_, _, _, status_b, _) = ctl.respond("En waarom toen?", chat_b, tab_b, options)
    assert "another tab" not in status_a
    assert "continued in another tab" in status_b and "Waarom Belarus? (2)" in status_b
    assert tab_a.conversation is not None and tab_b.conversation is not None
    assert tab_a.conversation.id == opened.id != tab_b.conversation.id
    assert questions(store.load(opened.id)) == ["Waarom Belarus?", "En wanneer?"]
    assert questions(store.load(tab_b.conversation.id)) == ["Waarom Belarus?", "En waarom toen?"]
