"""watch_corpus: keep the index in sync with the corpus folder while it runs (`rag ingest --watch`).

It polls: every `interval` seconds it lists the corpus folder with each file's size and
modification time (cheap: no file is read). A change is indexed once the listing has stayed the
same for one interval, so a file still being copied or saved is not read half-written. Each
change set is one `ingest_corpus` (which reads, chunks and embeds only what changed; the model,
once loaded, stays loaded) and one line through `report`. A failure is reported as one line too,
and the watch goes on; the failed listing is retried only once something changes again.

Polling needs no extra dependency and works the same on every filesystem (network shares and
container mounts included, where change notifications often do not arrive); a listing of a
folder of a few thousand files costs milliseconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from rag.config import Settings
from rag.corpus.load import corpus_files
from rag.embedders import Embedder, create_embedder
from rag.errors import RagError
from rag.index.ingest import IngestResult, ingest_corpus

Listing = dict[str, tuple[int, int]]  # relative path -> (size, mtime in ns)
DEFAULT_INTERVAL = 2.0


def listing(folder: Path) -> Listing:
    """The corpus's candidate files with their size and modification time."""
    files, _ = corpus_files(folder)
    found: Listing = {}
    for path in files:
        try:
            stat = path.stat()
        except OSError:  # removed between the listing and now: the next poll sees it gone
            continue
        found[path.relative_to(folder).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return found


def watch_corpus(
    settings: Settings,
    *,
    report: Callable[[str], None],
    stop: threading.Event | None = None,
    interval: float = DEFAULT_INTERVAL,
    embedder: Embedder | None = None,
    progress: bool = False,
) -> None:
    """Bring the index up to date once the folder's listing has settled (one interval after
    the start), then after every settled change, until `stop` is set (or Ctrl-C).

    Saves are atomic (see persist.py), so stopping at any moment leaves the previous or the new
    index in place, never a half-written one."""
    stop = stop or threading.Event()
    embedder = embedder or create_embedder(settings)
    indexed: Listing | None = None  # the listing last indexed (or tried)
    previous: Listing | None = None  # the listing of the previous poll
    failure: str | None = None  # why the folder could not be listed, reported once
    while True:
        try:
            current: Listing | None = listing(settings.corpus_dir)
            failure = None
        except (RagError, OSError) as exc:
            if str(exc) != failure:
                report(f"error: {exc}")
            failure, current, indexed = str(exc), None, None
        if current is not None and current != indexed and current == previous:
            report(sync(settings, embedder, touched(indexed or {}, current), progress=progress))
            indexed = current
        previous = current
        if stop.wait(interval):
            return


def touched(before: Listing, after: Listing) -> set[str]:
    """Paths added, removed or modified between two listings."""
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def sync(settings: Settings, embedder: Embedder, paths: set[str], *, progress: bool = False) -> str:
    """One ingest, described in one line (an error too)."""
    started = time.perf_counter()
    try:
        result = ingest_corpus(settings, embedder=embedder, progress=progress)
    except RagError as exc:
        return f"error: {exc}"
    except Exception as exc:  # the watch must outlive one odd failure; it is reported, not hidden
        return f"error: {type(exc).__name__}: {exc}"
    return describe(result, paths, time.perf_counter() - started)


def describe(result: IngestResult, paths: set[str], seconds: float) -> str:
    """ "added a.pdf; removed b.txt: 12 chunks embedded, 230 chunks in 4 documents (3.1 s)", then
    "; skipped c.pdf is encrypted: ..." for each changed file that could not be indexed."""
    changes = result.changes
    verbs = {"added": changes.added, "changed": changes.changed, "removed": changes.removed}
    what = "; ".join(f"{verb} {', '.join(names)}" for verb, names in verbs.items() if names)
    if result.up_to_date:
        line = f"{what or 'no document changed'}: index up to date ({seconds:.1f} s)"
    else:
        embedded = result.stats.embedded if result.stats else 0
        line = (
            f"{what or 'index rebuilt'}: {_count(embedded, 'chunk')} embedded, "
            f"{_count(len(result.chunks), 'chunk')} in {_count(len(result.load.documents), 'document')} "
            f"({seconds:.1f} s)"
        )
    if not result.load.documents:
        line += "; the index is empty until documents are added"
    skipped = [skip.reason for skip in result.load.skipped if skip.problem and skip.path in paths]
    return "; ".join([line, *(f"skipped {reason}" for reason in skipped)])


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
