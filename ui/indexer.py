"""Re-indexing in the background while the chat keeps answering from the current index.

One pass at a time: a request during a pass (another upload, a removal) is remembered and runs
as one more pass after it, so every change is indexed. A pass brings the saved index up to date
(`ingest_corpus`, which saves atomically), loads it into a new Assistant and swaps that in through
the AssistantProvider; until then, and for good when the pass fails, the old index answers.
No Gradio here: tests drive it with the offline twins.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from rag.config import Settings
from rag.corpus import SkippedFile
from rag.errors import IndexEmptyError
from rag.index.embedding import IngestProgress, ProgressCallback
from rag.index.ingest import IngestResult, ingest_corpus
from ui.chat import AssistantProvider
from ui.messages import friendly_message

if TYPE_CHECKING:
    from rag.answering.pipeline import Assistant
    from rag.embedders.base import Embedder


class Ingest(Protocol):
    def __call__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = ...,
        on_progress: ProgressCallback | None = ...,
    ) -> IngestResult: ...


@dataclass(frozen=True)
class IndexerState:
    """What the Documents tab shows about indexing."""

    running: bool = False
    queued: bool = False  # another pass will follow the running one
    progress: IngestProgress | None = None
    error: str | None = None  # the last pass failed: the old index still answers
    skipped: tuple[SkippedFile, ...] | None = None  # of the last good pass; None before one
    documents: int | None = None  # indexed by the last good pass (0: all removed); None before one
    finished_at: datetime | None = None
    passes: int = 0  # completed passes, good or failed


def next_assistant(settings: Settings, old: Assistant | None) -> Assistant:
    """The Assistant over the index just saved: the old one's embedder and generator (no model is
    loaded again), or a full load when there was none (no index at start-up)."""
    from rag.answering.pipeline import Assistant

    if old is None:
        return Assistant.from_settings(settings)
    return old.on_saved_index()


class BackgroundIndexer:
    def __init__(
        self,
        settings: Settings,
        provider: AssistantProvider,
        ingest: Ingest = ingest_corpus,
        make: Callable[[Settings, Assistant | None], Assistant] = next_assistant,
    ) -> None:
        self.settings = settings
        self.provider = provider
        self._ingest = ingest
        self._make = make
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()
        self._state = IndexerState()

    def state(self) -> IndexerState:
        with self._lock:
            return self._state

    def request(self) -> IndexerState:
        """Index the corpus folder now, or right after the pass that is running."""
        with self._lock:
            if self._state.running:
                self._state = replace(self._state, queued=True)
                return self._state
            self._state = replace(self._state, running=True, queued=False, progress=None)
            self._idle.clear()
        threading.Thread(target=self._work, name="rag-indexer", daemon=True).start()
        return self.state()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no pass runs or is queued (for tests and shutdown); False on timeout."""
        return self._idle.wait(timeout)

    def _work(self) -> None:
        while True:
            error, result = self._one_pass()
            with self._lock:
                again, state = self._state.queued, self._state
                if result is not None:
                    state = replace(state, skipped=result.load.skipped, documents=len(result.load.documents))
                self._state = replace(
                    state, running=again, queued=False, progress=None, error=error,
                    finished_at=datetime.now(UTC), passes=state.passes + 1,
                )  # fmt: skip
                if not again:
                    self._idle.set()
                    return

    def _one_pass(self) -> tuple[str | None, IngestResult | None]:
        """(error line, result) of one pass; the swap happens only after a complete save."""
        try:
            old = self.provider.models()
            embedder = old.embedder if old is not None else None
            result = self._ingest(self.settings, embedder=embedder, on_progress=self._progress)
            self._swap(old)
        except Exception as exc:  # shown in the tab as one line; the old index keeps answering
            return f"Indexing failed: {friendly_message(exc)}", None
        return None, result

    def _swap(self, old: Assistant | None) -> None:
        """Answer from the index just saved; an empty one (every document removed) is no failure:
        the chat says there is nothing to answer from, never cites the removed files."""
        try:
            new = self._make(self.settings, old)
        except IndexEmptyError as exc:
            self.provider.empty(old, friendly_message(exc))
            return
        self.provider.replace(new)

    def _progress(self, progress: IngestProgress) -> None:
        with self._lock:
            self._state = replace(self._state, progress=progress)
