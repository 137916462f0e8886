"""rag/files.py: the one SHA-256 of a file, used by the corpus library (duplicate uploads), the
index (checksums of each saved file) and model assembly (with a progress bar)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from rich.progress import Progress

import rag.corpus.library
import rag.index.persist
from rag.files import BLOCK, sha256_file
from rag.models.files import sha256_progress


def test_the_hash_of_a_file_over_several_blocks_is_its_sha256(tmp_path: Path) -> None:
    data = bytes(range(256)) * (BLOCK // 256 * 2 + 3)  # two full blocks and a partial one
    path = tmp_path / "data.bin"
    path.write_bytes(data)
    sizes: list[int] = []
    assert sha256_file(path, sizes.append) == hashlib.sha256(data).hexdigest()
    assert sizes == [BLOCK, BLOCK, len(data) - 2 * BLOCK]


def test_an_empty_file_hashes_without_a_block(tmp_path: Path) -> None:
    (tmp_path / "leeg").write_bytes(b"")
    sizes: list[int] = []
    assert sha256_file(tmp_path / "leeg", sizes.append) == hashlib.sha256(b"").hexdigest() and sizes == []


def test_the_progress_bar_counts_every_byte(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    path.write_bytes(b"x" * (BLOCK + 10))
    with Progress(disable=True) as progress:
        digest = sha256_progress(path, progress, "verifying")
        [task] = progress.tasks
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest() and task.completed == BLOCK + 10


def test_the_library_and_the_index_use_the_one_function() -> None:
    assert rag.corpus.library.sha256_file is sha256_file
    assert rag.index.persist.sha256_file is sha256_file
