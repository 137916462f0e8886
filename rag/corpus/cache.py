"""ExtractionCache: a file's cleaned Document, kept so an unchanged file is never read again.

Reading is the slow part of loading a corpus: pdfminer's layout analysis takes a good part of a
second per page, OCR of a scan several seconds. An entry is keyed by everything the Document
depends on: the file's bytes (sha256), its path relative to the corpus and its document id (the
id and the fallback title come from them), and the version of the code that reads and cleans
(a digest of the rag/corpus and rag/text sources and of the reader libraries' versions), so an
edited cleaner or an upgraded pdfminer reads every file again.

One JSON file per entry under `<data folder>/extract-cache/`, written atomically (a temporary
file, then os.replace). The cache is only an accelerator: an entry that cannot be read or does
not match is read again and rewritten, and a failed write is logged, never a failed ingest.
New entries are kept in memory until `flush`, which writes them and removes the entries this
load did not use, so the folder holds one entry per file of the corpus as last loaded and never
grows without bound; the caller flushes once it knows the data folder is to be written (an
ingest that fails its writability check leaves no trace).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import logging
import os
import secrets
import time
from pathlib import Path

from pydantic import ValidationError

from rag.types import Document, Frozen

log = logging.getLogger(__name__)

_PACKAGE = Path(__file__).resolve().parent.parent  # rag/
# The code a Document depends on: readers and cleaning (rag/corpus), language detection and
# normalisation (rag/text), and the Document type itself.
_SOURCES = ("corpus", "text", "types.py")
_LIBRARIES = (
    "pdfminer.six", "pypdfium2", "python-docx", "odfpy", "trafilatura", "lxml",
    "charset-normalizer", "lingua-language-detector",
)  # fmt: skip
_SUFFIX = ".json"
_TEMPORARY_AGE_S = 3600  # a temporary file this old was left by a crash


@functools.cache
def extraction_version() -> str:
    """A digest of the reading and cleaning code and libraries: any change reads files again."""
    digest = hashlib.sha256()
    for name in _SOURCES:
        root = _PACKAGE / name
        files = sorted(root.rglob("*.py")) if root.is_dir() else [root]
        for path in files:
            digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    for package in _LIBRARIES:
        try:
            digest.update(f"{package}={importlib.metadata.version(package)}\n".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{package}=none\n".encode())
    return digest.hexdigest()[:16]


class _Entry(Frozen):
    version: str
    path: str
    doc_id: str
    content_hash: str
    document: Document


def entry_key(rel: str, doc_id: str, content_hash: str) -> str:
    return hashlib.sha256(f"{rel}\0{doc_id}\0{content_hash}".encode()).hexdigest()


class ExtractionCache:
    """Documents by (relative path, document id, sha256 of the bytes), for one code version."""

    def __init__(self, directory: Path, *, refresh: bool = False) -> None:
        self.directory = directory
        self.refresh = refresh  # read every file again (and replace its entry)
        self.version = extraction_version()
        self._used: set[str] = set()
        self._pending: dict[str, _Entry] = {}

    def _file(self, key: str) -> Path:
        return self.directory / (key + _SUFFIX)

    def get(self, rel: str, doc_id: str, content_hash: str) -> Document | None:
        """The cached Document, or None (missing, damaged, or made by other code)."""
        key = entry_key(rel, doc_id, content_hash)
        self._used.add(key)
        if self.refresh:
            return None
        try:
            entry = _Entry.model_validate_json(self._file(key).read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError, ValidationError) as exc:
            log.info("extraction cache entry for %s unreadable (%s); reading the file again", rel, exc)
            return None
        if (entry.version, entry.path, entry.doc_id, entry.content_hash) != (
            self.version, rel, doc_id, content_hash,
        ):  # fmt: skip
            return None
        return entry.document

    def put(self, rel: str, doc_id: str, document: Document) -> None:
        """Remember a Document just read; written by `flush`."""
        key = entry_key(rel, doc_id, document.content_hash)
        self._used.add(key)
        self._pending[key] = _Entry(
            version=self.version, path=rel, doc_id=doc_id, content_hash=document.content_hash,
            document=document,
        )  # fmt: skip

    def flush(self) -> None:
        """Write the new entries and prune the unused ones (see the module docstring)."""
        for key, entry in self._pending.items():
            self._write(key, entry)
        self._pending.clear()
        self.prune()

    def _write(self, key: str, entry: _Entry) -> None:
        target = self._file(key)
        temporary = target.with_name(f".{key}.{secrets.token_hex(4)}.tmp")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            temporary.write_text(entry.model_dump_json(), encoding="utf-8")
            os.replace(temporary, target)
        except OSError as exc:
            log.warning("could not write the extraction cache in %s (%s); continuing", self.directory, exc)
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)

    def prune(self) -> int:
        """Remove every entry not used since this cache was made (and temporary files left by a
        crash); returns how many. Call after loading the whole corpus."""
        removed = 0
        for path in self._entries():
            if path.name.endswith(".tmp"):
                keep = not _stale(path)  # another process may be writing it right now
            else:
                keep = path.name.removesuffix(_SUFFIX) in self._used
            if not keep:
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed += 1
        return removed

    def _entries(self) -> list[Path]:
        try:
            return [p for p in self.directory.iterdir() if p.is_file()]
        except OSError:
            return []


def _stale(path: Path) -> bool:
    try:
        return time.time() - path.stat().st_mtime > _TEMPORARY_AGE_S
    except OSError:
        return False
