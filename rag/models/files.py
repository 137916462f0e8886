"""File plumbing for model assembly: hashing with progress, markers, disk space, partial files."""

from __future__ import annotations

import errno
import functools
import hashlib
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from pydantic import BaseModel, ConfigDict, ValidationError
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from rag.errors import ModelSetupError
from rag.files import sha256_file

BLOCK = 4 * 1024 * 1024
GB = 1024**3


class FileEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    size: int
    sha256: str


class Marker(BaseModel):
    """Written next to a model only after its checksum matched: `<target>.verified`."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    sha256: str  # of the file, or of the zip the folder came from
    size: int
    files: dict[str, FileEntry] = {}  # folder models: every file kept, relative path -> entry


def make_progress(enabled: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        disable=not enabled,
    )


def copy_hashing(
    src: IO[bytes], dst: IO[bytes], digest: hashlib._Hash, progress: Progress, task: TaskID
) -> int:
    """Stream src into dst, feeding the digest and the progress bar; returns bytes copied."""
    copied = 0
    while block := src.read(BLOCK):
        dst.write(block)
        digest.update(block)
        copied += len(block)
        progress.advance(task, len(block))
    return copied


def sha256_progress(
    path: Path, progress: Progress, label: str | None = None, task: TaskID | None = None
) -> str:
    """Hash a file, advancing `task` (one bar for many files) or a new bar of its own."""
    if task is None:
        task = progress.add_task(label or f"hashing {path.name}", total=path.stat().st_size)
    return sha256_file(path, functools.partial(progress.advance, task))


def marker_path(target: Path) -> Path:
    return target.with_name(target.name + ".verified")


def read_marker(target: Path) -> Marker | None:
    path = marker_path(target)
    try:
        return Marker.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError):
        return None


def write_marker(target: Path, marker: Marker) -> None:
    path = marker_path(target)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(marker.model_dump_json(indent=1), encoding="utf-8")
    tmp.replace(path)


def remove(path: Path) -> None:
    """Remove a file or folder if present (partial results, consumed wheels)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def ensure_free_space(folder: Path, needed: int, what: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise ModelSetupError(
            f"not enough disk space for {what}: about {needed / GB:.1f} GB needed in {folder}, "
            f"{free / GB:.1f} GB free; free some space (or set RAG_HOME to a larger disk) and run "
            "'rag setup' again"
        )


@contextmanager
def partial(path: Path, needed: int) -> Iterator[Path]:
    """Yield a scratch path next to `path`; remove it on any failure, explain a full disk."""
    scratch = path.with_name(path.name + ".part")
    remove(scratch)
    try:
        yield scratch
    except OSError as exc:
        remove(scratch)
        if exc.errno == errno.ENOSPC:
            raise ModelSetupError(
                f"the disk filled up while writing {path.name}; about {needed / GB:.1f} GB is needed in "
                f"{path.parent}: free some space (or set RAG_HOME to a larger disk) and run 'rag setup' again"
            ) from None
        raise ModelSetupError(
            f"could not write {scratch}: {exc}; check permissions of {path.parent}"
        ) from exc
    except BaseException:
        remove(scratch)
        raise
