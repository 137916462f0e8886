"""Shared CLI plumbing: settings read once, RagError shown as a clean message (no traceback)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from pydantic_settings import SettingsError
from rich.console import Console
from rich.markup import escape

from rag.config import Settings, describe_settings_error
from rag.errors import InvalidSettingError, RagError

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")

# The option each command uses for a setting, so an error names what the user typed.
FLAGS = {
    "top_k": "--k",
    "answer_language": "--language",
    "generator": "--generator",
    "corpus_dir": "--corpus",
    "embedder": "--embedder",
    "shard_count": "--shards",
}
USAGE_EXIT = 2  # as for click's own usage errors: the command line or a setting is wrong


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment / .env once; CLI flags override (None = not given).

    An invalid value becomes an InvalidSettingError naming the setting, the value, what is
    allowed and where it came from (the option, or RAG_<FIELD>)."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)  # type: ignore[arg-type]
    except ValidationError as exc:
        flags = {field: flag for field, flag in FLAGS.items() if field in given}
        raise InvalidSettingError(describe_settings_error(exc, flags)) from None
    except (SettingsError, UnicodeDecodeError, OSError) as exc:  # e.g. a .env file that is not UTF-8
        raise InvalidSettingError(
            f"cannot read the settings ({exc}); check {Path('.env').absolute()} (UTF-8 text, "
            "NAME=value lines) and the RAG_ environment variables"
        ) from None


def printable(text: str) -> str:
    """Text that any terminal can print: undecodable bytes (surrogates) shown as escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def friendly_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a RagError into a one-line message: exit code 2 for an invalid setting, 1 otherwise."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except RagError as exc:
            err_console.print(
                f"[bold red]error:[/] {escape(printable(str(exc)))}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(USAGE_EXIT if isinstance(exc, InvalidSettingError) else 1) from None
        except KeyboardInterrupt:
            err_console.print("interrupted")
            sys.exit(130)

    return wrapper
