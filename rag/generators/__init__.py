"""Generators turn a GenerationRequest into streamed text; create_generator picks one from settings.

Backends with optional dependencies (llama-cpp-python) are imported only when chosen, and a
missing package is reported with the command that installs it.
"""

from __future__ import annotations

from rag.config import Settings
from rag.embedders.base import Embedder
from rag.errors import ConfigError
from rag.generators.base import GenerationRequest, Generator, Message, Passage, Task
from rag.generators.extractive import ExtractiveGenerator
from rag.generators.scripted import ScriptedGenerator, default_script

__all__ = [
    "ExtractiveGenerator",
    "GenerationRequest",
    "Generator",
    "Message",
    "Passage",
    "ScriptedGenerator",
    "Task",
    "create_generator",
]


def create_generator(settings: Settings, *, embedder: Embedder | None = None) -> Generator:
    """The backend named by settings.generator. `embedder` sharpens the extractive backend.

    Raises ModelMissingError (model file or llama-cpp-python missing) with the fix in the message.
    """
    if settings.generator == "llama-cpp":
        from rag.generators.llama_cpp import LlamaCppGenerator, require_llama_cpp
        from rag.models import resolve_llm_path

        require_llama_cpp()
        path = resolve_llm_path(settings)
        return LlamaCppGenerator(path, n_ctx=settings.n_ctx, threads=settings.llm_threads)
    if settings.generator == "ollama":
        from rag.generators.ollama import OllamaGenerator

        return OllamaGenerator(
            settings.ollama_host,
            settings.ollama_model,
            timeout_s=settings.ollama_timeout_s,
            n_ctx=settings.n_ctx,
        )
    if settings.generator == "extractive":
        return ExtractiveGenerator(embedder)
    if settings.generator == "scripted":
        return ScriptedGenerator(default_script, context_size=settings.n_ctx)
    raise ConfigError(
        f"unknown generator {settings.generator!r}; "
        "set RAG_GENERATOR to llama-cpp, ollama, extractive or scripted"
    )
