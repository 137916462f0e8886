"""`rag eval`: run gold questions through the assistant, write reports, gate CI on thresholds.

Exit codes: 0 all thresholds met, 1 an error (bad gold file, missing model or index), 2 a
threshold not met, or (before any question is asked) an invalid setting or option.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import BaseModel
from rich.markup import escape
from rich.table import Table

from rag.cli.common import console, err_console, friendly_errors, load_settings
from rag.config import GeneratorName, Settings
from rag.errors import ConfigError

if TYPE_CHECKING:
    from eval.gold import GoldItem
    from eval.run import AnswersQuestions, EvalRun

REPO = Path(__file__).resolve().parents[2]
DEFAULT_GOLD = (REPO / "eval" / "gold.jsonl", REPO.parent / "shared" / "eval" / "gold_public.jsonl")
THRESHOLD_EXIT = 2


def default_gold_paths() -> list[Path]:
    found = [path for path in DEFAULT_GOLD if path.is_file()]
    if not found:
        listing = ", ".join(str(p) for p in DEFAULT_GOLD)
        raise ConfigError(f"no gold file found (looked for {listing}); pass one with --gold PATH")
    return found


def load_gold_files(paths: list[Path], limit: int | None) -> list[GoldItem]:
    """Validate every file before any question is asked; `limit` applies to each file, so the
    first N lines of each (round-robin by type) still cover every type."""
    from eval.gold import GoldError, load_gold

    items: list[GoldItem] = []
    problems: list[str] = []
    for path in paths:
        try:
            items += load_gold(path)[:limit]
        except GoldError as exc:
            problems.append(str(exc))
    seen: dict[str, int] = {}
    for item in items:
        seen[item.id] = seen.get(item.id, 0) + 1
    problems += [f"id {i!r} appears in more than one gold file" for i, n in seen.items() if n > 1]
    if problems:
        raise GoldError("\n".join(problems))
    return items


def default_out_dir(settings: Settings) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return settings.data_dir / "eval" / f"{stamp}-{settings.generator}"


def print_summary(run: EvalRun, files: list[Path]) -> None:
    from eval.report import FIGURES, fmt

    table = Table(title=f"rag eval · {run.backend} {run.model} · {run.summary.n} questions")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for field, label, unit, _ in FIGURES:
        table.add_row(label, fmt(getattr(run.summary, field), unit))
    table.add_row("failed questions", str(run.summary.n_failed))
    console.print(table)
    for item in run.items:
        if item.error:
            err_console.print(f"[yellow]failed[/] {item.gold.id}: {escape(item.error)}")
    console.print("reports: " + ", ".join(str(f) for f in files))


def convert_feedback(settings: Settings, feedback: Path | None, out: Path) -> None:
    from eval.feedback import feedback_to_gold, write_candidates

    source = feedback or settings.feedback_path
    result = feedback_to_gold(source, filenames=_document_filenames(settings))
    write_candidates(result.candidates, out)
    console.print(
        f"{len(result.candidates)} gold candidate(s) from {result.n_up} thumbs-up and {result.n_down} "
        f"thumbs-down line(s) of {source} -> {out} (each marked needs_review; check with check_gold.py)"
    )
    for problem in result.problems:
        err_console.print(f"[yellow]skipped[/] {escape(problem)}")


def _document_filenames(settings: Settings) -> dict[str, str]:
    """doc_id -> file name, so candidate evidence names its seed file; empty if the corpus is unreadable."""
    try:
        from rag.corpus import load_corpus

        return {d.id: Path(d.path).name for d in load_corpus(settings.corpus_dir).documents}
    except Exception:  # the candidates then name documents by id, and the review fixes that
        return {}


class EvalOptions(BaseModel):
    gold: list[Path]
    limit: int | None = None
    out: Path
    baseline: Path | None = None
    judge: bool = False
    progress: bool = True
    support_threshold: float = 0.5
    replay: Path | None = None


def evaluate(settings: Settings, options: EvalOptions) -> EvalRun:
    """Validate the gold files and the baseline, then load the models and run every question."""
    from eval.report import load_baseline, write_report
    from eval.run import run_eval
    from rag.answering.pipeline import Assistant

    items = load_gold_files(options.gold, options.limit)
    baseline = load_baseline(options.baseline) if options.baseline is not None else None
    assistant = Assistant.from_settings(settings)
    answering: AnswersQuestions = assistant
    replaying = None
    if options.replay is not None:
        from eval.replay import ReplayGenerator, ReplayingAssistant, load_recorded

        replaying = ReplayGenerator(load_recorded(options.replay), assistant.generator)
        answering = ReplayingAssistant(assistant, replaying)
    run = run_eval(
        answering,
        items,
        progress=options.progress,
        judge=assistant.generator if options.judge else None,
        support_threshold=options.support_threshold,
        gold_paths=[str(p) for p in options.gold],
    )
    if options.replay is not None:
        run = run.model_copy(update={"replayed_from": str(options.replay)})
    print_summary(run, write_report(run, options.out, baseline))
    if replaying is not None:
        console.print(
            f"replayed {len(replaying.replayed)} recorded answers; generated {len(replaying.misses)} "
            "that the report did not hold"
        )
    return run


Rate = Annotated[
    float | None, typer.Option(min=0.0, max=1.0, rich_help_panel="Thresholds (exit 2 if not met)")
]


def register(app: typer.Typer) -> None:
    @app.command("eval")
    @friendly_errors
    def eval_command(
        gold: Annotated[
            list[Path] | None, typer.Option("--gold", help="Gold JSONL file (repeat for several).")
        ] = None,
        generator: Annotated[GeneratorName | None, typer.Option(help="Backend to answer with.")] = None,
        limit: Annotated[int | None, typer.Option(min=1, help="First N questions of each gold file.")] = None,
        out: Annotated[
            Path | None, typer.Option(help="Report folder [default: <data_dir>/eval/<time>]")
        ] = None,
        baseline: Annotated[Path | None, typer.Option(help="An earlier report.json to compare with.")] = None,
        judge: Annotated[bool, typer.Option(help="MODEL-JUDGED faithfulness with the local model.")] = False,
        support_threshold: Annotated[
            float,
            typer.Option(min=0.0, max=1.0, help="Support that makes a citation count as lenient-precise."),
        ] = 0.5,
        progress: Annotated[bool, typer.Option(help="Show a progress bar with a running tally.")] = True,
        replay: Annotated[
            Path | None,
            typer.Option(
                help="Check the model answers recorded in this report.json again with today's checks "
                "instead of generating them (minutes instead of an hour)."
            ),
        ] = None,
        feedback_to_gold: Annotated[
            Path | None,
            typer.Option(help="Write gold candidates from chat feedback to this JSONL, then stop."),
        ] = None,
        feedback: Annotated[
            Path | None, typer.Option(help="Feedback file [default: <data_dir>/feedback.jsonl]")
        ] = None,
        min_key_fact_recall: Rate = None,
        min_citation_precision: Rate = None,
        min_citation_precision_lenient: Rate = None,
        min_citation_recall: Rate = None,
        min_all_sources: Rate = None,
        min_refusal: Rate = None,
        max_false_refusal: Rate = None,
        min_language: Rate = None,
        min_hit_at_5: Rate = None,
        min_mrr: Rate = None,
        max_failed: Annotated[
            int | None, typer.Option(min=0, rich_help_panel="Thresholds (exit 2 if not met)")
        ] = None,
    ) -> None:
        """Run gold questions through the assistant; write report.md, report.json and chart.png."""
        from eval.gate import check, thresholds_from

        settings = load_settings(generator=generator)
        if feedback_to_gold is not None:
            convert_feedback(settings, feedback, feedback_to_gold)
            return
        thresholds = thresholds_from(
            {
                "min_key_fact_recall": min_key_fact_recall,
                "min_citation_precision": min_citation_precision,
                "min_citation_precision_lenient": min_citation_precision_lenient,
                "min_citation_recall": min_citation_recall,
                "min_all_sources": min_all_sources,
                "min_refusal": min_refusal,
                "max_false_refusal": max_false_refusal,
                "min_language": min_language,
                "min_hit_at_5": min_hit_at_5,
                "min_mrr": min_mrr,
                "max_failed": None if max_failed is None else float(max_failed),
            }
        )
        options = EvalOptions(
            gold=gold or default_gold_paths(),
            limit=limit,
            out=out or default_out_dir(settings),
            baseline=baseline,
            judge=judge,
            progress=progress,
            support_threshold=support_threshold,
            replay=replay,
        )
        run = evaluate(settings, options)
        failures = check(run.summary, thresholds)
        for failure in failures:
            err_console.print(f"[bold red]threshold not met:[/] {escape(failure)}")
        if failures:
            raise typer.Exit(THRESHOLD_EXIT)
        if thresholds:
            console.print(f"[green]all {len(thresholds)} threshold(s) met[/]")
