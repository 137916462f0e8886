"""When the model answers in the passages' language instead of the question's, its sentences
are translated in one short extra call: cheaper and more reliable with a small model than
asking the whole question again."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rag.answering.side import ask
from rag.answering.types import RawSentence
from rag.generators.base import Generator
from rag.text import spelled_numbers
from rag.text.language import detect_language
from rag.text.normalise import without_footnote_marks
from rag.types import SideCall

TRANSLATE_PROMPT = (
    "Translate each sentence into {language}. Translate faithfully: keep every name, number and "
    "date, change nothing in the meaning, add nothing. "
    'Reply with JSON: {{"sentences": ["...", "..."]}}, one translation per sentence, in order.'
)


def _schema(n: int) -> dict[str, Any]:
    items = {"type": "array", "items": {"type": "string"}, "minItems": n, "maxItems": n}
    return {"type": "object", "properties": {"sentences": items}, "required": ["sentences"]}


def translate_sentences(
    sentences: Sequence[RawSentence], language_name: str, generator: Generator, language: str
) -> tuple[list[RawSentence] | None, SideCall]:
    """The sentences in `language_name` with their sources kept (None if that did not work),
    and the side call it took."""
    texts = [s.text for s in sentences]
    reply = ask(
        generator,
        "translate",
        TRANSLATE_PROMPT.format(language=language_name),
        json.dumps({"sentences": texts}, ensure_ascii=False),
        schema=_schema(len(texts)),
        max_tokens=64 + 2 * sum(len(t.split()) for t in texts) * 2,
        language=language,
    )
    translated = (reply.json or {}).get("sentences")
    if not isinstance(translated, list) or len(translated) != len(texts):
        return None, reply.call
    kept = [RawSentence(text=str(t), sources=s.sources) for t, s in zip(translated, sentences, strict=True)]
    return kept, reply.call


# A translation shorter or longer than this (in characters, against the original) lost or
# added something.
MIN_LENGTH_RATIO, MAX_LENGTH_RATIO = 0.6, 1.8


def translate_quote(
    text: str, language_name: str, generator: Generator, language: str
) -> tuple[str | None, SideCall]:
    """A source sentence in `language_name`, or None when the translation is not usable."""
    translated, call = translate_sentences([RawSentence(text=text)], language_name, generator, language)
    if not translated:
        return None, call
    return usable_translation(text, translated[0].text, language), call


def usable_translation(original: str, translated: str, language: str) -> str | None:
    """The translation, whitespace tidied, or None when it is not usable: in another language
    than `language`, much shorter or longer than the original, or missing one of its numbers."""
    # A footnote mark ("voor de NAVO.1") may be dropped by a translation without losing anything.
    result = " ".join(translated.split())
    ratio = len(result) / max(1, len(original))
    kept = spelled_numbers(without_footnote_marks(original)) <= spelled_numbers(result)
    if not MIN_LENGTH_RATIO <= ratio <= MAX_LENGTH_RATIO or not kept:
        return None
    if detect_language(result, default=language) != language:
        return None
    return result
