"""The web chat: `create_app(settings)` builds the Gradio Blocks; `rag chat` launches them.

Layout: the saved conversations in a sidebar (ui/sidebar.py), and two tabs. Chat: the chat
(streaming, stop, clear, examples) on the left, the sources of the answers on the right, feedback,
indexing notices and a status footer below, settings in an accordion. Documents: upload, the table
of documents, remove, re-index (ui/documents_tab.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

import gradio as gr

from rag.config import Settings
from rag.generators import chat_choices
from ui import render
from ui.assets import install_js
from ui.chat import AssistantProvider, ChatController, Message, Options, Session, Update
from ui.documents import DocumentsController
from ui.documents_tab import DocumentsTab
from ui.documents_view import render_notice
from ui.feedback import Verdict, give_feedback, verdict_of
from ui.sidebar import ChatParts, build_conversations, conversation_store

if TYPE_CHECKING:
    from rag.answering.pipeline import Assistant

TITLE = "Ask the documents"
INTRO = (
    "Private answers from your own documents, in Dutch or English. Every claim carries a "
    "citation **[n]**: click it to see the passage it comes from."
)
EXAMPLES = [
    "Waarom wil Rusland tactische kernwapens in Belarus plaatsen?",
    "What did Stoltenberg say about NATO using nuclear weapons?",
    "Wat zei Poetin in juni 2024 over de nucleaire doctrine?",
    "How did the West react to Russia's nuclear threats?",
]
LANGUAGES = [("Same as the question", "auto"), ("Nederlands", "nl"), ("English", "en")]


def _text_of(content: Any) -> str:
    """A message's content as the browser sends it back: a string or a list of typed parts."""
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return str(content or "")


def _mark_stopped(chat: list[Message] | None) -> list[Message]:
    """After Stop: say so under the unfinished answer (the partial text stays readable)."""
    chat = list(chat or [])
    if chat and chat[-1].get("role") == "assistant":
        chat[-1] = {**chat[-1], "content": render.render_stopped(_text_of(chat[-1].get("content")))}
    return chat


def _example_text(data: gr.SelectData) -> str:
    value = data.value
    return str(value.get("text", "")) if isinstance(value, dict) else str(value)


def create_app(settings: Settings, assistant: Assistant | None = None) -> gr.Blocks:
    """Build the chat page. Loading errors (no index, model missing) are shown in the page."""
    provider = AssistantProvider(settings, assistant)
    controller = ChatController(provider, conversation_store(settings))
    with contextlib.suppress(Exception):  # shown as a banner and in the status; retried on each question
        provider.base()
    documents = DocumentsController(provider)
    app = gr.Blocks(title=TITLE)
    with app:
        session = gr.State(Session())
        gr.Markdown(f"# {TITLE}\n{INTRO}", elem_id="rag-title")
        banner = gr.HTML(_banner(provider), visible=provider.error is not None, elem_id="rag-banner")
        with gr.Tabs(elem_id="rag-tabs") as tabs:
            with gr.Tab("Chat", id="chat", elem_id="rag-chat-tab"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=460):
                        chatbot, question, buttons = _chat_column()
                        note = _feedback_row(settings, session, chatbot)
                    with gr.Column(scale=2, min_width=340):
                        gr.Markdown("### Sources", elem_id="rag-sources-title")
                        sources = gr.HTML(
                            render.render_panel([]), elem_id="rag-sources", js_on_load=install_js()
                        )
                notice = gr.HTML(render_notice(documents.indexer.state()), elem_id="rag-docs-notice")
                status = gr.HTML(controller.status(), elem_id="rag-status")
                options = _settings_accordion(settings)
            with gr.Tab("Documents", id="documents", elem_id="rag-docs-tab") as docs_tab:
                tab = DocumentsTab(documents, notice, banner, status, controller.status)
        tab.wire(docs_tab)
        outputs = Outputs(chatbot, sources, status, session, note)
        answering = _wire_chat(controller, question, buttons, outputs, options)
        clearing = [buttons[2].click, chatbot.clear]  # Clear and the chat's trash icon
        build_conversations(app, controller, ChatParts(*outputs, tabs=tabs), answering, clearing)
    return app


def _banner(provider: AssistantProvider) -> str:
    return render.render_error(provider.error or "")


def _chat_column() -> tuple[gr.Chatbot, gr.Textbox, tuple[gr.Button, gr.Button, gr.Button]]:
    chatbot = gr.Chatbot(
        label="Chat", height=430, latex_delimiters=[], elem_id="rag-chat", buttons=["copy"],
        examples=[{"text": q} for q in EXAMPLES],
        placeholder="**Ask a question about the documents**, or pick an example:",
    )  # fmt: skip
    with gr.Row(equal_height=True, elem_id="rag-input"):
        question = gr.Textbox(
            placeholder="Ask in Dutch or English; Enter sends",
            show_label=False, container=False, lines=1, max_lines=4, scale=8, autofocus=True,
            elem_id="rag-question",
        )  # fmt: skip
        ask = gr.Button("Ask", variant="primary", size="md", scale=0, min_width=70, elem_id="rag-ask")
        stop = gr.Button("Stop", variant="stop", size="md", scale=0, min_width=70, elem_id="rag-stop")
        clear = gr.Button("Clear", size="md", scale=0, min_width=70, elem_id="rag-clear")
    return chatbot, question, (ask, stop, clear)


def _settings_accordion(settings: Settings) -> list[Any]:
    with gr.Accordion("Settings", open=False, elem_id="rag-settings"), gr.Row():
        generator = gr.Radio(chat_choices(settings.generator), value=settings.generator, label="Answer with")
        host = gr.Textbox(settings.ollama_host, label="Ollama host")
        model = gr.Textbox(settings.ollama_model, label="Ollama model")
        top_k = gr.Slider(1, 12, value=min(settings.top_k, 12), step=1, label="Passages given to the model")
        language = gr.Radio(LANGUAGES, value=settings.answer_language, label="Answer language")
    return [generator, host, model, top_k, language]


def _feedback_row(settings: Settings, session: gr.State, chatbot: gr.Chatbot) -> gr.Markdown:
    with gr.Row(equal_height=True, elem_id="rag-feedback"):
        comment = gr.Textbox(
            placeholder="Comment on the last answer (optional)",
            show_label=False, container=False, scale=8, elem_id="rag-comment",
        )  # fmt: skip
        up = gr.Button("✓ Good", size="md", scale=0, min_width=104, elem_id="rag-up")
        down = gr.Button("✗ Wrong", size="md", scale=0, min_width=104, elem_id="rag-down")
    note = gr.Markdown("", elem_id="rag-feedback-note")

    def rate_last(verdict: Verdict) -> Any:
        def handler(state: Session, text: str) -> tuple[str, str]:
            message = give_feedback(
                settings.feedback_path, state.answers, state.last_answer_index(), verdict, text
            )
            return message, "" if message.startswith("Thanks") else text

        return handler

    def rate_message(state: Session, text: str, data: gr.LikeData) -> tuple[str, str]:
        index = data.index[0] if isinstance(data.index, tuple | list) else data.index
        message = give_feedback(settings.feedback_path, state.answers, index, verdict_of(data.liked), text)
        return message, "" if message.startswith("Thanks") else text

    light: dict[str, Any] = {"concurrency_limit": None, "show_progress": "hidden"}
    up.click(rate_last("up"), [session, comment], [note, comment], **light)
    down.click(rate_last("down"), [session, comment], [note, comment], **light)
    chatbot.like(rate_message, [session, comment], [note, comment], **light)
    return note


class Outputs(NamedTuple):
    chatbot: gr.Chatbot
    sources: gr.HTML
    status: gr.HTML
    session: gr.State
    note: gr.Markdown


def _wire_chat(
    controller: ChatController,
    question: gr.Textbox,
    buttons: tuple[gr.Button, gr.Button, gr.Button],
    out: Outputs,
    options: list[Any],
) -> list[Any]:
    """Wire asking, stopping and clearing; returns the answering events (for what follows an answer)."""
    ask, stop, clear = buttons

    def respond(
        text: str, chat: list[Message], state: Session, gen: str, host: str, model: str, k: float, lang: str
    ) -> Iterator[Update]:
        yield from controller.respond(text, chat, state, Options(gen, host, model, int(k), lang))

    def reset() -> tuple[list[Message], str, str, Session, str, str]:
        return [], render.render_panel([]), controller.status(), Session(), "", ""

    # One shared concurrency group: the in-process model answers one question at a time, others
    # wait in Gradio's queue (their chat shows the queue position).
    ask_kwargs: dict[str, Any] = {
        "inputs": [question, out.chatbot, out.session, *options],
        "outputs": [question, out.chatbot, out.sources, out.status, out.session],
        "concurrency_id": "model",
        "show_progress_on": [out.chatbot],
    }
    events = [
        question.submit(respond, **ask_kwargs),
        ask.click(respond, **ask_kwargs),
        out.chatbot.example_select(_example_text, None, [question], queue=False).then(respond, **ask_kwargs),
    ]
    stop.click(_mark_stopped, [out.chatbot], [out.chatbot], cancels=events, concurrency_limit=None)
    cleared = [out.chatbot, out.sources, out.status, out.session, question, out.note]
    clear.click(reset, None, cleared, cancels=events, concurrency_limit=None)
    out.chatbot.clear(reset, None, cleared, cancels=events, concurrency_limit=None)  # its trash icon
    return events
