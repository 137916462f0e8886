"""`rag ask`: answer one question from the shell, streaming, then list the cited sources."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from rag.cli.common import console, friendly_errors, load_settings
from rag.config import GeneratorName
from rag.types import Answer, StreamDelta, StreamDone, page_label


def print_answer_sources(answer: Answer) -> None:
    if answer.refused:
        console.print(f"[dim]({escape(answer.refusal_reason or 'refused')})[/]")
        nearest = answer.hits[:3]
        if nearest:
            console.print("[bold]Nearest passages:[/]")
            for hit in nearest:
                where = f" ({page_label(hit.chunk.pages)})" if hit.chunk.pages else ""
                title = escape(hit.chunk.doc_title + where)
                console.print(f"  - {title}: {escape(hit.chunk.text[:160])}…")
        return
    console.print("\n[bold]Sources[/]")
    for c in answer.citations:
        date = f", {c.date}" if c.date else ""
        where = f", {c.location}" if c.location else ""
        console.print(
            f"[bold cyan][{c.n}][/] {escape(c.title)}{date}{escape(where)} "
            f"[dim]({c.chunk_id}, {c.start}-{c.end})[/]"
        )
        console.print(f"    “{escape(c.quote)}”")
    if answer.dropped_sentences:
        console.print(f"[yellow]{len(answer.dropped_sentences)} unsupported sentence(s) removed.[/]")
    if answer.left_out_chunk_ids:
        console.print(f"[yellow]Left out (context full): {', '.join(answer.left_out_chunk_ids)}[/]")
    t = answer.timings
    first = f"{t.first_token_s:.1f}s" if t.first_token_s is not None else "-"
    console.print(
        f"[dim]{answer.backend}/{answer.model} · retrieval {t.retrieve_s:.2f}s · first token {first} · "
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
        final: Answer | None = None
        streamed = ""
        for event in assistant.stream(question):
            if isinstance(event, StreamDelta) and not as_json:
                streamed += event.text
                console.print(escape(event.text), end="", soft_wrap=True, highlight=False)
            elif isinstance(event, StreamDone):
                final = event.answer
        assert final is not None
        if as_json:
            console.print_json(final.model_dump_json())
            return
        if final.text != streamed:
            # Validation removed or re-attributed something: show the checked answer.
            prefix = "\n\n[bold]Checked answer:[/] " if streamed else ""
            console.print(f"{prefix}{escape(final.text)}", highlight=False)
        else:
            console.print()
        print_answer_sources(final)
