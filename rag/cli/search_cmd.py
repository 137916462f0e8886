"""`rag search`: the best chunks for a question, with each leg's rank and score (no generation)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from rag.cli.common import console, friendly_errors, load_settings
from rag.retrieval import MODES
from rag.types import Hit

SNIPPET_CHARS = 160


def _leg(rank: int | None, score: float | None) -> str:
    return "-" if rank is None or score is None else f"{rank} ({score:.3f})"


def _snippet(hit: Hit) -> str:
    text = " ".join(hit.chunk.text.split())
    return text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1] + "…"


def hits_table(hits: list[Hit], title: str) -> Table:
    table = Table(title=title, show_lines=True, title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("document")
    table.add_column("date")
    table.add_column("fused", justify="right")
    table.add_column("dense", justify="right")
    table.add_column("lexical", justify="right")
    table.add_column("passage", ratio=1)
    for hit in hits:
        table.add_row(
            str(hit.rank),
            f"{escape(hit.chunk.doc_title)}\n[dim]{escape(hit.chunk.id)}[/]",
            hit.chunk.doc_date or "-",
            f"{hit.score:.4f}",
            _leg(hit.dense_rank, hit.dense_score),
            _leg(hit.lexical_rank, hit.lexical_score),
            escape(_snippet(hit)),
        )
    return table


def register(app: typer.Typer) -> None:
    @app.command()
    @friendly_errors
    def search(
        question: Annotated[str, typer.Argument(help="The question, in Dutch or English.")],
        k: Annotated[int | None, typer.Option("--k", min=1, help="Number of hits.")] = None,
        mode: Annotated[str, typer.Option(help=f"Retrieval mode: {', '.join(MODES)}.")] = "hybrid",
        doc: Annotated[list[str] | None, typer.Option(help="Only this document id (repeatable).")] = None,
        date_from: Annotated[
            str | None, typer.Option(help="Only documents from this date (YYYY[-MM[-DD]]).")
        ] = None,
        date_to: Annotated[str | None, typer.Option(help="Only documents up to this date.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the hits as JSON lines.")] = False,
    ) -> None:
        """Show the passages retrieval finds for QUESTION, with each leg's rank and score."""
        from rag.embedders import create_embedder
        from rag.errors import ConfigError
        from rag.index.store import load_index
        from rag.retrieval import Retriever
        from rag.retrieval.question import check_question

        if mode not in MODES:
            raise ConfigError(f"unknown mode {mode!r}; use --mode with one of {', '.join(MODES)}")
        settings = load_settings(top_k=k)
        # Checked before any model or index loads; the normalised text is what gets searched.
        question = check_question(question, settings.max_question_chars)
        embedder = create_embedder(settings)
        retriever = Retriever.from_index(load_index(settings, embedder), embedder, settings)
        hits = retriever.search(
            question, mode=mode, doc_ids=doc or None, date_from=date_from, date_to=date_to
        )
        if as_json:
            for hit in hits:
                typer.echo(hit.model_dump_json())
            return
        if not hits:
            console.print("[yellow]No passages found.[/] Try other words, another --mode, or fewer filters.")
            return
        console.print(hits_table(hits, f"{mode} search: {escape(question)}"))
