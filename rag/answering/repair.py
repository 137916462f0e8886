"""Language repairs of the model's output, before it is checked and composed.

Small models drift into the passages' language: a whole answer written in Dutch for an English
question is translated sentence by sentence; single words left in the passages' language
('kernwapens' in an English sentence) are translated in place. Both are side calls to the same
model, reported as status notes while they run.
"""

from __future__ import annotations

from collections.abc import Generator

from rag.answering.draft import Draft, wrong_language
from rag.answering.translate import translate_sentences
from rag.answering.types import ModelOutput
from rag.answering.untranslated import fix_untranslated, foreign_words
from rag.text.language import PROMPT_NAMES
from rag.types import StreamStatus


def repair_language(
    output: ModelOutput, draft: Draft, *, fix_words: bool
) -> Generator[StreamStatus, None, tuple[ModelOutput, Draft]]:
    """Yield a status note per repair; return the repaired output and the draft with its side calls."""
    lang = draft.written
    # Asked to write in the sources' language, a model that wrote in the question's anyway is
    # checked as it wrote (across languages) rather than translated there and back.
    pivoting = lang != draft.language
    if not pivoting and wrong_language(output, lang):
        yield StreamStatus(message=f"translating the answer into {PROMPT_NAMES[lang]}")
        translated, call = translate_sentences(output.sentences, PROMPT_NAMES[lang], draft.gen, lang)
        draft = draft.with_side_calls([call])
        if translated is not None:
            output = output.model_copy(update={"sentences": translated})
    if fix_words and output.answerable:
        foreign = _foreign_text(draft)
        found = (
            [foreign_words(s.text, lang, foreign, draft.standalone) for s in output.sentences]
            if foreign
            else []
        )
        if any(found):
            yield StreamStatus(message="translating words left in the sources' language")
            fixed, calls = fix_untranslated(
                output.sentences, found, lang, foreign, draft.standalone, draft.gen
            )
            output = output.model_copy(update={"sentences": fixed})
            draft = draft.with_side_calls(calls)
    return output, draft


def _foreign_text(draft: Draft) -> str:
    """The passages' text in another language than the answer's ('' when there is none)."""
    passages = draft.plan.passages if draft.plan else ()
    return " ".join(p.passage.text for p in passages if p.chunk.language != draft.written)
