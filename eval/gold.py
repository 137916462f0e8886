"""Gold questions: the format of ../shared/eval/GOLD_SCHEMA.md, validated, and quotes mapped to spans.

`load_gold` checks every line (JSON, field types, the type rules, unique ids, key facts contained
in the reference answer) and raises one `GoldError` listing every problem with its line number.
`evidence_spans` maps each verbatim quote (taken from the RAW seed file) onto the cleaned
`Document.text` with `rag.corpus.align.find_quote`, so chunks can be checked for covering it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from eval.facts import contains_fact
from rag.corpus import find_quote, read_raw
from rag.errors import ConfigError
from rag.types import Document

GoldType = Literal["factoid", "explanatory", "multi-doc", "unanswerable", "follow-up"]
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
NonEmpty = Field(min_length=1, pattern=r"\S")


class GoldError(ConfigError):
    """A gold file that does not follow GOLD_SCHEMA.md, or a quote that is not in the corpus."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", strict=True)


class SourcedQuote(_Model):
    source: str = NonEmpty
    quote: str = NonEmpty


class HistoryTurn(_Model):
    role: Literal["user", "assistant"]
    content: str = NonEmpty


class GoldItem(_Model):
    id: str = Field(pattern=ID_PATTERN)
    question: str = NonEmpty
    language: Literal["nl", "en"]
    answer: str = NonEmpty
    source: str = NonEmpty  # seed file basename, "multi" or "none"
    evidence: list[SourcedQuote] | list[str] = Field(union_mode="left_to_right")
    type: GoldType
    key_facts: list[str]
    premise: str | None = None
    history: list[HistoryTurn] | None = None
    tags: list[str] = []

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"

    def quotes(self) -> list[SourcedQuote]:
        """Every evidence quote with the file it comes from."""
        return [
            q if isinstance(q, SourcedQuote) else SourcedQuote(source=self.source, quote=q)
            for q in self.evidence
        ]

    def retrieval_query(self) -> str:
        """The text to retrieve with: a follow-up gets the last user turn of its history first."""
        users = [t.content for t in self.history or () if t.role == "user"]
        return f"{users[-1]} {self.question}" if users else self.question

    @model_validator(mode="after")
    def _type_rules(self) -> GoldItem:
        problems = [*_source_rules(self), *_evidence_rules(self), *_extra_rules(self)]
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _source_rules(item: GoldItem) -> list[str]:
    problems = []
    if item.type == "multi-doc" and item.source != "multi":
        problems.append("multi-doc questions need source 'multi'")
    if item.source == "multi" and item.type not in ("multi-doc", "follow-up"):
        problems.append(f"source 'multi' is for multi-doc (or follow-up) questions, not {item.type!r}")
    if (item.type == "unanswerable") != (item.source == "none"):
        problems.append("source 'none' is for unanswerable questions, and they must use it")
    return problems


def _evidence_rules(item: GoldItem) -> list[str]:
    sourced = [e for e in item.evidence if isinstance(e, SourcedQuote)]
    if item.source == "none":
        return ["unanswerable questions must have empty evidence"] if item.evidence else []
    if not item.evidence:
        return ["answerable questions need at least one evidence quote"]
    if item.source == "multi":
        if len(sourced) != len(item.evidence):
            return ["multi evidence items must be {'source': file, 'quote': str}"]
        if len({e.source for e in sourced}) < 2:
            return ["multi evidence must quote at least two different source files"]
        return []
    return ["single-source evidence items must be plain strings"] if sourced else []


def _extra_rules(item: GoldItem) -> list[str]:
    problems = []
    if item.type == "unanswerable":
        if item.key_facts:
            problems.append("unanswerable questions must have empty key_facts")
        if item.premise is None or not item.premise.strip():
            problems.append("unanswerable questions need a non-empty 'premise'")
    else:
        if not 1 <= len(item.key_facts) <= 3:
            problems.append(f"answerable questions need 1-3 key_facts, got {len(item.key_facts)}")
        missing = [f for f in item.key_facts if not contains_fact(item.answer, f)]
        problems += [f"key fact {f!r} is not contained in the reference answer" for f in missing]
        if item.premise is not None:
            problems.append("'premise' is only for unanswerable questions")
    if item.type == "follow-up":
        problems += _history_rules(item.history)
    elif item.history is not None:
        problems.append("'history' is only for follow-up questions")
    return problems


def _history_rules(history: Sequence[HistoryTurn] | None) -> list[str]:
    if not history:
        return ["follow-up questions need a non-empty 'history'"]
    for i, turn in enumerate(history):
        if turn.role != ("user" if i % 2 == 0 else "assistant"):
            return [f"history[{i}]: turns must alternate user/assistant starting with user"]
    if history[-1].role != "assistant":
        return ["history must end with an assistant turn (the question is the next user turn)"]
    return []


def load_gold(path: Path) -> list[GoldItem]:
    """Every item of a gold file; GoldError lists every bad line (line number, field, problem)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GoldError(f"cannot read gold file {path}: {exc}; pass an existing file with --gold") from exc
    items: list[GoldItem] = []
    problems: list[str] = []
    ids: Counter[str] = Counter()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        data, errors = _parse_line(line)
        if isinstance(data, GoldItem):
            items.append(data)
        if isinstance(data, dict | GoldItem):
            item_id = data.id if isinstance(data, GoldItem) else data.get("id")
            ids.update([item_id] if isinstance(item_id, str) else [])
        problems += [f"line {number}: {e}" for e in errors]
    problems += [f"id {i!r}: used {n} times" for i, n in sorted(ids.items()) if n > 1]
    if not items and not problems:
        problems.append("no questions found")
    if problems:
        listing = "\n  ".join(problems)
        raise GoldError(f"{path} is not a valid gold file (see GOLD_SCHEMA.md); fix:\n  {listing}")
    return items


def _parse_line(line: str) -> tuple[GoldItem | dict[str, object] | None, list[str]]:
    """The validated item, or the raw object (for its id) with what is wrong with it."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, [f"invalid JSON: {exc}"]
    if not isinstance(data, dict):
        return None, ["each line must be a JSON object"]
    try:
        return GoldItem.model_validate(data), []
    except ValidationError as exc:
        return data, [_describe(err) for err in exc.errors()]


def _describe(error: ErrorDetails) -> str:
    field = ".".join(str(p) for p in error["loc"]) or "item"
    message = error["msg"].removeprefix("Value error, ")
    return f"{field}: {message}"


class EvidenceSpan(_Model):
    """A gold quote located in a document's cleaned text: document.text[start:end]."""

    doc_id: str
    start: int
    end: int
    source: str
    quote: str


def evidence_spans(item: GoldItem, documents: Iterable[Document], corpus_dir: Path) -> list[EvidenceSpan]:
    """Each evidence quote of `item` as a span of its document; GoldError names every quote that
    cannot be found (wrong file name, or the quote is not verbatim in the raw file)."""
    by_name = {PurePosixPath(d.path).name: d for d in documents}
    spans: list[EvidenceSpan] = []
    problems: list[str] = []
    for quote in item.quotes():
        doc = by_name.get(quote.source)
        if doc is None:
            problems.append(f"{item.id}: no indexed document is named {quote.source!r}")
            continue
        raw = _raw_text(corpus_dir / doc.path)
        found = find_quote(doc, raw, quote.quote)
        if found is None:
            problems.append(f"{item.id}: quote not found in {quote.source}: {quote.quote[:80]!r}")
            continue
        spans.append(
            EvidenceSpan(doc_id=doc.id, start=found[0], end=found[1], source=quote.source, quote=quote.quote)
        )
    if problems:
        listing = "\n  ".join(problems)
        raise GoldError(f"gold evidence does not match the corpus in {corpus_dir}; fix:\n  {listing}")
    return spans


def _raw_text(path: Path) -> str:
    try:
        return read_raw(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(
            f"cannot read {path}: {exc}; point --corpus at the folder the index was built from"
        ) from exc
