"""Conversations kept: one JSON file per conversation under settings.conversations_dir.

A conversation stores each Answer whole (text, citations with pages and sections, the retrieved
passages), so reopening it shows the same answer and sources panel, and its questions and answers
become the follow-up history again. No Gradio here, so it is tested without a browser.

It lives in ui/ beside the feedback file (ui/feedback.py) because only the web chat keeps
conversations; the answering library stays stateless between questions.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from rag.errors import ConversationError
from rag.types import Answer, Frozen

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
TITLE_CHARS = 60  # a title made from the first question: fits one line of the list
MAX_TITLE_CHARS = 120  # a title given by the person
# Ids are made here (time + random), but they come back from the browser: only this shape is
# ever turned into a file name, so no id can reach outside the folder.
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_SPACES = re.compile(r"\s+")


class Exchange(Frozen):
    """One question and its answer (Answer.question is the question as it was checked)."""

    asked_at: datetime
    answer: Answer


class Conversation(Frozen):
    format_version: int = FORMAT_VERSION
    id: str
    title: str
    renamed: bool = False  # True once the person chose the title
    created_at: datetime
    updated_at: datetime
    exchanges: tuple[Exchange, ...] = ()

    @classmethod
    def start(cls, now: datetime | None = None) -> Conversation:
        now = now or datetime.now(UTC)
        return cls(id=new_id(now), title="", created_at=now, updated_at=now)

    def with_answer(self, answer: Answer, now: datetime | None = None) -> Conversation:
        now = now or datetime.now(UTC)
        title = self.title or title_from(answer.question)  # the first question names it
        exchanges = (*self.exchanges, Exchange(asked_at=now, answer=answer))
        return self.model_copy(update={"exchanges": exchanges, "updated_at": now, "title": title})

    def as_new(self, now: datetime | None = None) -> Conversation:
        """The same exchanges as a conversation of its own ("Title (2)"), e.g. when another tab
        continued this one differently meanwhile."""
        now = now or datetime.now(UTC)
        title = f"{self.title} (2)" if self.title else ""
        return self.model_copy(
            update={"id": new_id(now), "title": title, "created_at": now, "updated_at": now}
        )

    def with_title(self, title: str, now: datetime | None = None) -> Conversation:
        clean = _SPACES.sub(" ", title).strip()
        if not clean:
            raise ConversationError("a conversation needs a title; type one before renaming")
        if len(clean) > MAX_TITLE_CHARS:
            raise ConversationError(f"a title has at most {MAX_TITLE_CHARS} characters; shorten it")
        now = now or datetime.now(UTC)
        return self.model_copy(update={"title": clean, "renamed": True, "updated_at": now})


class Summary(Frozen):
    """What the list shows, without the answers."""

    id: str
    title: str
    updated_at: datetime
    questions: int


def new_id(now: datetime) -> str:
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def title_from(question: str, limit: int = TITLE_CHARS) -> str:
    """The first question on one line, cut at a word boundary with an ellipsis when too long."""
    text = _SPACES.sub(" ", question).strip() or "Untitled"
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", limit // 2, limit)
    return text[: cut if cut != -1 else limit].rstrip(" ,;:.") + "…"


def _key(exchange: Exchange) -> tuple[datetime, str]:
    return exchange.asked_at, exchange.answer.question


def reconcile(ours: Conversation, on_disk: Conversation) -> Conversation:
    """What to save for `ours` over the file's version: ours when it continues that version (the
    file's exchanges are the first of ours), else ours as a new conversation, so both are kept."""
    if on_disk.renamed:  # renames are written at once: the file has the latest title
        ours = ours.model_copy(update={"title": on_disk.title, "renamed": True})
    known = [_key(exchange) for exchange in on_disk.exchanges]
    if known == [_key(exchange) for exchange in ours.exchanges[: len(known)]]:
        return ours
    return ours.as_new()


def checked_id(conversation_id: str) -> str:
    if not isinstance(conversation_id, str) or not _ID.fullmatch(conversation_id):
        raise ConversationError(f"{conversation_id!r} is not a conversation id; pick one from the list")
    return conversation_id


class ConversationStore:
    """The folder of conversations. Writes are atomic (a temp file, then os.replace), so a crash
    leaves the old file or the new one, never half of one; a damaged file is left out of the list.
    A save never drops answers another tab saved meanwhile (see `save`); the lock makes each
    read-then-write one step for the tabs of this server."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()  # several browser tabs share one folder
        self._summaries: dict[str, tuple[tuple[int, int], Summary]] = {}  # file name -> (stat, summary)

    def path(self, conversation_id: str) -> Path:
        return self.root / f"{checked_id(conversation_id)}.json"

    def save(self, conversation: Conversation) -> Conversation:
        """Save a conversation this tab continued, and return what was saved: the same one, or,
        when the saved file holds exchanges this tab never saw (the conversation is open in another
        tab too), a new conversation ("Title (2)") so neither tab's answers are lost. A title
        given meanwhile (in any tab: renames are written straight away) is kept."""
        with self._lock:
            saved = self._reconciled(conversation)
            self._write(saved)
        return saved

    def _reconciled(self, conversation: Conversation) -> Conversation:
        if not self.path(conversation.id).exists():  # not saved yet, or deleted meanwhile
            return conversation
        try:
            on_disk = self.load(conversation.id)
        except ConversationError:  # a file that cannot be read is never written over: it may be mended
            return conversation.as_new()
        return reconcile(conversation, on_disk)

    def _write(self, conversation: Conversation) -> None:
        path = self.path(conversation.id)
        data = conversation.model_dump_json(indent=1)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=self.root)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise ConversationError(
                f"could not save the conversation to {path}: {exc.strerror or exc}; "
                "check that the data folder (RAG_DATA_DIR) is writable and has space"
            ) from exc

    def load(self, conversation_id: str) -> Conversation:
        path = self.path(conversation_id)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConversationError(
                "this conversation is no longer saved (deleted, perhaps in another tab); pick another"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConversationError(f"could not read {path}: {exc}") from exc
        try:
            conversation = Conversation.model_validate_json(text)
        except ValidationError as exc:
            raise ConversationError(
                f"{path} is damaged ({exc.error_count()} problem(s)); move it away or delete it"
            ) from exc
        if conversation.id != conversation_id:
            raise ConversationError(f"{path} holds conversation {conversation.id!r}; rename or delete it")
        return conversation

    def rename(self, conversation_id: str, title: str) -> Conversation:
        """Read, retitle and write in one step: an answer saved by another tab meanwhile stays."""
        with self._lock:
            conversation = self.load(conversation_id).with_title(title)
            self._write(conversation)
        return conversation

    def delete(self, conversation_id: str) -> None:
        path = self.path(conversation_id)
        with self._lock:
            try:
                path.unlink()
            except FileNotFoundError:
                return  # already gone: what was asked for
            except OSError as exc:
                raise ConversationError(f"could not delete {path}: {exc.strerror or exc}") from exc

    def list(self) -> list[Summary]:
        """Every readable conversation, most recently updated first."""
        try:
            paths = sorted(self.root.glob("*.json"))
        except OSError as exc:
            log.warning("cannot list conversations in %s: %s", self.root, exc)
            return []
        summaries = [s for p in paths if _ID.fullmatch(p.stem) and (s := self._summary(p)) is not None]
        return sorted(summaries, key=lambda s: (s.updated_at, s.id), reverse=True)

    def _summary(self, path: Path) -> Summary | None:
        """Read once per version of the file: answers carry their passages, so files are large."""
        try:
            stat = path.stat()
            key = (stat.st_mtime_ns, stat.st_size)
            cached = self._summaries.get(path.name)
            if cached is not None and cached[0] == key:
                return cached[1]
            conversation = self.load(path.stem)
        except (OSError, ConversationError) as exc:
            log.warning("skipping conversation file %s: %s", path, exc)
            return None
        summary = Summary(
            id=conversation.id, title=conversation.title or "Untitled",
            updated_at=conversation.updated_at, questions=len(conversation.exchanges),
        )  # fmt: skip
        self._summaries[path.name] = (key, summary)
        return summary
