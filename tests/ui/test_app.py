"""create_app builds the page: components in place, answering events share one model slot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
import pytest

from rag.config import Settings
from tests.ui.fakes import FakeAssistant
from ui.app import create_app


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", home=tmp_path / "home",  # type: ignore[call-arg]
                    corpus_dir=tmp_path / "corpus", embedder="hashing", generator="scripted")  # fmt: skip


def by_id(app: gr.Blocks) -> dict[str, Any]:
    return {b.elem_id: b for b in app.blocks.values() if getattr(b, "elem_id", None)}


def test_create_app_builds_the_page(settings: Settings) -> None:
    app = create_app(settings, FakeAssistant(settings))  # type: ignore[arg-type]
    parts = by_id(app)
    for elem_id in ("rag-chat", "rag-question", "rag-ask", "rag-stop", "rag-clear", "rag-sources",
                    "rag-status", "rag-settings", "rag-comment", "rag-up", "rag-down"):  # fmt: skip
        assert elem_id in parts, elem_id
    assert parts["rag-banner"].visible is False
    assert "fake-1" in parts["rag-status"].value and "1 documents, 2 passages" in parts["rag-status"].value
    examples = [e["text"] for e in parts["rag-chat"].examples]
    assert any("Belarus" in e for e in examples) and any("Stoltenberg" in e for e in examples)


def test_answering_events_share_one_concurrency_slot(settings: Settings) -> None:
    app = create_app(settings, FakeAssistant(settings))  # type: ignore[arg-type]
    answering = [f for f in app.fns.values() if f.name == "respond"]
    assert len(answering) == 3  # Enter, the Ask button, an example click
    assert {f.concurrency_id for f in answering} == {"model"}
    stop = [f for f in app.fns.values() if f.name == "_mark_stopped"]
    assert stop and stop[0].concurrency_limit is None  # Stop never waits behind an answer


def test_missing_index_is_shown_in_the_page(settings: Settings) -> None:
    app = create_app(settings)  # no index was built under tmp_path
    banner = by_id(app)["rag-banner"]
    assert banner.visible is True
    assert "rag ingest" in banner.value and "Traceback" not in banner.value
