"""Rich renderables for `rag ingest` (the documents table) and `rag inspect` (a chunk in context)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from rag.corpus.load import CorpusLoad
from rag.types import Chunk, Document, page_label


def documents_table(load: CorpusLoad, chunks: Sequence[Chunk]) -> Table:
    """One row per document (title, date, language, chunks, characters), then skipped files."""
    per_doc = Counter(chunk.doc_id for chunk in chunks)
    table = Table(title=f"Corpus: {len(load.documents)} documents, {len(chunks)} chunks", show_lines=False)
    table.add_column("document", overflow="fold")
    table.add_column("title", overflow="fold")
    table.add_column("date")
    table.add_column("lang")
    table.add_column("chunks", justify="right")
    table.add_column("chars", justify="right")
    for doc in load.documents:
        table.add_row(
            doc.id, doc.title, doc.date or "—", doc.language, str(per_doc[doc.id]), f"{len(doc.text):,}"
        )
    for skipped in load.skipped:
        label, style = ("skipped", "yellow") if skipped.problem else ("left out", "dim")
        table.add_row(skipped.path, Text(f"{label}: {skipped.reason}", style=style), "", "", "0", "")
    return table


def chunk_in_context(doc: Document, chunk: Chunk, context_chars: int = 300) -> RenderableType:
    """The chunk highlighted inside up to `context_chars` of surrounding text on each side."""
    before_start = max(0, chunk.start - context_chars)
    after_end = min(len(doc.text), chunk.end + context_chars)
    body = Text()
    if before_start > 0:
        body.append("… ", style="dim")
    body.append(doc.text[before_start : chunk.start], style="dim")
    body.append(doc.text[chunk.start : chunk.end], style="bold reverse")
    body.append(doc.text[chunk.end : after_end], style="dim")
    if after_end < len(doc.text):
        body.append(" …", style="dim")
    header = Text.assemble(
        (chunk.id, "bold"),
        f"  kind={chunk.kind}  chars {chunk.start}-{chunk.end}  tokens={chunk.n_tokens}",
        f"  {page_label(chunk.pages)}" if chunk.pages else "",
        f"  {doc.title}" + (f" ({doc.date})" if doc.date else ""),
    )
    return Panel(Group(header, Text(""), body), title=doc.path, title_align="left")
