"""Where the built-in models live once `rag setup` has assembled them, and how a setting resolves.

A model setting is either a built-in name (assembled under `settings.models_dir`), or something
the user brings: a folder / sentence-transformers name for embeddings, a .gguf path for the LLM.
"""

from __future__ import annotations

from pathlib import Path

from rag.config import DEFAULT_EMBED_MODEL, DEFAULT_LLM_MODEL, Settings
from rag.errors import ModelMissingError

# Built-in name -> file or folder name under models_dir.
BUILTIN_EMBED = {DEFAULT_EMBED_MODEL: "embeddinggemma-300m"}
BUILTIN_LLM = {DEFAULT_LLM_MODEL: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"}


def builtin_path(settings: Settings, filename: str) -> Path:
    return settings.models_dir / filename


def resolve_embed_model(settings: Settings) -> str:
    """A local folder for sentence-transformers, or the user's model name/path as given."""
    name = settings.embed_model
    if name in BUILTIN_EMBED:
        path = builtin_path(settings, BUILTIN_EMBED[name])
        if not (path / "modules.json").is_file():
            raise ModelMissingError(
                f"embedding model {name!r} is not set up in {path.parent}; run 'rag setup'"
            )
        return str(path)
    return name


def resolve_llm_path(settings: Settings) -> Path:
    name = settings.llm_model
    path = builtin_path(settings, BUILTIN_LLM[name]) if name in BUILTIN_LLM else Path(name).expanduser()
    if not path.is_file():
        fix = "run 'rag setup'" if name in BUILTIN_LLM else "set RAG_LLM_MODEL to an existing .gguf file"
        raise ModelMissingError(f"LLM model file {path} not found; {fix}")
    return path
