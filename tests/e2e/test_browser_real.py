"""The web chat in a real browser with the real models (EmbeddingGemma + llama.cpp, 1 thread):
one Dutch question must come back as a cited answer with its source highlighted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect

from rag.answering.pipeline import Assistant
from ui.app import create_app

pytestmark = pytest.mark.e2e

QUESTION = "Waarom wil Rusland tactische kernwapens in Belarus plaatsen?"
ANSWER_TIMEOUT_MS = 15 * 60 * 1000  # one llama.cpp thread on a shared machine


def test_real_model_answers_with_a_cited_source(
    real_assistant: Assistant,
    serve: Callable[..., str],
    browser: BrowserContext,
    screenshot: Callable[..., Path],
) -> None:
    page = browser.pages[0] if browser.pages else browser.new_page()  # the profile's first tab
    page.goto(serve(create_app(real_assistant.settings, real_assistant)))
    box = page.locator("#rag-question textarea")
    box.fill(QUESTION)
    box.press("Enter")

    # Either a cited answer or an honest refusal settles the bubble; this question is answerable.
    settled = page.locator("#rag-chat a.cite, #rag-chat .refusal, #rag-chat .chat-error").first
    expect(settled).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    screenshot(page, "chat-real-model")
    expect(page.locator("#rag-chat .chat-error")).to_have_count(0)
    expect(page.locator("#rag-chat .refusal")).to_have_count(0)
    expect(page.locator('#rag-chat a.cite[href^="#src-1-"]').first).to_be_visible()
    marked = page.locator('#rag-sources [id^="src-1-"] mark').first
    expect(marked).to_be_visible()
    assert (marked.text_content() or "").strip()
    expect(page.locator("#rag-status")).to_contain_text("first words")
