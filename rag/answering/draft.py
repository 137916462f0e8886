"""The state of one answer while it is being made, and the small checks around it."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rag.answering.refusal import Reason, reason_text, refusal_text
from rag.answering.types import ModelOutput, PromptPlan
from rag.generators.base import Generator
from rag.text.language import detect_language
from rag.types import Answer, Hit, ShownSpan, SideCall, Timings, Turn


def wrong_language_sentence(text: str, language: str) -> bool:
    """True when `text` (four words or more: fewer cannot be told) is in another language."""
    return len(text.split()) >= 4 and detect_language(text, default=language) != language


def wrong_language(output: ModelOutput, language: str) -> bool:
    """True when the answer sentences are, taken together, in another language than asked."""
    text = " ".join(s.text for s in output.sentences)
    return output.answerable and wrong_language_sentence(text, language)


def bounded_history(history: Sequence[Turn | dict[str, str]] | None, max_turns: int) -> tuple[Turn, ...]:
    """The last `max_turns` exchanges (user + assistant) of the conversation, as Turns."""
    turns = tuple(t if isinstance(t, Turn) else Turn.model_validate(t) for t in history or ())
    return turns[-2 * max_turns :] if max_turns else ()


@dataclass(frozen=True)
class Draft:
    """What is known about an answer while it is being made; builds the final Answer.

    Each step that learns something returns a new Draft (`dataclasses.replace`)."""

    question: str
    standalone: str
    language: str
    hits: tuple[Hit, ...]
    gen: Generator
    started: float
    retrieved: float
    plan: PromptPlan | None = None
    completion: str = ""
    first_shown: float | None = None  # when the first checked sentence was streamed
    first_token: float | None = None  # when the model's first piece arrived (never shown as such)
    side_calls: tuple[SideCall, ...] = ()
    # The language the model writes in and its sentences are checked in, when it is not the
    # answer's: the sources' (rag/answering/pivot.py); the sentences are translated at the end.
    write_language: str | None = None

    @property
    def written(self) -> str:
        return self.write_language or self.language

    def with_side_calls(self, calls: Sequence[SideCall]) -> Draft:
        return replace(self, side_calls=(*self.side_calls, *calls)) if calls else self

    def refusal(self, reason: Reason, dropped: Sequence[str] = (), detail: str = "") -> Answer:
        """The fixed refusal text, with the reason (a key of refusal.REASONS) in the question's
        language; `detail` (what the model said) follows it."""
        why = reason_text(reason, self.language) + (f": {detail}" if detail else "")
        text = refusal_text(self.language)
        return self.answer(text=text, refused=True, refusal_reason=why, dropped_sentences=tuple(dropped))

    def answer(self, **fields: object) -> Answer:
        now = time.perf_counter()
        # Nothing streamed (a refusal, or no sentence passed its check): the text appears now.
        first_shown = now if self.first_shown is None else self.first_shown
        plan = self.plan
        return Answer(
            question=self.question,
            standalone_question=self.standalone,
            language=self.language,
            hits=self.hits,
            context_chunk_ids=tuple(p.chunk.id for p in plan.passages) if plan else (),
            left_out_chunk_ids=plan.left_out if plan else (),
            shown_spans=tuple(
                ShownSpan(doc_id=p.chunk.doc_id, start=start, end=end)
                for p in (plan.passages if plan else ())
                for start, end in p.spans
            ),
            prompt_tokens=plan.prompt_tokens if plan else 0,
            completion_tokens=self.gen.count_tokens(self.completion) if self.completion else 0,
            side_calls=self.side_calls,
            timings=Timings(
                retrieve_s=round(self.retrieved - self.started, 4),
                first_token_s=round(first_shown - self.started, 4),
                model_first_token_s=(
                    round(self.first_token - self.started, 4) if self.first_token is not None else None
                ),
                total_s=round(now - self.started, 4),
                side_s=round(sum(c.seconds for c in self.side_calls), 4),
            ),
            backend=self.gen.name,
            model=self.gen.model,
            **fields,  # type: ignore[arg-type]
        )
