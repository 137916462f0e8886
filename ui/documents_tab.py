"""The Documents tab's Gradio components and events; the logic is ui/documents.py.

While a pass runs, a timer refreshes the progress bar, the table and the chat tab's notice once a
second; it switches itself off when the indexer is idle, so an idle page sends no requests.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from rag.corpus import MAX_FILE_MB
from rag.corpus.readers import SUFFIXES
from ui.documents import DocumentsController
from ui.documents_view import render_notice, render_progress, render_table
from ui.render import esc, render_error

TICK_SECONDS = 1.0
LIGHT: dict[str, Any] = {"concurrency_limit": None, "show_progress": "hidden"}


def _help() -> str:
    formats = ", ".join(s.lstrip(".") for s in SUFFIXES)
    return (
        f"Drop one or more files to add them to the corpus ({formats}; up to {MAX_FILE_MB} MB each). "
        "They are indexed in the background; the chat answers from the current index until the new "
        "one is ready. *Move to trash* keeps the file in the data folder's trash."
    )


def _log(lines: list[str]) -> str:
    items = "".join(f"<li>{esc(line)}</li>" for line in lines)
    return f'<ul class="docs-log">{items}</ul>' if lines else ""


class DocumentsTab:
    def __init__(
        self,
        controller: DocumentsController,
        notice: gr.HTML,
        banner: gr.HTML,
        status: gr.HTML,
        status_html: Callable[[], str],
    ) -> None:
        self.controller = controller
        self.notice, self.banner, self.status, self.status_html = notice, banner, status, status_html
        state = controller.indexer.state()
        gr.Markdown(_help(), elem_id="rag-docs-help")
        self.upload = gr.File(
            file_count="multiple", label="Add documents", height=110,
            elem_id="rag-upload",
        )  # fmt: skip
        self.log = gr.HTML("", elem_id="rag-docs-log")
        self.progress = gr.HTML(render_progress(state), elem_id="rag-docs-progress")
        with gr.Row(equal_height=False, elem_id="rag-docs-actions"):
            gr.Markdown("**Remove a document:**", elem_id="rag-docs-remove-label")
            self.choice = gr.Dropdown(
                controller.files(), value=None, label="Document to remove", show_label=False,
                container=False, scale=6, elem_id="rag-docs-choice",
            )  # fmt: skip
            self.remove = gr.Button("Move to trash", variant="stop", size="md", scale=0, min_width=150,
                                    elem_id="rag-docs-remove")  # fmt: skip
            self.reindex = gr.Button(
                "Re-index", size="md", scale=0, min_width=120, elem_id="rag-docs-reindex"
            )
        self.table = gr.HTML(render_table(controller.rows()), elem_id="rag-docs-table")
        self.timer = gr.Timer(TICK_SECONDS, active=state.running)

    def views(self) -> list[Any]:
        return [self.progress, self.table, self.choice, self.notice, self.banner, self.status, self.timer]

    def refresh(self, chosen: str | None = None) -> tuple[Any, ...]:
        """The progress bar, table, removal choices (keeping the chosen file while it exists),
        chat notice, banner and status as they are now; the timer stays on while a pass runs or
        is queued."""
        state = self.controller.indexer.state()
        busy = state.running or state.queued
        error = self.controller.provider.error
        files = self.controller.files()
        return (
            render_progress(state), render_table(self.controller.rows()),
            gr.Dropdown(choices=files, value=chosen if chosen in files else None), render_notice(state),
            gr.HTML(render_error(error or ""), visible=error is not None), self.status_html(),
            gr.Timer(active=busy),
        )  # fmt: skip

    def wire(self, tab: gr.Tab) -> None:
        def uploaded(files: list[str] | None) -> tuple[Any, ...]:
            uploads = [(Path(f).name, Path(f)) for f in files or []]
            return _log(self.controller.upload(uploads)), None, *self.refresh()

        def removed(path: str | None) -> tuple[Any, ...]:
            return _log([self.controller.remove(path)]), *self.refresh()

        def reindexed(chosen: str | None) -> tuple[Any, ...]:
            return _log([self.controller.reindex()]), *self.refresh(chosen)

        def refreshed(chosen: str | None) -> tuple[Any, ...]:
            return self.refresh(chosen)

        self.upload.upload(uploaded, [self.upload], [self.log, self.upload, *self.views()], **LIGHT)
        self.remove.click(removed, [self.choice], [self.log, *self.views()], **LIGHT)
        self.reindex.click(reindexed, [self.choice], [self.log, *self.views()], **LIGHT)
        self.timer.tick(refreshed, [self.choice], self.views(), **LIGHT)
        tab.select(refreshed, [self.choice], self.views(), **LIGHT)
