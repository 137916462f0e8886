"""Turn chat feedback (ui/feedback.py lines) into gold candidates for a person to review.

A thumbs-up answer becomes a candidate item in the gold format: its cited quotes become the
evidence, names and numbers of the answer that the quotes contain become suggested key facts, a
thumbs-up refusal becomes an `unanswerable` candidate. Every candidate carries `"needs_review":
true` and a `review` note: quotes come from the cleaned text (check them against the raw file with
check_gold.py), and the type and key facts are guesses. Thumbs-down lines are counted, not used.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from eval.facts import contains_fact
from eval.metrics import strip_markers
from rag.errors import ConfigError

_FACT_RX = re.compile(r"(?<![\w-])(?:\d[\d.,]*\d|\d|[A-Z][\w-]*[A-Z0-9][\w-]*|[A-Z][a-zà-ÿ]{2,}[\w-]*)")


class FeedbackCitation(BaseModel):
    model_config = ConfigDict(extra="ignore")

    doc_id: str
    quote: str


class FeedbackLine(BaseModel):
    model_config = ConfigDict(extra="ignore")

    verdict: str
    question: str
    standalone_question: str = ""
    answer: str
    language: str = "nl"
    refused: bool = False
    citations: list[FeedbackCitation] = []
    comment: str = ""


class Conversion(BaseModel):
    candidates: list[dict[str, object]]
    n_lines: int
    n_up: int
    n_down: int
    problems: list[str]  # unreadable lines, with their line numbers


def read_feedback(path: Path) -> tuple[list[FeedbackLine], list[str]]:
    """Every readable feedback line, and a note per unreadable one."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"cannot read feedback file {path}: {exc}; give the chat's file with --feedback "
            "(default: <data_dir>/feedback.jsonl)"
        ) from exc
    lines: list[FeedbackLine] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        if raw.strip():
            try:
                lines.append(FeedbackLine.model_validate(json.loads(raw)))
            except (ValueError, ValidationError) as exc:
                problems.append(f"line {number}: {str(exc).splitlines()[0]}")
    return lines, problems


def suggest_key_facts(answer: str, quotes: Iterable[str], limit: int = 3) -> list[str]:
    """Numbers and names of the answer (not its sentence-initial words) that the evidence contains."""
    body = strip_markers(answer)
    starts = {m.end() for m in re.finditer(r"(?:^|[.!?]\s+)", body)}
    evidence = " ".join(quotes)
    facts: list[str] = []
    for match in _FACT_RX.finditer(body):
        word = match.group().rstrip(".,")
        if match.start() in starts and not word[0].isdigit():
            continue
        if word not in facts and contains_fact(evidence, word):
            facts.append(word)
    return facts[:limit]


def candidate(line: FeedbackLine, number: int, filenames: Mapping[str, str]) -> dict[str, object]:
    """One gold candidate (GOLD_SCHEMA.md fields plus needs_review / review / feedback_comment)."""
    question = line.standalone_question or line.question
    notes = ["quotes are from the cleaned text: check them with check_gold.py"]
    if question != line.question:
        notes.append(f"asked as a follow-up ({line.question!r}); stored as its standalone form")
    item: dict[str, object] = {"id": f"fb-{number:03d}", "question": question, "language": line.language}
    item["answer"] = strip_markers(line.answer)
    if line.refused:
        item |= {"source": "none", "evidence": [], "type": "unanswerable", "key_facts": []}
        item["premise"] = "REVIEW: say which fact the documents lack (confirmed by a thumbs-up on a refusal)"
        notes.append("write the premise")
    else:
        files = [filenames.get(c.doc_id, c.doc_id) for c in line.citations]
        quotes = list(dict.fromkeys(c.quote for c in line.citations))
        multi = len(set(files)) > 1
        evidence: list[object] = list(quotes)
        if multi:
            evidence = [{"source": f, "quote": c.quote} for f, c in zip(files, line.citations, strict=True)]
        item |= {"source": "multi" if multi else (files[0] if files else "REVIEW"), "evidence": evidence}
        item |= {
            "type": "multi-doc" if multi else "factoid",
            "key_facts": suggest_key_facts(line.answer, quotes),
        }
        notes.append("check the type (factoid / explanatory) and the suggested key facts")
    item |= {"tags": ["from-feedback"], "needs_review": True, "review": "; ".join(notes)}
    return item | ({"feedback_comment": line.comment} if line.comment else {})


def feedback_to_gold(path: Path, filenames: Mapping[str, str] | None = None) -> Conversion:
    """Gold candidates from the thumbs-up lines of a feedback file (the latest line per question)."""
    lines, problems = read_feedback(path)
    latest: dict[str, FeedbackLine] = {}
    for line in lines:  # a later rating of the same question replaces an earlier one
        latest.pop(line.question, None)
        latest[line.question] = line
    up = [line for line in latest.values() if line.verdict == "up" and (line.refused or line.citations)]
    return Conversion(
        candidates=[candidate(line, n, filenames or {}) for n, line in enumerate(up, 1)],
        n_lines=len(lines),
        n_up=sum(line.verdict == "up" for line in lines),
        n_down=sum(line.verdict == "down" for line in lines),
        problems=problems,
    )


def write_candidates(candidates: Iterable[Mapping[str, object]], out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(dict(c), ensure_ascii=False) + "\n" for c in candidates)
    out.write_text(text, encoding="utf-8")
    return out
