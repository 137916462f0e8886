"""Replay: check the model answers recorded in an earlier report again with today's code,
without generating them again (`rag eval --replay REPORT.json`).

A change to the checks, the refusal rules or the fallback can be measured on a whole gold set in
minutes instead of the hour a full run takes on one core. The recorded model output of each
question is rebuilt from its report entry: the sentences that passed (with the passages they
cited, by chunk id) and the sentences the checks dropped (uncited: the check then looks for
support in every passage, as it does for a wrong citation). Everything else runs as usual:
retrieval, the prompt plan, the checks, the fallback, and side calls (follow-up rewrite,
translations) on the live model. A question with no usable record is generated live and
counted in `ReplayGenerator.misses`.

The replay is exact for what the checks see, except that the order of kept and dropped
sentences is not recorded (kept first), and a sentence's original, wrong citation is lost.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from rag.answering.refusal import reason_text
from rag.config import Settings
from rag.errors import ConfigError
from rag.generators.base import GenerationRequest, Generator
from rag.types import Answer, Document, Turn

if TYPE_CHECKING:
    from rag.answering.evidence import EvidenceSentence
    from rag.answering.pipeline import Assistant

_NOT_GENERATED = ("no_passage", "other_language")  # refusals made before the model was asked
_SHOWN_ONLY = ("quote", "uncited", "translation")  # sentences the answer added, not the model


class RecordedSentence(BaseModel):
    text: str
    chunk_ids: list[str] = []  # the passages it cited; empty for a dropped sentence


class RecordedOutput(BaseModel):
    answerable: bool
    sentences: list[RecordedSentence]

    def as_json(self, passages: Sequence[tuple[int, str]]) -> str:
        """The model's JSON for a prompt whose passages are (number, chunk id)."""
        number = {chunk_id: n for n, chunk_id in passages}
        sentences = [
            {"text": s.text, "sources": [number[c] for c in s.chunk_ids if c in number]}
            for s in self.sentences
        ]
        return json.dumps({"answerable": self.answerable, "sentences": sentences}, ensure_ascii=False)


def _refused_for(answer: Answer, reason: str) -> bool:
    return bool(answer.refusal_reason) and str(answer.refusal_reason).startswith(
        reason_text(reason, answer.language)
    )


def recorded_output(answer: Answer) -> RecordedOutput | None:
    """The model output behind a recorded answer; None when the model was never asked."""
    if any(_refused_for(answer, reason) for reason in _NOT_GENERATED):
        return None
    if _refused_for(answer, "model_found_none"):
        return RecordedOutput(answerable=False, sentences=[])
    chunk_of = {c.n: c.chunk_id for c in answer.citations}
    kept = [
        RecordedSentence(text=s.text, chunk_ids=[chunk_of[n] for n in s.sources if n in chunk_of])
        for s in answer.sentences
        if s.flag not in _SHOWN_ONLY
    ]
    dropped = [RecordedSentence(text=text) for text in answer.dropped_sentences]
    return RecordedOutput(answerable=True, sentences=kept + dropped)


def load_recorded(report: Path) -> dict[str, RecordedOutput]:
    """Recorded model outputs of a report.json, by the question the model was asked."""
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
        items = data["items"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"cannot read the report to replay, {report}: {exc}; pass a report.json") from exc
    recorded: dict[str, RecordedOutput] = {}
    for item in items:
        if not item.get("answer"):
            continue
        answer = Answer.model_validate(item["answer"])
        output = recorded_output(answer)
        if output is not None:
            recorded[answer.standalone_question] = output
    return recorded


class ReplayGenerator:
    """Answers recorded questions from the record and everything else with the live model."""

    def __init__(self, recorded: Mapping[str, RecordedOutput], live: Generator) -> None:
        self._recorded = recorded
        self._live = live
        self.replayed: list[str] = []
        self.misses: list[str] = []

    @property
    def name(self) -> str:
        return self._live.name

    @property
    def model(self) -> str:
        return self._live.model

    @property
    def context_size(self) -> int:
        return self._live.context_size

    def count_tokens(self, text: str) -> int:
        return self._live.count_tokens(text)

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        output = self._recorded.get(request.question) if request.task == "answer" else None
        if output is None:
            if request.task == "answer":
                self.misses.append(request.question)
            yield from self._live.stream(request)
            return
        self.replayed.append(request.question)
        yield output.as_json([(p.n, p.chunk_id) for p in request.passages])


class ReplayingAssistant:
    """An assistant whose answers come through a ReplayGenerator (what run_eval needs of it)."""

    def __init__(self, assistant: Assistant, generator: ReplayGenerator) -> None:
        self._assistant = assistant
        self.generator = generator

    @property
    def settings(self) -> Settings:
        return self._assistant.settings

    @property
    def documents(self) -> Sequence[Document]:
        return self._assistant.documents

    def answer(self, question: str, history: Sequence[Turn] | None = None) -> Answer:
        return self._assistant.answer(question, history, generator=self.generator)

    def rank_evidence(self, answer: Answer) -> list[EvidenceSentence]:
        return self._assistant.rank_evidence(answer)
