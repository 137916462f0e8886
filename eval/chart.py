"""PNG chart of the main figures per question type (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from eval.aggregate import Summary

# (label, how to read it off a Summary); refusals are shown as "right refusal behaviour".
SERIES: tuple[tuple[str, str], ...] = (
    ("key-fact recall", "key_fact_recall"),
    ("citation precision (strict)", "citation_precision_strict"),
    ("citation recall", "citation_recall"),
    ("language match", "language_match"),
    ("refusal behaviour", "refusal_behaviour"),
    ("hit@5", "hit_at_5"),
)


def refusal_behaviour(summary: Summary) -> float | None:
    """Refusal rate on unanswerable items, 1 - false-refusal rate on answerable ones."""
    if summary.refusal_rate is not None:
        return summary.refusal_rate
    return None if summary.false_refusal_rate is None else 1.0 - summary.false_refusal_rate


def figure_value(summary: Summary, field: str) -> float | None:
    if field == "refusal_behaviour":
        return refusal_behaviour(summary)
    value = getattr(summary, field)
    return None if value is None else float(value)


def write_chart(by_type: Mapping[str, Summary], path: Path, title: str = "Main figures per type") -> Path:
    """A grouped bar chart: one group per question type, one bar per main figure (missing = no bar)."""
    groups = list(by_type)
    width = 0.8 / len(SERIES)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.8 * len(groups) + 2), 4.5), dpi=110)
    try:
        for i, (label, field) in enumerate(SERIES):
            xs = [g + (i - (len(SERIES) - 1) / 2) * width for g in range(len(groups))]
            values = [figure_value(by_type[name], field) for name in groups]
            present = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
            ax.bar([x for x, _ in present], [v for _, v in present], width, label=label)
        ax.set_xticks(range(len(groups)), [f"{g}\n(n={by_type[g].n})" for g in groups])
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("share (higher is better)")
        ax.set_title(title)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3)
        fig.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path)
    finally:
        plt.close(fig)
    return path
