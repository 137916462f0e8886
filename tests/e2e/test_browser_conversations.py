"""Conversations kept, in a real browser (Chromium via Playwright) with the scripted test assistant:
ask, reload the page, reopen the conversation from the sidebar (answer, sources and follow-up
history back), rename it, export it as Markdown with its citations, delete it.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from rag.generators.scripted import ScriptedGenerator
from rag.testing import make_test_assistant
from tests.e2e.test_browser_chat import FOLLOW_UP, QUESTION, ask, open_chat
from ui.app import create_app
from ui.conversations import ConversationStore, Summary
from ui.export import citation_markdown

pytestmark = pytest.mark.e2e


def listed(page: Page, text: str | re.Pattern[str]) -> Any:
    return page.locator("#rag-conv-list label", has_text=text)


def saved_with(store: ConversationStore, *, questions: int, wait_s: float = 60.0) -> list[Summary]:
    """The saved conversations once one has `questions` answers (waits for the answer to end:
    liveness on a shared machine, not speed)."""
    deadline = time.monotonic() + wait_s
    while not any(s.questions == questions for s in store.list()):
        assert time.monotonic() < deadline, f"no conversation with {questions} answers: {store.list()}"
        time.sleep(0.05)
    return store.list()


def test_a_conversation_is_kept_reopened_renamed_exported_and_deleted(
    tmp_path: Path, serve: Callable[..., str], browser: BrowserContext, screenshot: Callable[..., Path]
) -> None:
    assistant = make_test_assistant(tmp_path / "app")
    store = ConversationStore(assistant.settings.conversations_dir)
    page = open_chat(browser, serve(create_app(assistant.settings, assistant)))
    page.set_viewport_size({"width": 1400, "height": 1000})
    ask(page, QUESTION)
    expect(page.locator('#rag-chat a.cite[href="#src-1-1"]').first).to_be_visible()
    expect(listed(page, "Waarom wil Rusland")).to_have_count(1)  # listed as soon as it is answered

    # A reload is a new page: an empty chat, and the conversation in the list.
    page.reload()
    expect(page.locator("#rag-question textarea")).to_be_visible()
    expect(page.locator("#rag-chat a.cite")).to_have_count(0)
    page.get_by_role("tab", name="Documents").click()  # picked from the other tab: the chat is shown
    expect(page.locator("#rag-chat")).to_be_hidden()
    listed(page, "Waarom wil Rusland").click()
    expect(page.locator('#rag-chat a.cite[href="#src-1-1"]').first).to_be_visible()
    expect(page.locator("#src-1-1 mark")).to_be_visible()  # the sources panel is back, highlighted
    expect(page.locator("#rag-chat")).to_contain_text(QUESTION)

    # A follow-up after reopening still knows what was asked before.
    generator = assistant.generator
    assert isinstance(generator, ScriptedGenerator)
    ask(page, FOLLOW_UP)
    expect(page.locator('#rag-chat a.cite[href="#src-2-1"]').first).to_be_visible()
    condensed = [r for r in generator.requests if r.task == "condense"]
    assert condensed and QUESTION in condensed[-1].messages[-1].content
    # A citation link shows while the answer still streams; it is saved when it ends.
    (summary,) = saved_with(store, questions=2)  # the same conversation, not a new one

    title = page.locator("#rag-conv-title input, #rag-conv-title textarea").first
    title.fill("Kernwapens in Belarus")
    page.locator("#rag-rename").click()
    expect(listed(page, re.compile(r"^\s*Kernwapens in Belarus ·"))).to_have_count(1)  # not the old title
    expect(page.locator("#rag-conv-note")).to_contain_text("Renamed")
    chat, sources = page.locator("#rag-chat").bounding_box(), page.locator("#rag-sources").bounding_box()
    assert chat and sources and sources["x"] > chat["x"] + chat["width"] - 1  # beside the chat, not under it
    screenshot(page, "chat-conversations")

    with page.expect_download() as download_info:
        page.locator("#rag-export").click()
    download = download_info.value
    assert download.suggested_filename == "kernwapens-in-belarus.md"
    markdown = Path(download.path()).read_text("utf-8")
    citation = store.load(summary.id).exchanges[0].answer.citations[0]
    assert markdown.startswith("# Kernwapens in Belarus")
    assert f"## 1. {QUESTION}" in markdown and f"## 2. {FOLLOW_UP}" in markdown
    assert citation_markdown(citation) in markdown  # "**[1]** title (date, page)", then the quoted passage
    assert f"**[1]** {citation.title}" in markdown and citation.quote[:40] in markdown

    page.locator("#rag-delete").click()
    expect(page.locator("#rag-conv-note")).to_contain_text("cannot be undone")
    page.locator("#rag-delete-yes").click()
    expect(page.locator("#rag-conv-note")).to_contain_text("Deleted")
    expect(page.locator("#rag-conv-list label")).to_have_count(0)
    expect(page.locator("#rag-chat a.cite")).to_have_count(0)
    assert store.list() == [] and not list(store.root.glob("*.json"))

    # In a smaller window the open sidebar would push the sources under the chat (or, narrower
    # still, cover the page): it closes.
    sidebar = page.locator("#rag-conversations")
    expect(sidebar).to_have_class(re.compile(r"\bopen\b"))
    page.set_viewport_size({"width": 700, "height": 900})
    expect(sidebar).not_to_have_class(re.compile(r"\bopen\b"))
    expect(page.locator("#rag-question textarea")).to_be_in_viewport()
