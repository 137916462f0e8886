"""The chat's layout in a real browser (Chromium via Playwright) with the scripted test assistant:
a long Sources panel (a refusal listing eight nearest passages) scrolls within its own box and
never runs over the status line or the Settings accordion, in a large, a low and a narrow window.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from rag.generators.base import GenerationRequest
from rag.testing import make_test_assistant
from tests.e2e.test_browser_chat import QUESTION, ask, open_chat
from ui.app import create_app

pytestmark = pytest.mark.e2e

WINDOWS = [(1400, 1000), (1000, 560), (700, 900)]  # the reported one, a low one, a narrow one


def refuse(request: GenerationRequest) -> str:
    """A model that finds no answer: the panel lists every retrieved passage as nearest."""
    if request.task == "condense":
        return json.dumps({"question": request.question})
    return json.dumps({"answerable": False, "sentences": []})


def _box(page: Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not on the page"
    return box


def test_a_long_sources_panel_scrolls_within_its_column(
    tmp_path: Path, serve: Callable[..., str], browser: BrowserContext, screenshot: Callable[..., Any]
) -> None:
    assistant = make_test_assistant(tmp_path / "app", script=refuse, top_k=5)
    page = open_chat(browser, serve(create_app(assistant.settings, assistant)))
    ask(page, QUESTION)
    expect(page.locator("#rag-sources details.nearest .src-card")).to_have_count(8)
    for width, height in WINDOWS:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)  # let the layout settle
        panel = _box(page, "#rag-sources .sources")
        assert panel["height"] <= min(540, height) + 1  # capped: the column does not grow with it
        bottom = panel["y"] + panel["height"]
        assert bottom <= _box(page, "#rag-status")["y"], (width, height)
        assert bottom <= _box(page, "#rag-settings")["y"], (width, height)
        scrolls = page.evaluate(
            "() => { const e = document.querySelector('#rag-sources .sources');"
            " return e.scrollHeight > e.clientHeight && getComputedStyle(e).overflowY === 'auto'; }"
        )
        assert scrolls, "the panel's overflow is hidden or spills instead of scrolling"
        screenshot(page, f"chat-sources-{width}x{height}")
    # The last passage can be reached by scrolling the panel itself.
    last = page.locator("#rag-sources details.nearest .src-card").last
    last.scroll_into_view_if_needed()
    expect(last).to_be_in_viewport()
