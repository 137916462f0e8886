"""The Documents tab's components and its refresh, without a browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from rag.config import Settings
from tests.ui.fakes import FakeAssistant
from ui.app import create_app
from ui.chat import AssistantProvider
from ui.documents import DocumentsController
from ui.documents_tab import DocumentsTab


def settings_for(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Een document.\n", encoding="utf-8")
    (corpus / "b.txt").write_text("Nog een document.\n", encoding="utf-8")
    return Settings(_env_file=None, data_dir=tmp_path / "data", home=tmp_path / "home",  # type: ignore[call-arg]
                    corpus_dir=corpus, embedder="hashing", generator="scripted")  # fmt: skip


def test_the_page_has_a_documents_tab(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    app = create_app(settings, FakeAssistant(settings))  # type: ignore[arg-type]
    parts = {b.elem_id: b for b in app.blocks.values() if getattr(b, "elem_id", None)}
    for elem_id in ("rag-docs-tab", "rag-upload", "rag-docs-table", "rag-docs-choice", "rag-docs-remove",
                    "rag-docs-reindex", "rag-docs-progress", "rag-docs-notice"):  # fmt: skip
        assert elem_id in parts, elem_id
    assert parts["rag-upload"].file_count == "multiple"
    assert parts["rag-docs-choice"].choices == [("a.txt", "a.txt"), ("b.txt", "b.txt")]
    table = parts["rag-docs-table"].value
    assert 'data-path="a.txt"' in table and "indexed" in table  # a.txt is the fake index's document
    timers = [b for b in app.blocks.values() if isinstance(b, gr.Timer)]
    assert len(timers) == 1 and timers[0].active is False  # an idle page polls nothing


def test_refresh_keeps_the_chosen_file_while_it_exists(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    provider = AssistantProvider(settings, FakeAssistant(settings))  # type: ignore[arg-type]
    with gr.Blocks():
        status = gr.HTML()
        tab = DocumentsTab(DocumentsController(provider), gr.HTML(), gr.HTML(), status, lambda: "status")
    choice: Any = tab.refresh("b.txt")[2]
    assert choice.value == "b.txt"
    (settings.corpus_dir / "b.txt").unlink()
    choice = tab.refresh("b.txt")[2]
    assert choice.value is None and choice.choices == [("a.txt", "a.txt")]
