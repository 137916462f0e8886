"""`rag chat` launches locally, never shares, and queues questions for the one model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import ui.app
from rag.cli import chat_cmd


class StubBlocks:
    def __init__(self) -> None:
        self.calls: dict[str, dict[str, Any]] = {}

    def queue(self, **kwargs: Any) -> StubBlocks:
        self.calls["queue"] = kwargs
        return self

    def launch(self, **kwargs: Any) -> None:
        self.calls["launch"] = kwargs


def test_chat_launches_on_localhost_with_a_queue(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocks = StubBlocks()
    seen: list[Any] = []
    monkeypatch.setattr(ui.app, "create_app", lambda settings, assistant: seen.append(settings) or blocks)
    monkeypatch.chdir(tmp_path)  # no .env and no index from the working tree: the page will say so
    app = typer.Typer()
    chat_cmd.register(app)
    app.command("noop")(lambda: None)  # keep `chat` a named subcommand
    result = CliRunner().invoke(app, ["chat", "--port", "7999", "--generator", "extractive"])
    assert result.exit_code == 0, result.output
    launch = blocks.calls["launch"]
    assert (launch["server_name"], launch["server_port"], launch["share"]) == ("127.0.0.1", 7999, False)
    assert blocks.calls["queue"]["default_concurrency_limit"] == 1
    assert seen[0].generator == "extractive"
    assert "no index" in result.output  # start-up loading failed politely; the page retries later
