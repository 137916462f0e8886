"""The conversations sidebar as create_app wires it: the handlers behind the list, New, rename,
delete and export, called the way Gradio calls them (no browser)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
import pytest

from rag.config import Settings
from tests.ui.fakes import FakeAssistant
from tests.ui.test_app import by_id
from ui.app import create_app
from ui.chat import Session
from ui.conversations import ConversationStore


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", home=tmp_path / "home",  # type: ignore[call-arg]
                    corpus_dir=tmp_path / "corpus", embedder="hashing", generator="scripted")  # fmt: skip


class Page:
    """The app's event handlers by name, and the components they read and write."""

    def __init__(self, settings: Settings) -> None:
        self.app = create_app(settings, FakeAssistant(settings))  # type: ignore[arg-type]
        self.store = ConversationStore(settings.conversations_dir)
        self.parts = by_id(self.app)

    def fns(self, name: str) -> list[Any]:
        return [f for f in self.app.fns.values() if f.name == name]

    def call(self, name: str, *args: Any) -> Any:
        return self.fns(name)[0].fn(*args)

    def ask(self, question: str, chat: list[Any], session: Session) -> tuple[Any, ...]:
        *_, last = self.call("respond", question, chat, session, "scripted", "", "", 5, "auto")
        return tuple(last)

    def outputs(self, name: str) -> list[str | None]:
        return [getattr(o, "elem_id", None) for o in self.fns(name)[0].outputs]


def test_the_sidebar_is_on_the_page_and_refreshed_after_every_answer(settings: Settings) -> None:
    page = Page(settings)
    for elem_id in ("rag-conversations", "rag-new", "rag-conv-list", "rag-conv-title", "rag-rename",
                    "rag-export", "rag-delete", "rag-delete-yes", "rag-delete-no",
                    "rag-conv-note"):  # fmt: skip
        assert elem_id in page.parts, elem_id
    assert isinstance(page.parts["rag-conversations"], gr.Sidebar)
    answering = {f._id for f in page.fns("respond")}
    refreshes = page.fns("refresh")
    assert {f.trigger_after for f in refreshes if f.trigger_after is not None} == answering
    assert any(t[1] == "load" for f in refreshes for t in f.targets)  # and on each page load


def test_replacing_the_page_stops_an_answer_being_written(settings: Settings) -> None:
    page = Page(settings)
    answering = {f._id for f in page.fns("respond")}
    for name in ("reopen", "blank_page", "delete_open"):
        (fn,) = page.fns(name)
        cancelling = [f for f in page.app.fns.values() if f.targets == fn.targets and f.cancels]
        assert cancelling and set(cancelling[0].cancels) == answering, name


def test_reopen_rename_export_and_delete(settings: Settings) -> None:
    page = Page(settings)
    session = Session()
    first = page.ask("Waarom Belarus?", [], session)
    page.ask("En wanneer?", first[1], session)
    listing, actions, title, download, _, _ = page.call("refresh", session)
    assert session.conversation is not None
    assert listing.value == session.conversation.id and actions.visible is True and title == "Waarom Belarus?"
    assert [label.split(" · ")[0] for label, _ in listing.choices] == ["Waarom Belarus?"]
    exported = Path(download).read_text("utf-8")
    assert "## 2. En wanneer?" in exported and r"**[1]** Kernwapens \<in\> Belarus (2023-03)" in exported

    fresh = Session()  # a reloaded page
    chat, sources, status, reopened, _, tab, *side = page.call("reopen", session.conversation.id, fresh)
    assert [m["role"] for m in chat] == ["user", "assistant"] * 2 and 'id="src-2-1"' in sources
    assert reopened.turns == session.turns and "total 0.05 s" in status and side[2] == "Waarom Belarus?"
    assert page.outputs("reopen")[:6] == [
        "rag-chat",
        "rag-sources",
        "rag-status",
        None,
        "rag-feedback-note",
        "rag-tabs",
    ]
    assert tab.selected == "chat"  # picked while on the Documents tab: the chat is shown

    renamed, *side = page.call("rename_open", "Kernwapens", reopened)
    assert renamed.conversation.title == "Kernwapens" == page.store.load(renamed.conversation.id).title
    assert side[0].choices[0][0].startswith("Kernwapens · ") and side[-1] == "Renamed."
    assert Path(side[3]).name == "kernwapens.md"

    confirm, note = page.call("ask_to_delete", renamed)
    assert confirm.visible is True and "Kernwapens" in note and "cannot be undone" in note
    chat, _, _, after, _, _, listing, actions, *_, note = page.call("delete_open", renamed)
    assert chat == [] and after.conversation is None and listing.choices == [] and actions.visible is False
    assert page.store.list() == [] and "Deleted <b>Kernwapens</b>" in note


def test_a_bad_or_missing_conversation_id_is_a_note_not_a_crash(settings: Settings) -> None:
    page = Page(settings)
    for bad in ("../../etc/passwd", "20990101-000000-abcdef", None):
        *kept, _, _, _, _, _, note = page.call("reopen", bad, Session())
        assert all(isinstance(k, type(gr.skip())) for k in kept)  # the open chat stays as it was
        assert "conversation" in note and "Traceback" not in note


def test_rename_before_anything_is_saved_says_so(settings: Settings) -> None:
    page = Page(settings)
    state, *_, note = page.call("rename_open", "Titel", Session())
    assert state.conversation is None and "Ask a question first" in note
    _, note = page.call("ask_to_delete", Session())
    assert "no saved conversation" in note


def test_a_refresh_queued_before_a_rename_keeps_the_new_title(settings: Settings) -> None:
    """The refresh after an answer can run after a rename made meanwhile, with the session as it
    was when the answer ended: it must not write the old title (or export file name) back."""
    page = Page(settings)
    session = Session()
    page.ask("Waarom Belarus?", [], session)
    stale = Session(conversation=session.conversation)  # the session the queued refresh still holds
    page.call("rename_open", "Kernwapens", session)

    _, _, title, download, _, _ = page.call("refresh", stale)

    assert title == "Kernwapens" and Path(download).name == "kernwapens.md"


def test_a_refresh_after_an_answer_leaves_the_title_box_of_the_conversation_shown(settings: Settings) -> None:
    """Typing a new title while an answer finishes: the refresh that follows the answer used to put
    the old title back in the box, so Rename then renamed it to the old title."""
    page = Page(settings)
    session = Session()
    _, _, title, *_ = page.call("refresh", Session(), None)  # a page load, nothing open
    assert title == ""
    first = page.ask("Waarom Belarus?", [], session)
    assert session.conversation is not None
    conversation_id = session.conversation.id
    _, _, title, *_ = page.call("refresh", session, None)  # the first answer: now it has a title
    assert title == "Waarom Belarus?"
    page.ask("En wanneer?", first[1], session)
    listing, _, title, download, _, _ = page.call("refresh", session, conversation_id)
    assert isinstance(title, type(gr.skip())) and listing.value == conversation_id  # the rest as usual
    assert "## 2. En wanneer?" in Path(download).read_text("utf-8")
