"""Crash-safe, verified files for an index folder.

Layout of an index folder:
    CURRENT              the name of the live generation; replaced atomically (os.replace)
    gen-<stamp>-<id>/    one complete index: its files plus checksums.json (sha256 of each)

A save writes a new generation into a temporary folder, fsyncs every file, renames the folder
and only then points CURRENT at it. A crash at any moment leaves CURRENT naming a complete
generation. The previous generation is kept, so a reader that picked it a moment before the
switch can still finish; older ones and leftovers of crashed saves are pruned at the next save.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from rag.errors import ConfigError, IndexCorruptError, IndexMissingError
from rag.files import sha256_file

CURRENT = "CURRENT"
CHECKSUMS = "checksums.json"
_REBUILD = "run 'rag ingest --rebuild'"

Writer = Callable[[Path], object]


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _save_lock(directory: Path) -> Iterator[None]:
    """One writer at a time per index folder (a second `rag ingest` waits)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no cross-process lock, saves are still atomic
        yield
        return
    with (directory / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_generation(folder: Path, writers: Mapping[str, Writer]) -> None:
    for name, write in writers.items():
        write(folder / name)
    checksums = {name: sha256_file(folder / name) for name in writers}
    (folder / CHECKSUMS).write_text(json.dumps(checksums, indent=2), encoding="utf-8")
    for path in folder.iterdir():
        _fsync(path)
    _fsync(folder)


def _point_current(directory: Path, generation: str) -> None:
    pointer = directory / f"{CURRENT}.tmp"
    with pointer.open("w", encoding="utf-8") as handle:
        handle.write(generation + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pointer, directory / CURRENT)
    _fsync(directory)


def _prune(directory: Path, keep: set[str]) -> None:
    for entry in directory.iterdir():
        if entry.is_dir() and entry.name.startswith(("gen-", "tmp-")) and entry.name not in keep:
            shutil.rmtree(entry, ignore_errors=True)


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a parent folder that cannot be searched: check that parent instead
        return False


def check_writable(directory: Path, fix: str) -> None:
    """ConfigError (naming the folder and `fix`) unless `directory` is a folder that can be
    written, or can be created in one; checked before long work whose result it will hold."""
    target = directory.absolute()
    existing = target
    while not _exists(existing) and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise ConfigError(f"cannot write to {target}: {existing} is a file, not a folder; {fix}")
    if not os.access(existing, os.W_OK | os.X_OK):
        inside = "" if existing == target else f" (it would be created in {existing})"
        raise ConfigError(f"cannot write to {target}: the folder is read-only{inside}; {fix}")


def save_files(directory: Path, writers: Mapping[str, Writer]) -> Path:
    """Write one new generation with `writers` (file name -> write function) and switch to it."""
    directory.mkdir(parents=True, exist_ok=True)
    with _save_lock(directory):
        previous = live_generation(directory)
        generation = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}"
        staging = directory / f"tmp-{generation}"
        staging.mkdir()
        try:
            _write_generation(staging, writers)
            staging.rename(directory / generation)
            _fsync(directory)
            _point_current(directory, generation)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _prune(directory, keep={generation, previous or generation})
    return directory / generation


def _current_name(directory: Path) -> str | None:
    try:
        return (directory / CURRENT).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexCorruptError(f"cannot read {directory / CURRENT} ({exc}); {_REBUILD}") from exc


def live_generation(directory: Path) -> str | None:
    """The name of the live generation, or None when there is none or it cannot be read: a cheap
    check (one small file) of whether the index changed since it was loaded. A save keeps it as
    the previous generation; an unreadable CURRENT is about to be replaced, so it must not stop
    the save that `rag ingest --rebuild` was asked to make."""
    try:
        return _current_name(directory)
    except IndexCorruptError:
        return None


def _missing_message(directory: Path) -> str:
    """Names the absolute folder: a relative data folder (the default '.rag') is looked up from
    the current folder, so a script run elsewhere looks in the wrong place."""
    relative = "" if directory.is_absolute() else f" ('{directory}' is relative to the current folder)"
    return (
        f"no index in {directory.absolute()}{relative}; run 'rag ingest' there, or point to the data "
        "folder that holds the index with RAG_DATA_DIR=/path/to/.rag or Settings(data_dir=...)"
    )


def current_generation(directory: Path, required: tuple[str, ...]) -> Path:
    """The live generation folder, after checking every required file against its checksum."""
    name = _current_name(directory)
    if name is None:
        raise IndexMissingError(_missing_message(directory))
    folder = directory / name
    if "/" in name or "\\" in name or not folder.is_dir():
        raise IndexCorruptError(f"{directory / CURRENT} names a missing index folder {name!r}; {_REBUILD}")
    checksums = read_json(folder / CHECKSUMS)
    if not isinstance(checksums, dict):
        raise IndexCorruptError(f"{folder / CHECKSUMS} is not a JSON object; {_REBUILD}")
    for file_name in required:
        verify_file(folder / file_name, checksums.get(file_name))
    return folder


def optional_file(folder: Path, name: str) -> Path | None:
    """A file a generation may hold (one saved by an older version may not), checksum verified."""
    checksums = read_json(folder / CHECKSUMS)
    if not isinstance(checksums, dict) or name not in checksums:
        return None
    verify_file(folder / name, checksums[name])
    return folder / name


def verify_file(path: Path, expected: object) -> None:
    if not isinstance(expected, str):
        raise IndexCorruptError(f"no checksum recorded for {path.name} in {path.parent}; {_REBUILD}")
    try:
        actual = sha256_file(path)
    except OSError as exc:
        raise IndexCorruptError(f"cannot read {path} ({exc}); {_REBUILD}") from exc
    if actual != expected:
        raise IndexCorruptError(f"{path} is damaged (checksum mismatch); {_REBUILD}")


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(f"cannot read {path} ({exc}); {_REBUILD}") from exc
