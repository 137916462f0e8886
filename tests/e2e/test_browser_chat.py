"""The web chat in a real browser (Chromium via Playwright) with the scripted test assistant:
ask, watch the cited answer and highlighted source appear, click a citation, follow up, rate,
hit an error. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from rag.answering.pipeline import Assistant
from rag.generators.base import GenerationRequest
from rag.generators.scripted import ScriptedGenerator
from rag.testing import cite_first_passage, make_test_assistant
from ui.app import create_app

pytestmark = pytest.mark.e2e

QUESTION = "Waarom wil Rusland tactische kernwapens in Belarus plaatsen?"
FOLLOW_UP = "En hoe reageerden westerse landen daarop?"


def ask(page: Page, question: str) -> None:
    box = page.locator("#rag-question textarea")
    box.fill(question)
    box.press("Enter")


def open_chat(browser: BrowserContext, url: str) -> Page:
    page = browser.pages[0] if browser.pages else browser.new_page()  # the profile's first tab
    page.goto(url)
    expect(page.locator("#rag-question textarea")).to_be_visible()
    return page


@pytest.fixture
def assistant(tmp_path: Path) -> Assistant:
    return make_test_assistant(tmp_path / "app")


def test_ask_cite_follow_up_and_rate(
    assistant: Assistant, serve: Callable[..., str], browser: BrowserContext, screenshot: Callable[..., Path]
) -> None:
    page = open_chat(browser, serve(create_app(assistant.settings, assistant)))
    ask(page, QUESTION)

    # The answer streams in, then settles with a linked citation and its highlighted source.
    expect(page.locator('#rag-chat a.cite[href="#src-1-1"]').first).to_be_visible()
    mark = page.locator("#src-1-1 mark")
    expect(mark).to_be_visible()
    marked = mark.text_content() or ""
    assert len(marked) > 20 and any(marked in d.text for d in assistant.documents)
    expect(page.locator("#rag-status")).to_contain_text("first words")
    screenshot(page, "chat-answer")

    page.locator('#rag-chat a.cite[href="#src-1-1"]').first.click()
    expect(page.locator("#src-1-1")).to_have_class(re.compile(r"\bactive\b"))
    expect(page.locator("#src-1-1")).to_be_in_viewport()
    assert len(browser.pages) == 1  # the citation did not open a tab

    ask(page, FOLLOW_UP)
    expect(page.locator('#rag-chat a.cite[href="#src-2-1"]').first).to_be_visible()
    generator = assistant.generator
    assert isinstance(generator, ScriptedGenerator)
    condensed = [r for r in generator.requests if r.task == "condense"]
    assert condensed and QUESTION in condensed[-1].messages[-1].content  # history reached the model
    expect(page.locator("#rag-sources details.older")).to_contain_text(QUESTION)  # earlier sources kept
    screenshot(page, "chat-follow-up")

    page.locator("#rag-comment textarea").fill("Klopt, met bron.")
    page.locator("#rag-up").click()
    expect(page.locator("#rag-feedback-note")).to_contain_text("feedback saved")
    page.locator('#rag-chat button[aria-label="Dislike"]').first.click()  # on the first answer
    expect(page.locator("#rag-feedback-note")).to_contain_text("✗ wrong")
    lines = [json.loads(x) for x in assistant.settings.feedback_path.read_text("utf-8").splitlines()]
    assert [(x["question"], x["verdict"]) for x in lines] == [(FOLLOW_UP, "up"), (QUESTION, "down")]
    assert lines[0]["comment"] == "Klopt, met bron." and lines[0]["citations"]


def test_errors_are_friendly_and_clear_resets(
    assistant: Assistant, serve: Callable[..., str], browser: BrowserContext, screenshot: Callable[..., Any]
) -> None:
    page = open_chat(browser, serve(create_app(assistant.settings, assistant)))
    # An example question (shown while the chat is empty) is asked with one click.
    page.locator("#rag-chat").get_by_text("What did Stoltenberg say").click()
    expect(page.locator('#rag-chat a.cite[href^="#src-1-"]').first).to_be_visible()

    ask(page, "   ")
    expect(page.locator("#rag-chat .chat-error")).to_contain_text("Please check your question")
    expect(page.locator("#rag-chat")).not_to_contain_text("Traceback")
    screenshot(page, "chat-error")

    page.locator("#rag-clear").click()
    expect(page.locator("#rag-chat a.cite")).to_have_count(0)
    expect(page.locator("#rag-sources")).to_contain_text("Sources of the answer appear here")


def test_stop_cancels_an_answer_being_written(
    tmp_path: Path, serve: Callable[..., str], browser: BrowserContext, screenshot: Callable[..., Any]
) -> None:
    release = threading.Event()

    def slow_model(request: GenerationRequest) -> str:
        if request.task == "answer":
            release.wait(timeout=300)  # "generating" until the test lets go
        return cite_first_passage(request)

    assistant = make_test_assistant(tmp_path / "app", script=slow_model)
    page = open_chat(browser, serve(create_app(assistant.settings, assistant)))
    try:
        ask(page, QUESTION)
        expect(page.locator("#rag-chat")).to_contain_text("Writing the answer")
        page.locator("#rag-stop").click()
        expect(page.locator("#rag-chat")).to_contain_text("(stopped)")
        screenshot(page, "chat-stopped")
    finally:
        release.set()
    # The page still answers after a stop. Right after a cancel, Gradio's front end can drop one
    # submit while it settles (a known glitch, noted in the README): a person presses Enter again.
    box = page.locator("#rag-question textarea")
    for _attempt in range(3):
        ask(page, FOLLOW_UP)
        try:
            expect(box).to_have_value("", timeout=3000)
            break
        except AssertionError:
            continue
    expect(page.locator('#rag-chat a.cite[href="#src-2-1"]').first).to_be_visible()


def test_a_second_user_waits_in_the_queue_and_then_gets_an_answer(
    tmp_path: Path, serve: Callable[..., str], browser: BrowserContext, screenshot: Callable[..., Any]
) -> None:
    release = threading.Event()

    def slow_model(request: GenerationRequest) -> str:
        if request.task == "answer" and not release.is_set():
            release.wait(timeout=300)  # the first user's answer is still being written
        return cite_first_passage(request)

    assistant = make_test_assistant(tmp_path / "app", script=slow_model)
    url = serve(create_app(assistant.settings, assistant))
    first, second = open_chat(browser, url), browser.new_page()
    second.goto(url)
    try:
        ask(first, QUESTION)
        expect(first.locator("#rag-chat")).to_contain_text("Writing the answer")
        ask(second, QUESTION)
        # The one in-process model is busy: the second page shows its place in the queue.
        expect(second.locator("body")).to_contain_text("queue", timeout=15000)
        screenshot(second, "chat-queued")
    finally:
        release.set()
    expect(first.locator("#rag-chat a.cite").first).to_be_visible(timeout=30000)
    expect(second.locator("#rag-chat a.cite").first).to_be_visible(timeout=30000)
