"""The conversations sidebar: the saved conversations (newest first), New conversation, and for the
open one: rename, export as Markdown, delete (after a confirmation).

Only the Gradio wiring is here; keeping, restoring and exporting are in ui/conversations.py,
ui/chat.py and ui/export.py.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import gradio as gr

from rag.config import Settings
from rag.errors import RagError
from ui import render
from ui.chat import ChatController, Session
from ui.conversations import Conversation, ConversationStore, Summary, checked_id
from ui.export import conversation_markdown, export_filename
from ui.messages import friendly_message

LIST_INFO = "Newest first. Click one to reopen it; it is saved after every answer."
NOTHING_SAVED = "Ask a question first: a conversation is saved with its first answer."
# The sidebar starts closed (and closes when the window is made smaller) where it would push the
# Sources column under the chat: below 1300 px wide (measured in Chromium: side by side at 1300,
# under the chat at 1275). At <= 768 px Gradio lays it over the whole page, so there it also
# closes once a conversation is picked: the chat is what one wants to see then.
NARROW_JS = """
const fits = () => window.innerWidth >= 1300;
const closeSidebar = () => {
  const bar = document.getElementById('rag-conversations');
  if (bar && bar.classList.contains('open')) bar.querySelector('.toggle-button')?.click();
};
if (!fits()) setTimeout(closeSidebar, 0);
if (!window.__ragSidebar) {
  window.__ragSidebar = true;
  let fitted = fits();
  window.addEventListener('resize', () => {
    if (fitted && !fits()) closeSidebar();
    fitted = fits();
  });
  document.addEventListener('click', (event) => {
    const picked = event.target.closest && event.target.closest('#rag-conv-list label, #rag-new');
    if (picked && window.innerWidth <= 768) setTimeout(closeSidebar, 0);
  });
}
"""


class ChatParts(NamedTuple):
    """The chat page's parts the sidebar reads or replaces."""

    chatbot: gr.Chatbot
    sources: gr.HTML
    status: gr.HTML
    session: gr.State
    feedback_note: gr.Markdown
    tabs: gr.Tabs | None = None  # shown on the Chat tab when a conversation is opened


class Sidebar(NamedTuple):
    listing: gr.Radio
    actions: gr.Column
    title: gr.Textbox
    export: gr.DownloadButton
    confirm: gr.Row
    note: gr.HTML


def list_label(summary: Summary) -> str:
    when = summary.updated_at.astimezone()  # the server's clock is the person's: a local app
    return f"{summary.title} · {when:%d %b %H:%M}"


def _build() -> tuple[gr.Button, Sidebar, tuple[gr.Button, gr.Button, gr.Button, gr.Button]]:
    with gr.Sidebar(label="Conversations", open=True, width=290, elem_id="rag-conversations"):
        new = gr.Button("+ New conversation", size="md", elem_id="rag-new")
        listing = gr.Radio(
            [], value=None, label="Conversations", info=LIST_INFO, elem_id="rag-conv-list"
        )  # fmt: skip
        with gr.Column(visible=False, elem_id="rag-conv-actions") as actions:
            title = gr.Textbox(label="Title", max_lines=1, elem_id="rag-conv-title")
            with gr.Row():
                rename = gr.Button("Rename", size="sm", min_width=60, elem_id="rag-rename")
                export = gr.DownloadButton(
                    "Export .md", size="sm", min_width=60, elem_id="rag-export"
                )  # fmt: skip
                delete = gr.Button("Delete", size="sm", min_width=60, elem_id="rag-delete")
        note = gr.HTML("", elem_id="rag-conv-note", js_on_load=NARROW_JS)
        with gr.Row(visible=False, elem_id="rag-confirm") as confirm:  # under its question in the note
            yes = gr.Button("Yes, delete it", size="sm", variant="stop", elem_id="rag-delete-yes")
            no = gr.Button("Keep it", size="sm", elem_id="rag-delete-no")
    return new, Sidebar(listing, actions, title, export, confirm, note), (rename, delete, yes, no)


def _problem(exc: Exception) -> str:
    return f'<span class="status-error">{render.esc(friendly_message(exc))}</span>'


class _Exports:
    """Markdown files for the download button, one per conversation, rewritten when it changes.
    They live in a private temp folder (mode 0700), from where Gradio serves them."""

    def __init__(self) -> None:
        self._root: Path | None = None

    def folder(self, conversation_id: str) -> Path:
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="rag-exports-"))
        return self._root / checked_id(conversation_id)

    def forget(self, conversation_id: str) -> None:
        shutil.rmtree(self.folder(conversation_id), ignore_errors=True)

    def write(self, conversation: Conversation) -> str:
        folder = self.folder(conversation.id)
        folder.mkdir(exist_ok=True)
        path = folder / export_filename(conversation)
        for old in folder.glob("*.md"):  # the title (and so the name) may have changed
            old.unlink(missing_ok=True)
        path.write_text(conversation_markdown(conversation, datetime.now(UTC)), encoding="utf-8")
        return str(path)


def conversation_store(settings: Settings) -> ConversationStore:
    return ConversationStore(settings.conversations_dir)


def build_conversations(
    app: gr.Blocks,
    controller: ChatController,
    chat: ChatParts,
    answering: Sequence[Any],
    clearing: Sequence[Any],
) -> Sidebar:
    """The sidebar, wired to the page: refreshed after every answer (`answering` events) and on
    load; opening, deleting or starting a conversation cancels an answer being written. The
    conversations are the controller's store (it saves after every answer)."""
    store = controller.store
    if store is None:
        raise ValueError("build_conversations needs a ChatController with a ConversationStore")
    new, side, (rename, delete, yes, no) = _build()
    exports = _Exports()
    # The sidebar's events run side by side (no queue limit): a refresh queued behind an answer could
    # read the conversation before a rename and write its export file after it, putting the old file
    # name back. One lock makes each read-then-write whole.
    sidebar_lock = threading.Lock()

    def shown(conversation: Conversation | None, note: str = "") -> tuple[Any, ...]:
        """The sidebar's outputs for the conversation open in the page (None: a new one)."""
        choices = [(list_label(s), s.id) for s in store.list()]
        value = conversation.id if conversation else None
        download = exports.write(conversation) if conversation and conversation.exchanges else None
        return (
            gr.Radio(choices=choices, value=value), gr.Column(visible=conversation is not None),
            conversation.title if conversation else "", download, gr.Row(visible=False), note,
        )  # fmt: skip

    page: list[Any] = [chat.chatbot, chat.sources, chat.status, chat.session, chat.feedback_note]
    if chat.tabs is not None:
        page.append(chat.tabs)
    unchanged = (gr.skip(),) * len(page)

    def on_page(messages: list[Any], panel: str, status: str, session: Session) -> tuple[Any, ...]:
        """The chat replaced, with the Chat tab shown (a conversation may be picked from another tab)."""
        return (messages, panel, status, session, "", *[gr.Tabs(selected="chat")] * (len(page) - 5))

    def blank_page(note: str = "") -> tuple[Any, ...]:
        return (*on_page([], render.render_panel([]), controller.status(), Session()), *shown(None, note))

    def refresh(state: Session, shown_id: str | None = None) -> tuple[Any, ...]:
        # From the store, not the session: a refresh that was queued behind an answer can run after
        # a rename and would otherwise write the old title (and export file name) back.
        with sidebar_lock:
            conversation = state.conversation
            if conversation is not None:
                with contextlib.suppress(RagError):
                    conversation = store.load(conversation.id)
            outputs = shown(conversation)
        if conversation is not None and conversation.id == shown_id:
            # Its title box is the person's: only Rename writes it. A refresh after an answer put the
            # old title back while a new one was being typed, and Rename then kept the old one.
            return (*outputs[:2], gr.skip(), *outputs[3:])
        return outputs

    def cleared() -> tuple[Any, ...]:
        return shown(None)

    def keep_it() -> tuple[Any, str]:
        return gr.Row(visible=False), ""

    def reopen(conversation_id: str | None, state: Session) -> tuple[Any, ...]:
        try:
            conversation = store.load(conversation_id or "")
        except RagError as exc:
            return (*unchanged, *shown(state.conversation, _problem(exc)))
        messages, panel, session = controller.restore(conversation)
        last = conversation.exchanges[-1].answer if conversation.exchanges else None
        return (*on_page(messages, panel, controller.status(last), session), *shown(conversation))

    def rename_open(text: str, state: Session) -> tuple[Any, ...]:
        if state.conversation is None:
            return (state, *shown(None, render.esc(NOTHING_SAVED)))
        with sidebar_lock:
            try:
                state.conversation = store.rename(state.conversation.id, text)
            except RagError as exc:
                return (state, *shown(state.conversation, _problem(exc)))
            return (state, *shown(state.conversation, "Renamed."))

    def ask_to_delete(state: Session) -> tuple[Any, str]:
        if state.conversation is None:
            return gr.Row(visible=False), "There is no saved conversation open."
        title = render.esc(state.conversation.title)
        question = f"Delete <b>{title}</b>? This cannot be undone (export it to keep a copy)."
        return gr.Row(visible=True), question

    def delete_open(state: Session) -> tuple[Any, ...]:
        if state.conversation is None:
            return blank_page()
        try:
            store.delete(state.conversation.id)
            exports.forget(state.conversation.id)
        except RagError as exc:
            return (*unchanged, *shown(state.conversation, _problem(exc)))
        return blank_page(f"Deleted <b>{render.esc(state.conversation.title)}</b>.")

    light: dict[str, Any] = {"concurrency_limit": None, "show_progress": "hidden"}
    replacing: dict[str, Any] = {**light, "cancels": list(answering)}  # an answer being written stops
    shown_now = [chat.session, side.listing]
    app.load(refresh, shown_now, list(side), **light)
    for event in answering:
        event.then(refresh, shown_now, list(side), **light)
    for event in clearing:  # Clear (and the chat's trash icon) start a new conversation too
        event(cleared, None, list(side), **light)
    new.click(blank_page, None, [*page, *side], **replacing)
    side.listing.select(reopen, [side.listing, chat.session], [*page, *side], **replacing)
    for event in (rename.click, side.title.submit):
        event(rename_open, [side.title, chat.session], [chat.session, *side], **light)
    delete.click(ask_to_delete, [chat.session], [side.confirm, side.note], **light)
    no.click(keep_it, None, [side.confirm, side.note], **light)
    yes.click(delete_open, [chat.session], [*page, *side], **replacing)
    return side
