"""When the model answers in the passages' language instead of the question's, its sentences
are translated in one short extra call: cheaper and more reliable with a small model than
asking the whole question again."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rag.errors import GenerationError
from rag.generators.base import GenerationRequest, Generator, Message
from rag.output import RawSentence

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
) -> list[RawSentence] | None:
    """The sentences in `language_name` with their sources kept; None if that did not work."""
    texts = [s.text for s in sentences]
    request = GenerationRequest(
        task="translate",
        messages=(
            Message(role="system", content=TRANSLATE_PROMPT.format(language=language_name)),
            Message(role="user", content=json.dumps({"sentences": texts}, ensure_ascii=False)),
        ),
        schema=_schema(len(texts)),
        max_tokens=64 + 2 * sum(len(t.split()) for t in texts) * 2,
        temperature=0.0,
        language=language,
    )
    try:
        raw = "".join(generator.stream(request))
        translated = json.loads(raw, strict=False)["sentences"]
    except (GenerationError, json.JSONDecodeError, KeyError, TypeError):
        return None
    if not isinstance(translated, list) or len(translated) != len(texts):
        return None
    return [RawSentence(text=str(t), sources=s.sources) for t, s in zip(translated, sentences, strict=True)]
