"""`rag` command line: one module per command group, each exposing `register(app)`."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="rag",
    help="Local question answering over your documents, with verified citations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module adds its commands; listed in the order `rag --help` shows them.
_COMMAND_MODULES = ("setup_cmd", "ingest_cmd", "search_cmd", "ask_cmd", "chat_cmd", "eval_cmd")

for _name in _COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"rag.cli.{_name}")
    except ModuleNotFoundError as exc:  # a command module not written yet
        if exc.name != f"rag.cli.{_name}":
            raise
        continue
    _module.register(app)


def main() -> None:
    app()
