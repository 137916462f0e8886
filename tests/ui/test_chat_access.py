"""`rag chat` on another address than 127.0.0.1 without --auth warns; --auth USER:PASSWORD reaches
Gradio's login. No server starts: the Blocks are a stub."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import ui.app
from rag.cli import chat_cmd
from rag.errors import InvalidSettingError
from tests.ui.test_chat_cmd import StubBlocks

WARNING = "open to every machine that can reach this one, without a password"


def run_chat(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[Any, StubBlocks]:
    blocks = StubBlocks()
    monkeypatch.setattr(ui.app, "create_app", lambda settings, assistant: blocks)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RAG_CHAT_AUTH", raising=False)
    app = typer.Typer()
    chat_cmd.register(app)
    app.command("noop")(lambda: None)  # keep `chat` a named subcommand
    result = CliRunner().invoke(app, ["chat", "--generator", "extractive", *args], env=env)
    return result, blocks


def test_binding_all_interfaces_without_auth_warns(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result, blocks = run_chat(monkeypatch, tmp_path, "--host", "0.0.0.0")
    assert result.exit_code == 0, result.output
    assert WARNING in result.output and "--auth USER:PASSWORD" in result.output
    assert blocks.calls["launch"]["server_name"] == "0.0.0.0" and blocks.calls["launch"]["auth"] is None


def test_localhost_binding_does_not_warn(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result, blocks = run_chat(monkeypatch, tmp_path)
    assert result.exit_code == 0, result.output
    assert WARNING not in result.output and blocks.calls["launch"]["auth"] is None


def test_auth_option_reaches_gradio_and_silences_the_warning(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result, blocks = run_chat(monkeypatch, tmp_path, "--host", "0.0.0.0", "--auth", "anna:geheim:123")
    assert result.exit_code == 0, result.output
    assert WARNING not in result.output
    assert blocks.calls["launch"]["auth"] == ("anna", "geheim:123")
    assert "geheim" not in result.output


def test_auth_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result, blocks = run_chat(
        monkeypatch, tmp_path, "--host", "192.168.1.20", env={"RAG_CHAT_AUTH": "bob:pw"}
    )
    assert result.exit_code == 0, result.output
    assert blocks.calls["launch"]["auth"] == ("bob", "pw") and WARNING not in result.output


@pytest.mark.parametrize("bad", ["anna", "anna:", ":geheim", " :geheim"])
def test_malformed_auth_is_refused_before_anything_starts(
    bad: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result, blocks = run_chat(monkeypatch, tmp_path, "--auth", bad)
    assert result.exit_code == 2, result.output
    assert "use USER:PASSWORD" in result.output and "launch" not in blocks.calls
    assert "geheim" not in result.output


@pytest.mark.parametrize(
    ("host", "local"),
    [("127.0.0.1", True), ("127.0.1.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
     ("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("my-laptop.local", False)],
)  # fmt: skip
def test_is_loopback(host: str, local: bool) -> None:
    assert chat_cmd.is_loopback(host) is local


def test_parse_auth() -> None:
    assert chat_cmd.parse_auth(None) is None
    assert chat_cmd.parse_auth("anna:a b:c") == ("anna", "a b:c")
    with pytest.raises(InvalidSettingError):
        chat_cmd.parse_auth("no-colon")
