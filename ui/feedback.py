"""Thumbs up/down on an answer, appended as one JSON line to settings.feedback_path.

Each line carries what `rag eval` needs to turn it into a gold candidate: the question, the answer
text, its citations (document, chunk, offsets, quote), the verdict and an optional comment.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from rag.types import Answer

Verdict = Literal["up", "down"]
_WRITE_LOCK = threading.Lock()  # several sessions share one file


def feedback_record(
    answer: Answer, verdict: Verdict, comment: str = "", now: datetime | None = None
) -> dict[str, Any]:
    return {
        "timestamp": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "verdict": verdict,
        "comment": comment.strip(),
        "question": answer.question,
        "standalone_question": answer.standalone_question,
        "answer": answer.text,
        "language": answer.language,
        "refused": answer.refused,
        "citations": [
            c.model_dump(include={"n", "doc_id", "chunk_id", "title", "date", "start", "end", "quote"})
            for c in answer.citations
        ],
        "context_chunk_ids": list(answer.context_chunk_ids),
        "backend": answer.backend,
        "model": answer.model,
    }


def append_feedback(path: Path, record: dict[str, Any]) -> None:
    """Append one JSON line, creating the data directory when needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, ensure_ascii=False) + "\n"
    with _WRITE_LOCK, path.open("a", encoding="utf-8") as handle:
        handle.write(line)


def verdict_of(liked: object) -> Verdict | None:
    """Gradio's LikeData.liked: True = thumbs up, False = thumbs down, anything else = undone."""
    if liked is True:
        return "up"
    if liked is False:
        return "down"
    return None


def give_feedback(
    path: Path, answers: Mapping[int, Answer], index: int | None, verdict: Verdict | None, comment: str
) -> str:
    """Record a verdict on the answer at chat message `index`; returns a note for the page."""
    answer = answers.get(index) if index is not None else None
    if answer is None:
        return "There is no answer to rate yet."
    if verdict is None:
        return "Rating removed from the page (the earlier line stays in the feedback file)."
    try:
        append_feedback(path, feedback_record(answer, verdict, comment))
    except OSError as exc:
        return f"Could not save the feedback to {path}: {exc.strerror or exc}."
    # Words and DejaVu's check marks, not emoji: many Linux desktops have no emoji font.
    return f"Thanks, feedback saved ({'✓ good' if verdict == 'up' else '✗ wrong'})."
