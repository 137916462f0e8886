"""`rag ask`: answer one question from the shell, streaming each sentence once it has passed its
check, then list the cited sources."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

import typer
from rich.markup import escape

from rag.cli.common import console, friendly_errors, load_settings
from rag.config import GeneratorName
from rag.errors import RagError
from rag.labels import citation_label, hit_label
from rag.types import Answer, Document, StreamDelta, StreamDone, StreamEvent


def print_answer_sources(answer: Answer, lookup: Callable[[str], Document | None]) -> None:
    """The sources by title, file, date and page/section (as the web chat's Sources panel names
    them); `lookup` finds a cited document in the index by id, for its file name."""
    if answer.refused:
        console.print(f"[dim]({escape(answer.refusal_reason or 'refused')})[/]")
        nearest = answer.hits[:3]
        if nearest:
            console.print("[bold]Nearest passages:[/]")
            for hit in nearest:
                label = hit_label(hit, lookup(hit.chunk.doc_id)).text()
                console.print(f"  - {escape(label)}: {escape(hit.chunk.text[:160])}…")
        return
    console.print("\n[bold]Sources[/]")
    for c in answer.citations:
        console.print(f"[bold cyan][{c.n}][/] {escape(citation_label(c, lookup(c.doc_id)).text())}")
        console.print(f"    “{escape(c.quote)}”")
    if answer.dropped_sentences:
        console.print(f"[yellow]{len(answer.dropped_sentences)} unsupported sentence(s) removed.[/]")
    if answer.left_out_chunk_ids:
        console.print(f"[yellow]Left out (context full): {', '.join(answer.left_out_chunk_ids)}[/]")
    t = answer.timings
    first = f"{t.first_token_s:.1f}s" if t.first_token_s is not None else "-"
    console.print(
        f"[dim]{answer.backend}/{answer.model} · retrieval {t.retrieve_s:.2f}s · first words {first} · "
        f"total {t.total_s:.1f}s · {answer.prompt_tokens} prompt tokens[/]"
    )


def register(app: typer.Typer) -> None:
    @app.command()
    @friendly_errors
    def ask(
        question: Annotated[str, typer.Argument(help="The question, in Dutch or English.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print the full Answer as JSON.")] = False,
        generator: Annotated[GeneratorName | None, typer.Option(help="Backend to answer with.")] = None,
        k: Annotated[int | None, typer.Option("--k", help="Passages given to the model.")] = None,
        language: Annotated[str | None, typer.Option(help="Answer language: auto, nl or en.")] = None,
    ) -> None:
        """Answer QUESTION from the indexed documents, with cited sources."""
        from rag.answering.pipeline import Assistant
        from rag.retrieval.question import check_question

        settings = load_settings(generator=generator, top_k=k, answer_language=language)
        # Checked before the models load: a bad question fails in a moment, not after a minute.
        question = check_question(question, settings.max_question_chars)
        assistant = Assistant.from_settings(settings)
        final, streamed = _stream_checked(assistant.stream(question), show=not as_json)
        if as_json:
            console.print_json(final.model_dump_json())
            return
        _print_final(final, streamed)
        print_answer_sources(final, assistant.index.get_document)


def _stream_checked(events: Iterator[StreamEvent], *, show: bool) -> tuple[Answer, str]:
    """Print each sentence as it passes its check; return the final Answer and what was shown.

    An error mid-answer (e.g. Ollama cutting off) leaves only checked sentences on the screen,
    and its one-line message on a line of its own."""
    streamed = ""
    try:
        for event in events:
            if isinstance(event, StreamDelta) and show:
                streamed += event.text
                console.print(escape(event.text), end="", soft_wrap=True, highlight=False)
            elif isinstance(event, StreamDone):
                return event.answer, streamed
    except RagError:
        if streamed:
            console.print()
        raise
    raise AssertionError("stream ended without an answer")  # pragma: no cover


def _print_final(final: Answer, streamed: str) -> None:
    """The final Answer continues the streamed sentences (quotes under them) or replaces them
    (translated, or refused as a whole); either way only checked text is ever printed."""
    if streamed and final.text.startswith(streamed):
        console.print(escape(final.text[len(streamed) :]), highlight=False)
    elif streamed:
        console.print(
            f"\n\n[bold]Final answer (replaces the text above):[/] {escape(final.text)}", highlight=False
        )
    else:
        console.print(escape(final.text), highlight=False)
