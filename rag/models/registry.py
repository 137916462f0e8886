"""Where the built-in models live once `rag setup` has assembled them, and how a setting resolves.

A model setting is either a built-in name (assembled under `settings.models_dir`), or something
the user brings: a folder / sentence-transformers name for embeddings, a .gguf path for the LLM.
"""

from __future__ import annotations

from pathlib import Path

from rag.config import DEFAULT_EMBED_MODEL, DEFAULT_LLM_MODEL, Settings
from rag.errors import ModelMissingError
from rag.models.files import read_marker

# Built-in name -> file or folder name under models_dir.
BUILTIN_EMBED = {DEFAULT_EMBED_MODEL: "embeddinggemma-300m"}
BUILTIN_LLM = {DEFAULT_LLM_MODEL: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"}
GGUF_MAGIC = b"GGUF"  # the first four bytes of every GGUF file


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
    """The .gguf file to load, after cheap checks: it exists, has the size `rag setup` recorded
    (built-in models) and starts like a GGUF file. A full checksum is `rag setup --verify`."""
    name = settings.llm_model
    builtin = name in BUILTIN_LLM
    path = builtin_path(settings, BUILTIN_LLM[name]) if builtin else Path(name).expanduser()
    if not path.is_file():
        fix = "run 'rag setup'" if builtin else "set RAG_LLM_MODEL to an existing .gguf file"
        raise ModelMissingError(f"LLM model file {path} not found; {fix}")
    marker = read_marker(path) if builtin else None
    size = path.stat().st_size
    if marker is not None and size != marker.size:
        raise ModelMissingError(
            f"LLM model file {path} is incomplete ({size:,} of {marker.size:,} bytes); "
            "run 'rag setup' to assemble it again"
        )
    with path.open("rb") as handle:
        if handle.read(len(GGUF_MAGIC)) != GGUF_MAGIC:
            raise ModelMissingError(f"{path} does not start with 'GGUF'; {damaged_llm_fix(settings)}")
    return path


def damaged_llm_fix(settings: Settings) -> str:
    """What to do about a model file llama.cpp cannot read. `rag setup` cannot repair the
    user's own file, so they are sent to the setting; a built-in one is re-checked and rebuilt."""
    if settings.llm_model in BUILTIN_LLM:
        return "the file is damaged: run 'rag setup --verify' (it removes a damaged model), then 'rag setup'"
    return (
        f"it is not a valid GGUF model file: check the path in RAG_LLM_MODEL (now {settings.llm_model}), "
        "or unset it to use the built-in model"
    )
