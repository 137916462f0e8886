"""`rag chat`: the web chat on http://127.0.0.1:7860 (local only; never a public share link).

Another address (`--host 0.0.0.0`) opens it to the network: then `--auth USER:PASSWORD` (or
RAG_CHAT_AUTH) asks for a login, and without one a warning says that anyone who can reach the
machine can read the documents through the chat.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from rag.cli.common import console, err_console, friendly_errors, load_settings
from rag.config import GeneratorName
from rag.errors import ConfigError, InvalidSettingError

# The one in-process model answers one question at a time; other users wait in Gradio's queue
# and see their position instead of slowing everyone down (or running out of memory).
CONCURRENCY_LIMIT = 1
MAX_QUEUE = 32


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to any interface
        return False


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """`USER:PASSWORD` -> (user, password); the password may contain ':'. Never echoes it."""
    if value is None:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user.strip() or not password:
        raise InvalidSettingError(
            "invalid --auth (or RAG_CHAT_AUTH): use USER:PASSWORD, both parts non-empty, "
            "e.g. --auth anna:'a long passphrase'"
        )
    return user.strip(), password


def access_warning(host: str, port: int, auth: tuple[str, str] | None) -> str | None:
    if is_loopback(host) or auth is not None:
        return None
    return (
        f"the chat at http://{host}:{port} is open to every machine that can reach this one, without "
        "a password: anyone there can read your documents through it. Add --auth USER:PASSWORD "
        "(or set RAG_CHAT_AUTH), or bind 127.0.0.1."
    )


def register(app: typer.Typer) -> None:
    @app.command()
    @friendly_errors
    def chat(
        port: Annotated[int, typer.Option(help="Port to serve the chat on.")] = 7860,
        host: Annotated[str, typer.Option(help="Address to bind; 0.0.0.0 opens it to your network.")] = (
            "127.0.0.1"
        ),
        generator: Annotated[GeneratorName | None, typer.Option(help="Backend to answer with.")] = None,
        auth: Annotated[
            str | None,
            typer.Option(
                "--auth",
                envvar="RAG_CHAT_AUTH",
                show_envvar=True,
                help="USER:PASSWORD asked before the chat opens (the variable keeps it out of history).",
            ),
        ] = None,
    ) -> None:
        """Open the web chat: streaming answers with clickable, highlighted sources."""
        login = parse_auth(auth)
        try:
            from ui.app import create_app
        except ImportError as exc:  # gradio is an optional extra
            hint = "install it: pip install -e '.[ui]'"
            raise ConfigError(f"the web chat needs gradio ({exc}); {hint}") from None

        from rag.answering.pipeline import Assistant
        from rag.errors import RagError

        settings = load_settings(generator=generator)
        console.print(f"Loading the models and the index from {settings.index_dir} …")
        assistant: Assistant | None = None
        try:
            assistant = Assistant.from_settings(settings)
            assistant.warm_up()
        except RagError as exc:  # the page shows the problem and retries on the next question
            console.print(f"[yellow]warning:[/] {exc}")
            assistant = None
        blocks = create_app(settings, assistant)
        warning = access_warning(host, port, login)
        if warning:  # printed last before serving, where it is seen
            err_console.print(f"[bold yellow]warning:[/] {warning}", soft_wrap=True, highlight=False)
        console.print(f"Chat ready at [bold]http://{host}:{port}[/] (Ctrl+C to stop)")
        blocks.queue(default_concurrency_limit=CONCURRENCY_LIMIT, max_size=MAX_QUEUE).launch(
            server_name=host, server_port=port, share=False, inbrowser=False, quiet=True,
            footer_links=[], auth=login,
        )  # fmt: skip
