"""Write in the sources' language, answer in the question's.

The 1.5B model answers Dutch questions over Dutch passages far better than English ones over
the same passages (own gold, key-fact recall .70 against .18): asked to read Dutch and write
English at once, it misreads tables, drops the word that matters, or writes sentences the
cross-language support check cannot confirm. So when most passages are in another language than
the question, the model writes its answer in the passages' language, every sentence is checked
against the passages in that one language (the strong, word-level check), and only the checked
answer is translated into the question's language, in one short call.

A translation is kept only when it keeps every number of the original, is in the answer's
language, and is neither much shorter nor much longer; a quote's translation must also mean
what the original says (Composer.faithful). Quotes are labelled as machine translation; the
citations point at the original words, which the Sources panel shows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Generator, Sequence
from dataclasses import replace

from rag.answering.citations import render_answer
from rag.answering.draft import Draft, wrong_language_sentence
from rag.answering.quotes import MACHINE_TRANSLATION
from rag.answering.translate import translate_sentences, usable_translation
from rag.answering.types import RawSentence
from rag.text.language import PROMPT_NAMES
from rag.types import Answer, AnswerSentence, StreamStatus

_QUOTE_MARKS = "„“”\"'"


def writing_language(languages: Sequence[str], language: str) -> str:
    """The language the model should write in: the question's, unless most of the passages
    (`languages`, one per passage) are in one other language."""
    if not languages:
        return language
    (common, count), *_ = Counter(languages).most_common(1)
    return common if common != language and count * 2 > len(languages) else language


def translate_answer(
    answer: Answer, draft: Draft, faithful: Callable[[str, str], bool]
) -> Generator[StreamStatus, None, Answer]:
    """The answer, written in `draft.written`, with its sentences in `draft.language`.

    A sentence whose translation is not usable is dropped (listed in dropped_sentences); when no
    sentence of the answer is left, the answer is a refusal."""
    if answer.refused or draft.written == draft.language:
        return answer
    language = draft.language
    # The lead-in is in the answer's language already, and so is a sentence the model wrote in
    # it although asked for the sources' language (it was checked across languages).
    todo = [
        i
        for i, s in enumerate(answer.sentences)
        if s.flag != "uncited" and wrong_language_sentence(_unquoted(s), language)
    ]
    if not todo:
        return answer
    yield StreamStatus(message=f"translating the answer into {PROMPT_NAMES[language]}")
    originals = [_unquoted(answer.sentences[i]) for i in todo]
    translated, call = translate_sentences(
        [RawSentence(text=t) for t in originals], PROMPT_NAMES[language], draft.gen, language
    )
    draft = replace(draft, side_calls=(*answer.side_calls, call))
    texts = [s.text for s in translated] if translated else [None] * len(todo)
    sentences: list[AnswerSentence] = []
    dropped = list(answer.dropped_sentences)
    by_index = dict(zip(todo, zip(originals, texts, strict=True), strict=True))
    for i, sentence in enumerate(answer.sentences):
        if i not in by_index:
            sentences.append(sentence)
            continue
        original, text = by_index[i]
        usable = usable_translation(original, text, language) if text is not None else None
        quoted = sentence.flag in ("quote", "translation")
        if usable is None or (quoted and not faithful(original, usable)):
            dropped.append(sentence.text)
            continue
        sentences.append(_translated(sentence, usable, language, quoted))
    if not any(s.flag != "uncited" for s in sentences):
        return draft.refusal("untranslated", dropped)
    cited = {n for s in sentences for n in s.sources}
    return draft.answer(
        text=render_answer(sentences),
        sentences=tuple(sentences),
        citations=tuple(c for c in answer.citations if c.n in cited),
        dropped_sentences=tuple(dropped),
    )


def _unquoted(sentence: AnswerSentence) -> str:
    return sentence.text.strip().strip(_QUOTE_MARKS).strip() if sentence.flag == "quote" else sentence.text


def _translated(sentence: AnswerSentence, text: str, language: str, quoted: bool) -> AnswerSentence:
    if not quoted:
        return sentence.model_copy(update={"text": text})
    mark = ("„", "”") if language == "nl" else ("“", "”")
    label = MACHINE_TRANSLATION.get(language, MACHINE_TRANSLATION["en"])
    return sentence.model_copy(update={"text": f"{mark[0]}{text}{mark[1]} ({label})", "flag": "translation"})
