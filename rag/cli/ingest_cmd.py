"""`rag ingest` builds or updates the index; `rag inspect CHUNK_ID` shows one chunk in its document."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, get_args

import typer
from rich.markup import escape

from rag.cli.common import console, err_console, friendly_errors, load_settings
from rag.config import EmbedderName, Settings
from rag.errors import ConfigError

if TYPE_CHECKING:  # imported lazily at run time: `rag --help` stays fast
    from rag.index.ingest import IngestResult

EMBEDDERS = get_args(EmbedderName)


def _print_ingest(result: IngestResult) -> None:
    from rag.corpus import documents_table

    for skipped in result.load.skipped:
        label = "[yellow]warning:[/] skipped" if skipped.problem else "note: left out"
        err_console.print(f"{label} {escape(skipped.reason)}")
    console.print(documents_table(result.load, list(result.chunks)))
    if not result.load.documents:
        removed = f" (removed {', '.join(result.changes.removed)})" if result.changes.removed else ""
        console.print(
            f"the index in {escape(str(result.index_dir))} is empty{escape(removed)}: the corpus folder "
            "has no documents left; add some and run 'rag ingest' again"
        )
        return
    if result.up_to_date:
        console.print(
            f"index up to date: {len(result.load.documents)} documents, {len(result.chunks)} chunks "
            f"in {result.index_dir} ({result.seconds:.1f} s)"
        )
        return
    embedded, reused = (result.stats.embedded, result.stats.reused) if result.stats else (0, 0)
    console.print(
        f"indexed {len(result.load.documents)} documents, {len(result.chunks)} chunks "
        f"({embedded} embedded, {reused} reused from cache) into {result.index_dir} "
        f"in {result.seconds:.1f} s"
    )


def _watch(settings: Settings, interval: float | None, *, rebuild: bool) -> None:
    """Print one line per change set until Ctrl-C; saves are atomic, so stopping is always safe."""
    from rag.index.ingest import ingest_corpus
    from rag.index.watch import DEFAULT_INTERVAL, watch_corpus

    interval = interval or DEFAULT_INTERVAL
    try:
        if rebuild:
            _print_ingest(ingest_corpus(settings, rebuild=True, progress=True))
        console.print(
            f"watching {escape(str(settings.corpus_dir.absolute()))} every {interval:g} s (Ctrl-C stops)"
        )
        watch_corpus(settings, interval=interval, progress=True, report=_print_line)
    except KeyboardInterrupt:
        console.print("stopped watching; the index is as last saved")


def _ingest_on_ray(settings: Settings, address: str, *, rebuild: bool, watch: bool) -> None:
    from rag.index.ray_ingest import ingest_on_ray

    if watch:
        raise ConfigError("--watch and --ray do not go together: run 'rag ingest --ray' again after changes")
    _print_ingest(ingest_on_ray(settings, address, rebuild=rebuild, progress=True))


def _print_line(line: str) -> None:
    stamp = time.strftime("%H:%M:%S")
    style = "[bold red]" if line.startswith("error:") else ""
    console.print(f"{stamp} {style}{escape(line)}{'[/]' if style else ''}", highlight=False, soft_wrap=True)


def _suggest(index_chunk_ids: list[str], wanted: str) -> str:
    prefix = wanted.split(":", 1)[0]
    close = [chunk_id for chunk_id in index_chunk_ids if chunk_id.startswith(prefix)][:5]
    hint = f" Chunks of {prefix!r}: {', '.join(close)}." if close else ""
    return f"no chunk {wanted!r} in the index.{hint} Find chunk ids with 'rag search QUESTION'."


def register(app: typer.Typer) -> None:
    @app.command()
    @friendly_errors
    def ingest(
        corpus: Annotated[
            Path | None,
            typer.Option(
                "--corpus",
                help="Folder of documents: .txt .md .pdf .docx .odt .html .epub (default: settings).",
            ),
        ] = None,
        rebuild: Annotated[
            bool, typer.Option("--rebuild", help="Rebuild even if nothing changed (cached vectors reused).")
        ] = False,
        embedder: Annotated[
            str | None, typer.Option("--embedder", help=f"Embedding backend: {', '.join(EMBEDDERS)}.")
        ] = None,
        strict: Annotated[
            bool,
            typer.Option(
                "--strict", help="Fail on a file that cannot be indexed instead of skipping it (a warning)."
            ),
        ] = False,
        watch: Annotated[
            bool,
            typer.Option(
                "--watch",
                help="Keep running: index every change to the corpus folder once the files stop "
                "changing (a running chat picks the new index up). Ctrl-C stops.",
            ),
        ] = False,
        interval: Annotated[
            float | None,
            typer.Option(
                "--interval", min=0.2, help="With --watch: seconds between looks at the folder (default 2)."
            ),
        ] = None,
        ray: Annotated[
            str | None,
            typer.Option(
                "--ray",
                metavar="auto|ADDRESS",
                help="Read, chunk and embed on Ray and save the index in shards: 'auto' starts a local "
                "Ray (RAG_RAY_CPUS CPUs, default 2), HOST:6379 or ray://HOST:10001 uses a cluster. "
                "Needs pip install 'rag-nl\\[scale]'.",
            ),
        ] = None,
        shards: Annotated[
            int | None,
            typer.Option(
                "--shards", min=1, help="With --ray: the number of index shards (default: by size)."
            ),
        ] = None,
    ) -> None:
        """Index the corpus folder. Only new or changed text is embedded; unchanged corpora are skipped."""
        from rag.index.ingest import ingest_corpus

        if embedder is not None and embedder not in EMBEDDERS:
            raise ConfigError(
                f"unknown embedder {embedder!r}; use --embedder with one of {', '.join(EMBEDDERS)}"
            )
        settings = load_settings(
            corpus_dir=corpus, embedder=embedder, strict_corpus=strict or None, shard_count=shards
        )
        if ray is not None:
            _ingest_on_ray(settings, ray, rebuild=rebuild, watch=watch)
            return
        if shards is not None:
            raise ConfigError("--shards applies to 'rag ingest --ray' only; add --ray auto (or an address)")
        if watch:
            _watch(settings, interval, rebuild=rebuild)
            return
        _print_ingest(ingest_corpus(settings, rebuild=rebuild, progress=True))

    @app.command()
    @friendly_errors
    def inspect(
        chunk_id: Annotated[str, typer.Argument(help="A chunk id as shown by 'rag search', e.g. doc:0003.")],
    ) -> None:
        """Show one chunk in the context of its document, with its offsets and neighbours."""
        from rag.corpus import chunk_in_context
        from rag.index.store import load_index

        index = load_index(load_settings(), None)
        chunk = index.get_chunk(chunk_id)
        document = index.get_document(chunk.doc_id) if chunk else None
        if chunk is None or document is None:
            err_console.print(
                f"[bold red]error:[/] {escape(_suggest([c.id for c in index.chunks], chunk_id))}"
            )
            raise typer.Exit(1)
        siblings = [c.id for c in index.chunks_of(chunk.doc_id)]
        position = siblings.index(chunk.id)
        console.print(
            f"[bold]{escape(chunk.id)}[/] · {escape(document.title)} · {document.date or 'no date'} · "
            f"{chunk.kind} · chars {chunk.start}-{chunk.end} · {chunk.n_tokens} tokens · "
            f"chunk {position + 1} of {len(siblings)} · {escape(document.path)}"
        )
        console.print(chunk_in_context(document, chunk))
