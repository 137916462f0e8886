"""The one table of backends: name -> label, the settings it is built from, and its factory.

`create_generator`, the chat's "Answer with" choice and `Assistant.with_settings` all read it;
a backend with optional dependencies imports them only in its factory, and a missing package
is reported with the command that installs it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rag.embedders.base import Embedder
from rag.errors import ConfigError
from rag.generators.base import Generator
from rag.generators.extractive import ExtractiveGenerator
from rag.generators.scripted import ScriptedGenerator, default_script

if TYPE_CHECKING:
    from rag.config import Settings

Factory = Callable[["Settings", Embedder | None], Generator]


@dataclass(frozen=True)
class Backend:
    name: str  # the value of RAG_GENERATOR
    label: str  # what the chat shows
    settings: tuple[str, ...]  # Settings fields it is built from: a change means a new generator
    create: Factory
    in_chat: bool = True  # offered in the chat's "Answer with" choice


def _llama_cpp(settings: Settings, embedder: Embedder | None) -> Generator:
    from rag.generators.llama_cpp import LlamaCppGenerator, require_llama_cpp
    from rag.models.registry import damaged_llm_fix, resolve_llm_path

    require_llama_cpp()
    path = resolve_llm_path(settings)
    return LlamaCppGenerator(
        path, n_ctx=settings.n_ctx, threads=settings.llm_threads, damaged_fix=damaged_llm_fix(settings)
    )


def _ollama(settings: Settings, embedder: Embedder | None) -> Generator:
    from rag.generators.ollama import OllamaGenerator

    return OllamaGenerator(
        settings.ollama_host, settings.ollama_model, timeout_s=settings.ollama_timeout_s, n_ctx=settings.n_ctx
    )


def _extractive(settings: Settings, embedder: Embedder | None) -> Generator:
    return ExtractiveGenerator(embedder)


def _scripted(settings: Settings, embedder: Embedder | None) -> Generator:
    return ScriptedGenerator(default_script, context_size=settings.n_ctx)


BACKENDS: dict[str, Backend] = {
    b.name: b
    for b in (
        Backend(
            "llama-cpp",
            "Embedded model (llama.cpp)",
            ("llm_model", "llm_threads", "n_ctx", "home"),
            _llama_cpp,
        ),
        Backend(
            "ollama",
            "Ollama server",
            ("ollama_host", "ollama_model", "ollama_timeout_s", "n_ctx"),
            _ollama,
        ),
        Backend("extractive", "Extractive (no model, quotes only)", (), _extractive),
        Backend("scripted", "Scripted (offline twin for tests)", ("n_ctx",), _scripted, in_chat=False),
    )
}


def backend(name: str) -> Backend:
    found = BACKENDS.get(name)
    if found is None:
        raise ConfigError(f"unknown generator {name!r}; set RAG_GENERATOR to one of {', '.join(BACKENDS)}")
    return found


def create_generator(settings: Settings, *, embedder: Embedder | None = None) -> Generator:
    """The backend named by settings.generator. `embedder` sharpens the extractive backend.

    Raises ModelMissingError (model file or llama-cpp-python missing) with the fix in the message.
    """
    return backend(settings.generator).create(settings, embedder)


def generator_settings_changed(old: Settings, new: Settings) -> bool:
    """True when `new` needs another generator than `old`: another backend, or another value of
    a setting the backend is built from."""
    if old.generator != new.generator:
        return True
    return any(getattr(old, key) != getattr(new, key) for key in backend(new.generator).settings)


def chat_choices(current: str) -> list[tuple[str, str]]:
    """(label, name) of the backends the chat offers, plus `current` if it is another one."""
    choices = [(b.label, b.name) for b in BACKENDS.values() if b.in_chat]
    return choices + ([(current, current)] if current not in {name for _, name in choices} else [])
