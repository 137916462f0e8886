"""Write an EvalRun as DIR/report.md, DIR/report.json and DIR/chart.png (optionally vs a baseline)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, ValidationError

from eval.aggregate import Summary
from eval.chart import write_chart
from eval.run import EvalRun, ItemResult
from rag.errors import ConfigError

# (Summary field, label, unit, higher is better)
FIGURES: tuple[tuple[str, str, str, bool], ...] = (
    ("key_fact_recall", "key-fact recall", "rate", True),
    ("citation_precision_strict", "citation precision, strict (overlaps gold evidence)", "rate", True),
    ("citation_precision_lenient", "citation precision, lenient (overlap or support)", "rate", True),
    ("citation_recall", "citation recall", "rate", True),
    ("all_sources_cited", "all sources cited (multi-source)", "rate", True),
    ("refusal_rate", "refusal rate on unanswerable", "rate", True),
    ("false_refusal_rate", "false-refusal rate on answerable", "rate", False),
    ("language_match", "language match", "rate", True),
    ("hit_at_1", "retrieval hit@1", "rate", True),
    ("hit_at_3", "retrieval hit@3", "rate", True),
    ("hit_at_5", "retrieval hit@5", "rate", True),
    ("hit_at_10", "retrieval hit@10", "rate", True),
    ("mrr", "retrieval MRR", "rate", True),
    ("evidence_recall_at_1", "evidence-sentence recall@1", "rate", True),
    ("evidence_recall_at_3", "evidence-sentence recall@3", "rate", True),
    ("evidence_recall_at_8", "evidence-sentence recall@8", "rate", True),
    ("evidence_in_prompt", "gold evidence in the model's prompt", "rate", True),
    ("prompt_tokens_p50", "answer prompt tokens p50", "tokens", False),
    ("first_token_p50_s", "time to first checked words p50", "s", False),
    ("first_token_p95_s", "time to first checked words p95", "s", False),
    ("model_first_token_p50_s", "model's first token p50 (not shown)", "s", False),
    ("total_p50_s", "total time p50", "s", False),
    ("total_p95_s", "total time p95", "s", False),
    ("faithfulness_judged", "faithfulness (MODEL-JUDGED)", "rate", True),
)
# Columns of the per-type / per-language / per-tag tables.
GROUP_COLUMNS: tuple[tuple[str, str], ...] = (
    ("key_fact_recall", "KF recall"),
    ("citation_precision_strict", "cit. prec. strict"),
    ("citation_precision_lenient", "cit. prec. lenient"),
    ("citation_recall", "cit. recall"),
    ("all_sources_cited", "all sources"),
    ("refusal_rate", "refusal"),
    ("false_refusal_rate", "false refusal"),
    ("language_match", "language"),
    ("hit_at_5", "hit@5"),
    ("mrr", "MRR"),
    ("evidence_recall_at_3", "evidence@3"),
    ("evidence_in_prompt", "evidence in prompt"),
    ("first_token_p50_s", "first words p50 s"),
    ("total_p50_s", "total p50 s"),
)


class Baseline(BaseModel):
    """The tables of an earlier report.json, to show differences against."""

    path: str
    summary: Summary
    by_type: dict[str, Summary] = {}
    by_language: dict[str, Summary] = {}
    by_tag: dict[str, Summary] = {}


def load_baseline(path: Path) -> Baseline:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        tables = {k: data.get(k, {}) for k in ("by_type", "by_language", "by_tag")}
        return Baseline.model_validate({"path": str(path), "summary": data["summary"], **tables})
    except (OSError, ValueError, KeyError, TypeError, ValidationError) as exc:
        raise ConfigError(
            f"cannot read baseline {path}: {exc}. Pass a report.json written by 'rag eval --out DIR'."
        ) from exc


def fmt(value: float | None, unit: str = "rate") -> str:
    """Rates and seconds alike with two decimals; '–' for a figure that does not apply."""
    return "–" if value is None else f"{value:.2f}"


def fmt_delta(value: float | None, base: float | None, unit: str = "rate") -> str:
    return "–" if value is None or base is None else f"{value - base:+.2f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def summary_table(summary: Summary, base: Summary | None) -> list[str]:
    header = ["metric", "value"] + (["baseline", "Δ"] if base else [])
    rows = []
    for field, label, unit, _ in FIGURES:
        value = getattr(summary, field)
        row = [label, fmt(value, unit)]
        if base is not None:
            row += [fmt(getattr(base, field), unit), fmt_delta(value, getattr(base, field), unit)]
        rows.append(row)
    rows.append(["questions (failed)", f"{summary.n} ({summary.n_failed})"] + (["", ""] if base else []))
    return _table(header, rows)


def group_table(name: str, groups: Mapping[str, Summary], base: Mapping[str, Summary] | None) -> list[str]:
    """One row per group; with a baseline each cell reads 'value (Δ)'."""
    header = [name, "n"] + [label for _, label in GROUP_COLUMNS]
    rows = []
    for key, summary in groups.items():
        old = base.get(key) if base else None
        row = [key, f"{summary.n}" + (f" ({summary.n_failed} failed)" if summary.n_failed else "")]
        for field, _ in GROUP_COLUMNS:
            unit = "s" if field.endswith("_s") else "rate"
            cell = fmt(getattr(summary, field), unit)
            if old is not None and getattr(summary, field) is not None:
                cell += f" ({fmt_delta(getattr(summary, field), getattr(old, field), unit)})"
            row.append(cell)
        rows.append(row)
    return _table(header, rows)


def item_score(result: ItemResult) -> float:
    """How well one item went, 0..1 (failed = -1): mean of the figures that apply to it."""
    m = result.metrics
    if m is None:
        return -1.0
    parts = [float(m.refusal_ok), float(m.language_ok)]
    parts += [v for v in (m.key_fact_recall, m.citations.strict, m.citation_recall) if v is not None]
    return sum(parts) / len(parts)


def _quotes(result: ItemResult) -> list[str]:
    quotes: list[str] = []
    for ev in result.gold.evidence:
        quotes.append(ev if isinstance(ev, str) else f"{ev.quote} ({ev.source})")
    return quotes


def _problems(result: ItemResult) -> str:
    m = result.metrics
    if m is None:
        return f"failed: {result.error}"
    found = []
    if not m.refusal_ok:
        found.append("refused an answerable question" if m.refused else "answered an unanswerable question")
    if m.key_facts_missing:
        found.append("missing key facts: " + ", ".join(m.key_facts_missing))
    if not m.language_ok:
        found.append(f"answered in {m.language_detected}, expected {result.gold.language}")
    if m.citation_recall is not None and m.citation_recall < 1:
        found.append(f"cited {m.citation_recall:.0%} of the evidence")
    if m.citations.strict is not None and m.citations.strict < 1:
        found.append(f"{m.citations.n - m.citations.strict_ok} of {m.citations.n} citations off the evidence")
    return "; ".join(found) or "—"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def worst_questions(results: Sequence[ItemResult], n: int = 10) -> list[str]:
    worst = sorted(results, key=item_score)[:n]
    lines: list[str] = []
    for r in worst:
        if item_score(r) >= 1.0:
            break
        g = r.gold
        lines += [f"### {g.id} ({g.type}, {g.language}) — score {max(item_score(r), 0):.2f}", ""]
        lines += [f"- **question:** {_one_line(g.question)}", f"- **problems:** {_problems(r)}"]
        if r.answer is not None:
            lines.append(f"- **answer given:** {_one_line(r.answer.text)}")
        lines.append(f"- **reference answer:** {_one_line(g.answer)}")
        lines += [f"- **evidence expected:** “{_one_line(q)}”" for q in _quotes(r)]
        if g.premise:
            lines.append(f"- **why unanswerable:** {_one_line(g.premise)}")
        lines.append("")
    return lines or ["Every question scored full marks."]


def render_markdown(run: EvalRun, baseline: Baseline | None = None) -> str:
    lines = [
        "# Evaluation report",
        "",
        f"- run: {run.started_at:%Y-%m-%d %H:%M} UTC; backend `{run.backend}`, model `{run.model}`",
        f"- gold: {', '.join(run.gold_paths) or '(given in code)'}; {run.summary.n} questions, "
        f"{run.summary.n_failed} failed",
        f"- lenient citation precision counts a citation whose support score ≥ {run.support_threshold}",
        "- faithfulness is "
        + ("MODEL-JUDGED by the local model" if run.judged else "not judged (no --judge)"),
    ]
    if run.replayed_from:
        lines.append(
            f"- REPLAYED: the model answers recorded in `{run.replayed_from}` checked again with this "
            "code (`rag eval --replay`); times are those of the checks, not of generation"
        )
    if baseline is not None:
        lines.append(f"- baseline: `{baseline.path}` (Δ = this run − baseline)")
    sections = [
        ("Summary", summary_table(run.summary, baseline.summary if baseline else None)),
        ("Per type", group_table("type", run.by_type, baseline.by_type if baseline else None)),
        (
            "Per language",
            group_table("language", run.by_language, baseline.by_language if baseline else None),
        ),
        ("Per tag", group_table("tag", run.by_tag, baseline.by_tag if baseline else None)),
        ("Worst questions", worst_questions(run.items)),
    ]
    for title, body in sections:
        lines += ["", f"## {title}", "", *body]
    return "\n".join(lines).rstrip() + "\n"


def write_report(run: EvalRun, out_dir: Path, baseline: Baseline | None = None) -> list[Path]:
    """Write report.md, report.json and chart.png into `out_dir`; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    md, js, png = out_dir / "report.md", out_dir / "report.json", out_dir / "chart.png"
    md.write_text(render_markdown(run, baseline), encoding="utf-8")
    js.write_text(run.model_dump_json(indent=1, by_alias=True), encoding="utf-8")
    title = f"Main figures per type — {run.backend} {run.model}".strip()
    write_chart({"all": run.summary, **run.by_type}, png, title=title)
    return [md, js, png]
