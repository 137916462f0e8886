"""`rag chat`: the web chat on http://127.0.0.1:7860 (local only; never a public share link)."""

from __future__ import annotations

from typing import Annotated

import typer

from rag.cli.common import console, friendly_errors, load_settings
from rag.config import GeneratorName
from rag.errors import ConfigError

# The one in-process model answers one question at a time; other users wait in Gradio's queue
# and see their position instead of slowing everyone down (or running out of memory).
CONCURRENCY_LIMIT = 1
MAX_QUEUE = 32


def register(app: typer.Typer) -> None:
    @app.command()
    @friendly_errors
    def chat(
        port: Annotated[int, typer.Option(help="Port to serve the chat on.")] = 7860,
        host: Annotated[str, typer.Option(help="Address to bind; 0.0.0.0 opens it to your network.")] = (
            "127.0.0.1"
        ),
        generator: Annotated[GeneratorName | None, typer.Option(help="Backend to answer with.")] = None,
    ) -> None:
        """Open the web chat: streaming answers with clickable, highlighted sources."""
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
        console.print(f"Chat ready at [bold]http://{host}:{port}[/] (Ctrl+C to stop)")
        blocks.queue(default_concurrency_limit=CONCURRENCY_LIMIT, max_size=MAX_QUEUE).launch(
            server_name=host, server_port=port, share=False, inbrowser=False, quiet=True,
            footer_links=[],
        )  # fmt: skip
