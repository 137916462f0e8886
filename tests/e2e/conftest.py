"""Browser fixtures: the chat served on a free localhost port, and Debian's Chromium driven by
Playwright. A missing /usr/bin/chromium fails the test (the test command installs it)."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.screenshots import Screenshots

if TYPE_CHECKING:
    import gradio as gr
    from playwright.sync_api import BrowserContext

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
VIEWPORT = {"width": 1366, "height": 768}  # a laptop window


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def serve() -> Iterator[Callable[[gr.Blocks], str]]:
    """serve(app) -> its URL; the server is closed after the test."""
    started: list[gr.Blocks] = []

    def _serve(app: gr.Blocks) -> str:
        port = free_port()
        app.queue(default_concurrency_limit=1).launch(
            prevent_thread_lock=True, server_name="127.0.0.1", server_port=port, share=False, quiet=True
        )
        started.append(app)
        return f"http://127.0.0.1:{port}/"

    yield _serve
    for app in started:
        app.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[BrowserContext]:
    """Headless Chromium with a fresh user-data dir, kept off the network by its flags."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install it with 'apt-get install -y chromium' "
            "(playwright install cannot download browsers here)",
            pytrace=False,
        )
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, viewport=VIEWPORT,  # type: ignore[arg-type]
        )  # fmt: skip
        context.set_default_timeout(120_000)  # a shared 2-core machine can be slow
        expect.set_options(timeout=60_000)  # and `expect` has its own limit (5 s): under load, too short
        yield context
        context.close()


@pytest.fixture
def screenshot() -> Callable[..., Path]:
    """screenshot(page, name, docs=None) -> test-artifacts/<name>.png; a picture the docs show
    (`docs="documents-tab.png"`) is written into docs/ only with RAG_UPDATE_SCREENSHOTS=1."""
    return Screenshots.from_env().take
