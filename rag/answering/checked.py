"""The answer streamed sentence by sentence, each shown only once it has passed its check.

The model's own words are never shown unchecked: a sentence the support check drops (a made-up
detail, a prompt echoed back, a wrong citation that cannot be repaired) never reaches a
reader, not even for a moment. A sentence is checked as soon as its JSON object is closed
(text and sources are final), with the same check the final answer uses (Composer.check), so
what is streamed is what the final answer keeps, sentence for sentence. (The pipeline's check
also holds back a sentence in another language than the answer's: the final answer translates
it.)

Source markers follow render_answer: a run of sentences from the same sources is marked once,
at its end, so a sentence's markers are held back until the next kept sentence (or the end)
shows whether the run goes on. The streamed text is then the start of the final Answer's text
whenever the final steps only add to it (quotes under the answer); when they change it (a
translation, a how-many check that turns it into a refusal), the final Answer replaces it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rag.answering.output import read_partial
from rag.answering.types import ModelOutput, RawSentence
from rag.types import AnswerSentence

# The model's sentences -> those that pass the check (split, with their checked sources).
SentenceCheck = Callable[[Sequence[RawSentence]], Sequence[AnswerSentence]]


def markers(sources: Sequence[int]) -> str:
    return "".join(f"[{n}]" for n in sources)


class CheckedStream:
    """Feed the model's JSON pieces; get the text of the sentences that passed their check."""

    def __init__(self, check: SentenceCheck) -> None:
        self._check = check
        self._buffer = ""
        self._checked = 0  # the model's sentences checked so far
        self._held: tuple[int, ...] | None = None  # markers of the last shown sentence, not yet shown
        self._shown = False

    def feed(self, piece: str) -> str:
        self._buffer += piece
        partial = read_partial(self._buffer)
        if partial is None:
            return ""
        output, complete = partial
        return self._show(output.sentences[self._checked : complete])

    def finish(self, output: ModelOutput) -> str:
        """The rest, once the whole reply is read: its unchecked sentences and the held markers."""
        if not output.answerable:
            return ""  # the final Answer (a refusal) replaces anything shown
        text = self._show(output.sentences[self._checked :])
        if self._held:
            text += f" {markers(self._held)}"
        self._held = None
        return text

    def _show(self, raw: Sequence[RawSentence]) -> str:
        if not raw:
            return ""
        self._checked += len(raw)
        parts: list[str] = []
        for sentence in self._check(raw):
            if self._held is not None and sentence.sources != self._held:
                parts.append(markers(self._held))
            parts.append(sentence.text)
            self._held = sentence.sources
        text = " ".join(p for p in parts if p)
        if text and self._shown:
            text = f" {text}"
        self._shown = self._shown or bool(text)
        return text
