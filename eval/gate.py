"""CI gate: compare a run's summary with minimum / maximum thresholds."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel

from eval.aggregate import Summary

Bound = Literal["min", "max"]

# CLI option name -> (Summary field, bound). `--min-citation-precision` gates the strict figure.
GATES: dict[str, tuple[str, Bound]] = {
    "min_key_fact_recall": ("key_fact_recall", "min"),
    "min_citation_precision": ("citation_precision_strict", "min"),
    "min_citation_precision_lenient": ("citation_precision_lenient", "min"),
    "min_citation_recall": ("citation_recall", "min"),
    "min_all_sources": ("all_sources_cited", "min"),
    "min_refusal": ("refusal_rate", "min"),
    "max_false_refusal": ("false_refusal_rate", "max"),
    "min_language": ("language_match", "min"),
    "min_hit_at_5": ("hit_at_5", "min"),
    "min_mrr": ("mrr", "min"),
    "max_failed": ("n_failed", "max"),
}


class Threshold(BaseModel):
    option: str  # e.g. "min_key_fact_recall"
    value: float

    @property
    def field(self) -> str:
        return GATES[self.option][0]

    @property
    def bound(self) -> Bound:
        return GATES[self.option][1]

    @property
    def flag(self) -> str:
        return "--" + self.option.replace("_", "-")


def thresholds_from(options: dict[str, float | None]) -> list[Threshold]:
    """The thresholds that were given (None = not given), in GATES order."""
    given = {name: value for name, value in options.items() if value is not None}
    return [Threshold(option=name, value=given[name]) for name in GATES if name in given]


def check(summary: Summary, thresholds: Iterable[Threshold]) -> list[str]:
    """One message per threshold not met; a figure that was not measured fails its gate too."""
    failures = []
    for t in thresholds:
        value = getattr(summary, t.field)
        if value is None:
            failures.append(f"{t.flag} {t.value:g}: {t.field} was not measured (no question it applies to)")
        elif (t.bound == "min" and value < t.value) or (t.bound == "max" and value > t.value):
            relation = "below" if t.bound == "min" else "above"
            failures.append(f"{t.flag} {t.value:g}: {t.field} = {value:.3f} is {relation} the threshold")
    return failures
