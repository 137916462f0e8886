"""load_corpus: a folder of documents -> cleaned `Document`s, plus what was skipped and why.

Formats: see rag.corpus.readers (plain text and Markdown in any common encoding, PDF with OCR for
scans, .docx, .odt, HTML and saved web pages, EPUB). A file that cannot be used (encrypted,
corrupt, empty, over MAX_FILE_MB, an unsupported format) is skipped with one line saying why, and
the rest of the folder is still loaded; `strict=True` turns such a skip into a CorpusError.

The folder is a boundary: links are not followed out of it (a file link whose target lies outside
the folder is skipped, a folder link is never entered). Hidden files and folders (a name starting
with ".", like .git or .rag) are left out with a line saying so, as are the asset folders of saved
web pages ("page_files/" beside "page.html"); these are not problems, so `strict` allows them.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, ConfigDict

from rag.corpus.cache import ExtractionCache
from rag.corpus.clean import clean_text
from rag.corpus.metadata import find_date, find_title
from rag.corpus.pages import page_runs
from rag.corpus.readers import MARKDOWN, SUFFIXES, Extracted, ReaderError, read_document, reader_for
from rag.corpus.sections import document_headings
from rag.errors import CorpusError
from rag.text.language import detect_language
from rag.types import Document

MAX_FILE_MB = 50  # larger files are skipped: a corpus document this big is almost always a mistake
LANGUAGE_SAMPLE = 3000  # characters given to language identification
_ID_UNSAFE = re.compile(r"[^\w.\-/]+")
_WEB_PAGE = (".html", ".htm", ".xhtml")

__all__ = [
    "MAX_FILE_MB",
    "SUFFIXES",
    "CorpusLoad",
    "SkippedFile",
    "corpus_files",
    "document_ids",
    "load_corpus",
    "load_file",
    "read_raw",
]


class SkippedFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str  # relative to the corpus root, posix separators
    reason: str  # names the file's problem and the fix
    problem: bool = True  # False for files left out on purpose (hidden, a saved page's assets)


class CorpusLoad(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    documents: tuple[Document, ...]
    skipped: tuple[SkippedFile, ...] = ()


def read_raw(path: Path) -> str:
    """A file's raw text exactly as offsets (segments, gold quotes) refer to it: the text its
    reader extracts (for .txt/.md the decoded file with universal newlines)."""
    return read_document(path, path.read_bytes()).text


def corpus_files(folder: Path) -> tuple[list[Path], list[SkippedFile]]:
    """The candidate files under `folder` (sorted by relative path), and what was left out."""
    _check_folder(folder)
    root = folder.resolve()
    files: list[Path] = []
    left_out: list[SkippedFile] = []
    for current, dirs, names in os.walk(folder, followlinks=False):
        here = Path(current)
        for name in sorted(dirs):
            reason = _folder_left_out(here, name, names)
            if reason is not None:
                dirs.remove(name)
                left_out.append(_skip(folder, here / name, reason, problem=False))
        for name in names:
            path = here / name
            reason = _file_left_out(path, root)
            if reason is None:
                files.append(path)
            else:
                left_out.append(_skip(folder, path, reason, problem=not name.startswith(".")))
    files.sort(key=lambda p: p.relative_to(folder).as_posix())
    return files, sorted(left_out, key=lambda s: s.path)


def _check_folder(folder: Path) -> None:
    if not folder.exists():
        raise CorpusError(
            f"corpus folder {folder} does not exist: create it and put your documents in it, "
            "or point RAG_CORPUS_DIR / --corpus at your documents"
        )
    if not folder.is_dir():
        raise CorpusError(f"corpus path {folder} is a file, not a folder: point RAG_CORPUS_DIR at its folder")


def _folder_left_out(here: Path, name: str, sibling_files: list[str]) -> str | None:
    if name.startswith("."):
        return "is a hidden folder (its name starts with '.'): its files are not indexed"
    if (here / name).is_symlink():
        return "is a link to a folder: links are not followed; move or copy the folder in instead"
    if name.endswith("_files") and any(name[: -len("_files")] + s in sibling_files for s in _WEB_PAGE):
        return "holds the images and scripts of a saved web page: not indexed (the page itself is)"
    return None


def _file_left_out(path: Path, root: Path) -> str | None:
    if path.name.startswith("."):
        return "is a hidden file (its name starts with '.'): not indexed; rename it to index it"
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(root):
            return f"is a link to {target}, outside the corpus folder: not followed; copy the file in instead"
    if not path.is_file():
        return "is not a regular file (a broken link, a pipe or a device): remove it"
    if reader_for(path) is None:
        return (
            f"has an unsupported format ({path.suffix or 'no suffix'}): supported are "
            f"{', '.join(SUFFIXES)}; convert it or move it out of the corpus folder"
        )
    return None


def _skip(folder: Path, path: Path, reason: str, *, problem: bool) -> SkippedFile:
    rel = path.relative_to(folder).as_posix()
    return SkippedFile(path=rel, reason=f"{rel} {reason}", problem=problem)


def load_corpus(
    folder: Path, *, strict: bool = False, cache: ExtractionCache | None = None, allow_empty: bool = False
) -> CorpusLoad:
    """Load and clean every usable file. Unusable files are skipped with a reason, or raise
    CorpusError when `strict`. With a `cache`, a file whose bytes were read before is not read
    again (flush the cache to keep what was read now). A folder without a usable document is a
    CorpusError unless `allow_empty` (an index whose documents were all removed becomes empty)."""
    files, skipped = corpus_files(folder)
    problems = [s for s in skipped if s.problem]
    if strict and problems:
        raise CorpusError(f"{problems[0].reason} (strict mode: fix or remove it)")
    relative = [p.relative_to(folder).as_posix() for p in files]
    ids = document_ids(relative)
    documents: list[Document] = []
    for path, rel in zip(files, relative, strict=True):
        try:
            documents.append(load_file(path, rel, ids[rel], cache))
        except CorpusError as exc:
            if strict:
                raise
            skipped.append(SkippedFile(path=rel, reason=str(exc)))
    if not documents and not allow_empty:
        detail = "; ".join(s.reason for s in skipped) or "no documents found"
        raise CorpusError(
            f"corpus folder {folder} has no usable documents ({detail}): add documents "
            f"({', '.join(SUFFIXES)})"
        )
    return CorpusLoad(documents=tuple(documents), skipped=tuple(sorted(skipped, key=lambda s: s.path)))


def document_ids(relative_paths: list[str]) -> dict[str, str]:
    """Stable ids from relative paths: the path without its suffix ("001_x", "notes/a"), with the
    suffix kept only where two files would otherwise share an id ("a.txt" and "a.md")."""
    stems = [str(PurePosixPath(p).with_suffix("")) for p in relative_paths]
    counts = Counter(stems)
    return {
        path: _ID_UNSAFE.sub("_", stem if counts[stem] == 1 else path)
        for path, stem in zip(relative_paths, stems, strict=True)
    }


def _read_bytes(path: Path, rel: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_MB * 1024 * 1024:
            raise CorpusError(
                f"{rel} is too large ({size / 1024 / 1024:.0f} MB, the limit is {MAX_FILE_MB} MB): "
                "split it into smaller files"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{rel} cannot be read ({exc.strerror or exc}): check its permissions") from exc
    if not data:
        raise CorpusError(f"{rel} is empty (0 bytes): add text to it or remove it from the corpus folder")
    return data


def _extract(path: Path, rel: str, data: bytes) -> Extracted:
    try:
        return read_document(path, data)
    except ReaderError as exc:
        raise CorpusError(f"{rel} {exc}") from exc
    except Exception as exc:  # a library failing on one odd file must not stop the whole folder
        raise CorpusError(
            f"{rel} could not be read ({type(exc).__name__}: {exc}): re-save it or remove it"
        ) from exc


def load_file(path: Path, rel: str, doc_id: str, cache: ExtractionCache | None = None) -> Document:
    """One corpus file as load_corpus reads it (`rel` its path in the corpus, `doc_id` from
    document_ids); CorpusError when it cannot be used. Workers of `rag ingest --ray` call it."""
    data = _read_bytes(path, rel)
    content_hash = hashlib.sha256(data).hexdigest()
    cached = cache.get(rel, doc_id, content_hash) if cache is not None else None
    if cached is not None:
        return cached
    document = _make_document(path, rel, doc_id, content_hash, _extract(path, rel, data))
    if cache is not None:
        cache.put(rel, doc_id, document)
    return document


def _make_document(path: Path, rel: str, doc_id: str, content_hash: str, extracted: Extracted) -> Document:
    raw = extracted.text
    if not raw.strip():
        raise CorpusError(f"{rel} is empty: add text to it or remove it from the corpus folder")
    cleaned = clean_text(raw)
    if not cleaned.text:
        raise CorpusError(f"{rel} has no text left after cleaning (only boilerplate): remove it")
    markdown = path.suffix.lower() in MARKDOWN
    heading = next((raw[s:e] for s, e, _ in extracted.headings), None)
    return Document(
        id=doc_id,
        path=rel,
        title=extracted.title
        or heading
        or find_title(cleaned.text, raw, markdown=markdown, fallback=path.stem),
        date=find_date(cleaned.text, cleaned.date_marker) or extracted.date,
        language=detect_language(cleaned.text[:LANGUAGE_SAMPLE]),
        content_hash=content_hash,
        text=cleaned.text,
        segments=cleaned.segments,
        regions=cleaned.regions,
        pages=page_runs(cleaned.segments, extracted.pages),
        headings=document_headings(cleaned.text, cleaned.segments, extracted.headings),
    )
