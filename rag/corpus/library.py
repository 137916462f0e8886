"""The corpus folder as a library people add files to and remove them from (the web chat's
Documents tab): uploads stored under safe names, never over another file, and removals moved to a
trash folder so nothing is lost.

A name from a browser is untrusted: only its last path part is kept, Unicode is normalised (NFC),
control, format (zero-width, bidirectional overrides) and Windows-reserved characters are dropped,
and a leading dot is removed (the loader leaves hidden files out). Files are written under a
hidden temporary name and linked into place, so the indexer never reads half a file and an
existing file is never replaced.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
import uuid
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Literal

from rag.corpus.load import MAX_FILE_MB, corpus_files
from rag.corpus.readers import SUFFIXES, reader_for
from rag.errors import CorpusError
from rag.files import sha256_file
from rag.types import Frozen

MAX_NAME_BYTES = 200  # well under the 255 bytes of common file systems, leaving room for " (99)"
_RESERVED = re.compile(r'[<>:"|?*\\/]')  # not allowed in Windows names; "/" and "\" split paths
_SPACES = re.compile(r"\s+")
_WINDOWS_DEVICES = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}

AddOutcome = Literal["added", "renamed", "duplicate", "refused"]


class AddResult(Frozen):
    """What happened to one uploaded file; `message` is the one line shown to the person."""

    outcome: AddOutcome
    name: str  # the name as uploaded
    stored: str | None = None  # path relative to the corpus folder, when stored or already there
    message: str


def safe_name(name: str) -> str:
    """A plain file name from an untrusted one: the last path part, NFC, no control or format
    characters, no leading dots or trailing dots/spaces, at most MAX_NAME_BYTES in UTF-8."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/")).split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")  # Cc, Cf, Cs, Co, Cn
    name = _SPACES.sub(" ", _RESERVED.sub("_", name)).strip().lstrip(".").rstrip(". ").strip()
    stem, suffix = _split(name)
    if not stem or stem.lower() in _WINDOWS_DEVICES:
        stem = f"document{'-' + stem if stem else ''}"
    while len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem.rstrip(". ") + suffix


def _split(name: str) -> tuple[str, str]:
    suffix = PurePosixPath(name).suffix
    if not suffix or len(suffix) > 16 or " " in suffix:
        return name, ""
    return name[: -len(suffix)], suffix


def _same_content(folder: Path, size: int, digest: str) -> str | None:
    """The corpus file (relative path) with exactly these bytes, if any; sizes are compared first
    so only files of the same size are hashed."""
    files, _ = corpus_files(folder)
    for path in files:
        try:
            if path.stat().st_size == size and sha256_file(path) == digest:
                return path.relative_to(folder).as_posix()
        except OSError:
            continue
    return None


def _refusal(name: str, source: Path) -> str | None:
    if reader_for(Path(name)) is None:
        return (
            f"{name}: not added, the format {PurePosixPath(name).suffix or '(no suffix)'} is not "
            f"supported; supported are {', '.join(SUFFIXES)}"
        )
    size = source.stat().st_size
    if size > MAX_FILE_MB * 1024 * 1024:
        return (
            f"{name}: not added, it is too large ({size / 1024 / 1024:.0f} MB, the limit is "
            f"{MAX_FILE_MB} MB); split it into smaller files"
        )
    if size == 0:
        return f"{name}: not added, it is empty (0 bytes)"
    return None


def add_file(folder: Path, name: str, source: Path) -> AddResult:
    """Copy the uploaded `source` into the corpus `folder` as `name` (made safe). Identical bytes
    already in the folder are not copied again; a different file with the same name is kept and
    the new one gets a numbered name ("report (2).pdf")."""
    if not folder.is_dir():
        raise CorpusError(f"corpus folder {folder} does not exist: create it or set RAG_CORPUS_DIR")
    clean = safe_name(name)
    refused = _refusal(clean, source)
    if refused is not None:
        return AddResult(outcome="refused", name=name, message=refused)
    digest = sha256_file(source)
    existing = _same_content(folder, source.stat().st_size, digest)
    if existing is not None:
        return AddResult(
            outcome="duplicate", name=name, stored=existing,
            message=f"{name}: already in the corpus as {existing} (same content); not added again",
        )  # fmt: skip
    stored = _store(folder, clean, source)
    if stored == clean:
        return AddResult(outcome="added", name=name, stored=stored, message=f"{name}: added as {stored}")
    return AddResult(
        outcome="renamed", name=name, stored=stored,
        message=f"{name}: added as {stored} (another file is already called {clean})",
    )  # fmt: skip


def _store(folder: Path, name: str, source: Path) -> str:
    """Copy under a hidden temporary name, then link it to the first free numbered name: a link
    fails rather than replace a file, so a name taken meanwhile is never overwritten."""
    stem, suffix = _split(name)
    temporary = folder / f".upload-{uuid.uuid4().hex}{suffix}"
    try:
        shutil.copyfile(source, temporary)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise CorpusError(
            f"cannot write into the corpus folder {folder} ({exc.strerror or exc}): make it writable "
            "(chmod u+w) and free some disk space, or point RAG_CORPUS_DIR at a writable folder"
        ) from exc
    try:
        for number in range(1, 10_000):
            candidate = name if number == 1 else f"{stem} ({number}){suffix}"
            try:
                _place(temporary, folder / candidate)
            except FileExistsError:
                continue
            return candidate
        raise CorpusError(f"{folder} holds too many files named like {name}: rename some of them")
    finally:
        temporary.unlink(missing_ok=True)


def _place(temporary: Path, target: Path) -> None:
    """Put `temporary` at `target`, failing with FileExistsError if `target` exists."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: claim the name first, then fill it
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        os.replace(temporary, target)


def remove_file(folder: Path, trash: Path, relative: str) -> str:
    """Move a corpus file (path relative to `folder`) into `trash`, in a folder named by the time,
    and return a line saying where it went (move it back to restore it)."""
    root = folder.resolve()
    path = (folder / relative).resolve()
    if not path.is_relative_to(root) or path == root or not path.is_file():
        raise CorpusError(f"{relative} is not a file in the corpus folder {folder}; refresh the list")
    target = trash / datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f") / path.relative_to(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(path, target)
    return f"{relative} moved to {target}; move it back into {folder} to restore it"
