"""load_corpus: a folder of .txt / .md files -> cleaned `Document`s, plus what was skipped and why."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, ConfigDict

from rag.corpus.clean import clean_text
from rag.corpus.metadata import find_date, find_title
from rag.errors import CorpusError
from rag.text.language import detect_language
from rag.types import Document

SUFFIXES = (".txt", ".md")
LANGUAGE_SAMPLE = 3000  # characters given to language identification
_ID_UNSAFE = re.compile(r"[^\w.\-/]+")


class SkippedFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str  # relative to the corpus root, posix separators
    reason: str  # names the file's problem and the fix


class CorpusLoad(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    documents: tuple[Document, ...]
    skipped: tuple[SkippedFile, ...] = ()


def read_raw(path: Path) -> str:
    """A file's raw text exactly as offsets (segments, gold quotes) refer to it: UTF-8 with
    universal newlines, the same as `Path.read_text(encoding="utf-8")`."""
    return _decode(path.read_bytes())


def _decode(data: bytes) -> str:
    text = data.decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def corpus_files(folder: Path) -> list[Path]:
    """Every .txt / .md file under `folder`, recursively, sorted by relative path; hidden files
    and folders (".rag", ".git") are left out."""
    if not folder.exists():
        raise CorpusError(
            f"corpus folder {folder} does not exist: create it and put .txt or .md files in it, "
            "or point RAG_CORPUS_DIR / --corpus at your documents"
        )
    if not folder.is_dir():
        raise CorpusError(f"corpus path {folder} is a file, not a folder: point RAG_CORPUS_DIR at its folder")
    found = [
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def load_corpus(folder: Path, *, strict: bool = False) -> CorpusLoad:
    """Load and clean every usable file. Unusable files (not UTF-8, empty, unreadable) are
    skipped with a reason, or raise CorpusError when `strict`."""
    files = corpus_files(folder)
    relative = [p.relative_to(folder).as_posix() for p in files]
    ids = document_ids(relative)
    documents: list[Document] = []
    skipped: list[SkippedFile] = []
    for path, rel in zip(files, relative, strict=True):
        try:
            documents.append(_load_one(path, rel, ids[rel]))
        except CorpusError as exc:
            if strict:
                raise
            skipped.append(SkippedFile(path=rel, reason=str(exc)))
    if not documents:
        detail = "; ".join(f"{s.path}: {s.reason}" for s in skipped) or "no .txt or .md files found"
        raise CorpusError(
            f"corpus folder {folder} has no usable documents ({detail}): add UTF-8 .txt or .md files"
        )
    return CorpusLoad(documents=tuple(documents), skipped=tuple(skipped))


def document_ids(relative_paths: list[str]) -> dict[str, str]:
    """Stable ids from relative paths: the path without its suffix ("001_x", "notes/a"), with the
    suffix kept only where two files would otherwise share an id ("a.txt" and "a.md")."""
    stems = [str(PurePosixPath(p).with_suffix("")) for p in relative_paths]
    counts = Counter(stems)
    return {
        path: _ID_UNSAFE.sub("_", stem if counts[stem] == 1 else path)
        for path, stem in zip(relative_paths, stems, strict=True)
    }


def _load_one(path: Path, rel: str, doc_id: str) -> Document:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{rel} cannot be read ({exc.strerror or exc}): check its permissions") from exc
    try:
        raw = _decode(data)
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{rel} is not valid UTF-8 (byte {data[exc.start]:#04x} at offset {exc.start}): "
            "re-save it as UTF-8 or remove it from the corpus folder"
        ) from exc
    if not raw.strip():
        raise CorpusError(f"{rel} is empty: add text to it or remove it from the corpus folder")
    cleaned = clean_text(raw)
    if not cleaned.text:
        raise CorpusError(f"{rel} has no text left after cleaning (only boilerplate): remove it")
    return Document(
        id=doc_id,
        path=rel,
        title=find_title(cleaned.text, raw, markdown=path.suffix.lower() == ".md", fallback=path.stem),
        date=find_date(cleaned.text, cleaned.date_marker),
        language=detect_language(cleaned.text[:LANGUAGE_SAMPLE]),
        content_hash=hashlib.sha256(data).hexdigest(),
        text=cleaned.text,
        segments=cleaned.segments,
        regions=cleaned.regions,
    )
