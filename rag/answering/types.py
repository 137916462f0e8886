"""The values that flow between the answering steps.

Retrieval hands the steps `Hit`s (rag/types.py); the prompt step plans `PlannedPassage`s; the
model's JSON is read into `ModelOutput`; the checks return `Checked`; quotes are `Quote`s; side
questions to the model leave `SideCall` records. The final `Answer` is in rag/types.py, because
callers of the package see it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field, field_validator

from rag.corpus import split_sentences
from rag.generators.base import Message, Passage
from rag.types import AnswerSentence, Chunk, Citation, SideCall

__all__ = [
    "Checked",
    "ModelOutput",
    "PlannedPassage",
    "PromptPlan",
    "Quote",
    "RawSentence",
    "SideCall",
]


@dataclass(frozen=True)
class PlannedPassage:
    """A passage as the model sees it, and where each of its pieces sits in the document."""

    passage: Passage
    chunk: Chunk
    spans: tuple[tuple[int, int], ...]  # document offsets of the kept sentences

    def sentences(self) -> list[tuple[int, int, str]]:
        """The sentences of the passage as the model saw it: (document start, end, text)."""
        chunk = self.chunk
        found = []
        for start, end in self.spans:
            text = chunk.text[start - chunk.start : end - chunk.start]
            for s, e in split_sentences(text, chunk.language) or [(0, len(text))]:
                found.append((start + s, start + e, text[s:e]))
        return found

    def label(self) -> str:
        """The passage's label as the model saw it: its title and the document's date."""
        return f"{self.passage.title} {(self.passage.date or '').replace('-', ' ')}"

    def labelled_text(self) -> str:
        """The passage as the model saw it, with its label."""
        return f"{self.label()} {self.passage.text}"


@dataclass(frozen=True)
class PromptPlan:
    messages: tuple[Message, ...]
    passages: tuple[PlannedPassage, ...]
    left_out: tuple[str, ...]  # chunk ids that did not fit the context budget
    prompt_tokens: int


class RawSentence(BaseModel):
    """One sentence of the model's JSON answer, with the passage numbers it cites."""

    text: str = ""
    sources: list[int] = Field(default_factory=list)

    @field_validator("sources", mode="before")
    @classmethod
    def _ints_only(cls, value: object) -> list[int]:
        items = value if isinstance(value, list) else [value]
        return [int(x) for x in items if isinstance(x, int | float | str) and str(x).strip().isdigit()]


class ModelOutput(BaseModel):
    answerable: bool = True
    sentences: list[RawSentence] = Field(default_factory=list)


@dataclass(frozen=True)
class Checked:
    """What survived the checks: supported sentences, their citations, and what was dropped."""

    sentences: tuple[AnswerSentence, ...]
    citations: tuple[Citation, ...]
    dropped: tuple[str, ...]


@dataclass(frozen=True)
class Quote:
    n: int  # the passage number it is cited as
    start: int  # document offsets of the sentence
    end: int
    text: str
    score: float
    cosine: float = 0.0  # of the question with the (first) sentence
    translation: str | None = None  # machine translation into the answer's language, if it is another
