"""What happens when a question is asked: stream it through the Assistant into chat messages,
the sources panel and the status footer. No Gradio here, so it is tested without a browser."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rag.config import Settings
from rag.errors import IndexEmptyError, RagError
from rag.types import Answer, Document, StreamDelta, StreamDone, StreamStatus, Turn
from ui import render
from ui.conversations import Conversation, ConversationStore
from ui.messages import friendly_message

if TYPE_CHECKING:
    from rag.answering.pipeline import Assistant, AssistantInfo

log = logging.getLogger(__name__)
Message = dict[str, Any]  # {"role": "user" | "assistant", "content": str}: Gradio's chat format
STATUS_TEXT = {
    "retrieving": "Searching the documents…",
    "generating": "Writing the answer, checking each sentence before it is shown…",
}


@dataclass
class Session:
    """One browser tab's conversation (kept in a gr.State)."""

    turns: list[Turn] = field(default_factory=list)  # sent back as history for follow-ups
    answers: dict[int, Answer] = field(default_factory=dict)  # chat message index -> its Answer
    panels: list[render.PanelEntry] = field(default_factory=list)
    asked: int = 0  # numbers answers, so source ids stay unique: src-<asked>-<n>
    conversation: Conversation | None = None  # as saved after the last answer (None: nothing yet)

    def last_answer_index(self) -> int | None:
        return max(self.answers, default=None)

    def add(self, answer: Answer, index: int, turn: int, sources: str) -> None:
        """Record a finished answer: the follow-up history, the answer behind chat message
        `index` (for feedback), and its sources for the panel."""
        question = answer.question  # as checked: normalised, without control characters or surrogates
        self.turns += [Turn(role="user", content=question), Turn(role="assistant", content=answer.text)]
        self.answers[index] = answer
        self.panels.append(render.PanelEntry(turn=turn, question=question, body=sources))


@dataclass(frozen=True)
class Options:
    """The settings accordion."""

    generator: str
    ollama_host: str
    ollama_model: str
    top_k: int
    language: str  # "auto" | "nl" | "en"

    @classmethod
    def from_settings(cls, settings: Settings) -> Options:
        return cls(
            settings.generator, settings.ollama_host, settings.ollama_model, settings.top_k,
            settings.answer_language,
        )  # fmt: skip


def _load(settings: Settings) -> Assistant:
    from rag.answering.pipeline import Assistant  # loaded lazily: importing the UI stays cheap

    return Assistant.from_settings(settings)


class AssistantProvider:
    """The loaded Assistant (retried on the next question after a failure, e.g. once the user ran
    `rag setup`), plus one variant per generator choice from the settings accordion. When the
    saved index changes under it (`rag ingest --watch` in another terminal), the next question
    is answered from the new index. When every document was removed there is no Assistant to
    answer (each question says so); the last one is kept aside so its models answer again, without
    loading, from the next index."""

    def __init__(
        self,
        settings: Settings,
        assistant: Assistant | None = None,
        loader: Callable[[Settings], Assistant] = _load,
    ) -> None:
        self.settings = settings
        self._loader = loader
        self._base = assistant
        self._spare: Assistant | None = None  # while the index is empty: the models to reuse
        self._variants: dict[tuple[str, str, str], Assistant] = {}
        self._lock = threading.Lock()
        self.error: str | None = None

    def base(self) -> Assistant:
        with self._lock:
            if self._base is None:
                try:
                    spare = self._spare
                    self._base = spare.on_saved_index() if spare is not None else self._loader(self.settings)
                except Exception as exc:
                    self.error = friendly_message(exc)
                    raise
                self._spare, self.error = None, None
            else:
                self._follow_index(self._base)
            return self._base

    def current(self) -> Assistant | None:
        """The loaded base Assistant, or None (never triggers loading)."""
        with self._lock:
            return self._base

    def models(self) -> Assistant | None:
        """The Assistant whose models a new index can reuse: the loaded one, or while the index is
        empty the last one loaded."""
        with self._lock:
            return self._base or self._spare

    def empty(self, last: Assistant | None, error: str) -> None:
        """The index now holds no documents: nothing answers (`error` says why and what to do)
        until the next index; `last` keeps its models loaded for it."""
        with self._lock:
            self._spare = last or self._base or self._spare
            self._base = None
            self._variants.clear()
            self.error = error

    def replace(self, assistant: Assistant) -> None:
        """Swap in an Assistant over a new index, in one step: a question already being answered
        finishes on the old one, the next gets the new one; the variants were built on the old
        index, so they are dropped and rebuilt on their next use."""
        with self._lock:
            self._base, self._spare = assistant, None
            self._variants.clear()
            self.error = None

    def _follow_index(self, current: Assistant) -> None:
        try:
            fresh = current.reloaded()
        except IndexEmptyError as exc:  # every document removed: answering from the old index would cite them
            self._base, self._spare, self._variants = None, current, {}
            self.error = friendly_message(exc)
            raise
        except Exception as exc:  # e.g. rebuilt with another model: keep answering from the loaded one
            log.warning("the index changed but cannot be loaded (%s); answering from the previous one", exc)
            return
        if fresh is not None:
            self._base, self._variants = fresh, {}

    def info(self) -> AssistantInfo | None:
        """What is loaded (None before a successful load; never triggers loading itself)."""
        try:
            return self._base.info() if self._base is not None else None
        except Exception:
            return None

    def for_options(self, options: Options) -> Assistant:
        base = self.base()
        key = (options.generator, options.ollama_host, options.ollama_model)
        s = base.settings
        if key == (s.generator, s.ollama_host, s.ollama_model):
            return base
        with self._lock:
            base = self._base or base  # the index may have been swapped since base() returned
            if key not in self._variants:
                self._variants[key] = base.with_settings(
                    generator=options.generator,
                    ollama_host=options.ollama_host,
                    ollama_model=options.ollama_model,
                )
            return self._variants[key]


Update = tuple[str, list[Message], str, str, Session]  # textbox, chat, sources, status, session


class ChatController:
    def __init__(self, provider: AssistantProvider, store: ConversationStore | None = None) -> None:
        self.provider = provider
        self.store = store  # None: conversations are not kept

    def document(self, assistant: Assistant, doc_id: str) -> Document | None:
        try:
            return assistant.document(doc_id)
        except (KeyError, RagError):
            return None

    def status(self, answer: Answer | None = None) -> str:
        return render.render_status(self.provider.info(), answer, self.provider.error)

    def respond(
        self, question: str, chat: Sequence[Message] | None, session: Session, options: Options
    ) -> Iterator[Update]:
        """Yield the page's state after each streamed event; errors become a chat message."""
        history = [*(chat or []), {"role": "user", "content": render.escape_md(question)}]
        session.asked += 1
        turn = session.asked
        panel = render.render_panel(session.panels)

        def showing(content: str) -> list[Message]:  # a fresh list per update: Gradio diffs them
            return [*history, {"role": "assistant", "content": content}]

        yield "", showing(render.render_status_line(STATUS_TEXT["retrieving"])), panel, self.status(), session
        try:
            assistant = self.provider.for_options(options)
            events = assistant.stream(
                question, list(session.turns), top_k=options.top_k,
                language=None if options.language == "auto" else options.language,
            )  # fmt: skip
            answer: Answer | None = None
            for update in self._follow(events, turn):
                if isinstance(update, Answer):
                    answer = update
                else:
                    yield "", showing(update), panel, self.status(), session
        except Exception as exc:
            yield question, showing(render.render_error(friendly_message(exc))), panel, self.status(), session
            return
        if answer is not None:
            self._record(session, answer, turn, len(history), assistant)
            status = self.status(answer) + self._save(session, answer)
            panel = render.render_panel(session.panels)
            yield "", showing(render.render_answer(answer, turn)), panel, status, session

    @staticmethod
    def _follow(events: Iterator[Any], turn: int) -> Iterator[Answer | str]:
        """The assistant bubble's content after each stream event; the final Answer comes last.

        A StreamDelta holds only sentences that passed their check, so nothing unchecked is ever
        in the bubble. The final Answer replaces the bubble's content whole: the same sentences
        with their quote, a translation, or a refusal when the answer as a whole did not hold."""
        text = ""
        for event in events:
            if isinstance(event, StreamStatus) and not text:
                yield render.render_status_line(STATUS_TEXT.get(event.message, event.message))
            elif isinstance(event, StreamDelta):
                text += event.text
                yield render.render_partial(text, turn)
            elif isinstance(event, StreamDone):
                yield event.answer

    def _record(self, session: Session, answer: Answer, turn: int, index: int, assistant: Assistant) -> None:
        body = render.render_sources(answer, turn, lambda doc_id: self.document(assistant, doc_id))
        session.add(answer, index, turn, body)

    def _save(self, session: Session, answer: Answer) -> str:
        """Keep the conversation after every answer, before the page hears of it: a closed tab loses
        nothing. A failure is shown under the answer (the answer itself is not lost from the page)."""
        if self.store is None:
            return ""
        continued = (session.conversation or Conversation.start()).with_answer(answer)
        session.conversation = continued  # kept in the page even when the save fails
        try:
            session.conversation = self.store.save(continued)
        except RagError as exc:
            return f'<div class="status-error">Not saved: {render.esc(str(exc))}</div>'
        if session.conversation.id != continued.id:
            return (
                '<div class="status-note">This conversation was continued in another tab meanwhile; '
                f"this tab's is saved as “{render.esc(session.conversation.title)}”, both are kept.</div>"
            )
        return ""

    def restore(self, conversation: Conversation) -> tuple[list[Message], str, Session]:
        """A saved conversation back in the page: its chat messages, its sources panel, and a Session
        whose history makes the next question a follow-up of the last one."""
        try:
            assistant: Assistant | None = self.provider.base()  # its documents give the cited spans context
        except Exception:  # not loadable now (the page says why): the saved quotes are shown alone
            assistant = None
        session = Session(conversation=conversation)
        chat: list[Message] = []

        def lookup(doc_id: str) -> Document | None:
            return self.document(assistant, doc_id) if assistant is not None else None

        for turn, exchange in enumerate(conversation.exchanges, start=1):
            answer = exchange.answer
            chat += [
                {"role": "user", "content": render.escape_md(answer.question)},
                {"role": "assistant", "content": render.render_answer(answer, turn)},
            ]
            session.add(answer, len(chat) - 1, turn, render.render_sources(answer, turn, lookup))
        session.asked = len(conversation.exchanges)
        return chat, render.render_panel(session.panels), session
