"""Passages shown to the model in the question's language: the evidence sentences of a Dutch
passage translated into English before an English question is answered from them.

The built-in 1.5B model reads a Dutch passage and writes an English answer poorly (own gold,
English questions with all their evidence in the prompt: key-fact recall .37), while it
translates a few Dutch sentences into English well (the gold evidence of the English questions
of the public and own sets, translated: .83 of their English key facts in the translation, .34 in
the Dutch original). Translating first splits the hard task in two easier ones, and the answer
is then checked against the words it was written from.

A translation is kept only when it is usable (rag/answering/translate.py: same numbers, the
target language, about as long as the original); otherwise the passage stays in its own
language. Translations are cached by text, model and target language, in memory and in a file
beside the index, so a passage is translated once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from rag.answering.side import ask
from rag.answering.translate import usable_translation
from rag.answering.types import PlannedPassage
from rag.generators.base import Generator
from rag.text.language import LANGUAGE_NAMES
from rag.types import SideCall

log = logging.getLogger(__name__)

PASSAGE_PROMPT = (
    "Translate the {source} text into {target}. Translate faithfully and completely: keep every "
    "name, number and date, translate every {source} word. Reply with the {target} translation only."
)


def _key(text: str, source: str, target: str, model: str) -> str:
    return hashlib.sha256(f"{model}\0{source}\0{target}\0{text}".encode()).hexdigest()[:32]


class TranslationCache:
    """Translations by (text, languages, model); an empty string records a failed one, so it is
    not tried again. Kept in a JSON-lines file when `path` is given (appended, one line each)."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._entries: dict[str, str] = {}
        self._lock = threading.Lock()
        self._cut = False  # the file ends in a cut line: the next entry starts on a line of its own
        if path is not None and path.exists():
            saved = path.read_text(encoding="utf-8", errors="replace")
            self._cut = bool(saved) and not saved.endswith("\n")
            for line in saved.splitlines():
                try:
                    entry = json.loads(line)
                    self._entries[str(entry["key"])] = str(entry["text"])
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut by a crash: that passage is translated again

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: str, text: str, original: str = "") -> None:
        """Keep `text` under `key`; the file also records the original, for a person checking it."""
        with self._lock:
            self._entries[key] = text
            if self._path is None:
                return
            entry = {"key": key, "text": text, "original": original}
            line = json.dumps(entry, ensure_ascii=False) + "\n"
            try:
                self._path.parent.mkdir(parents=True, exist_ok=True)
                with self._path.open("a", encoding="utf-8") as out:
                    out.write(("\n" if self._cut else "") + line)
                self._cut = False
            except OSError as exc:  # a read-only or full disk: kept in memory, said once
                log.warning("translations not saved to %s: %s", self._path, exc)
                self._path = None


class PassageTranslator:
    """Translates the passages of a prompt into the answer's language (see the module's notes)."""

    def __init__(self, cache: TranslationCache) -> None:
        self.cache = cache

    def translate(
        self, passages: Sequence[PlannedPassage], target: str, generator: Generator
    ) -> tuple[list[PlannedPassage], tuple[SideCall, ...]]:
        out: list[PlannedPassage] = []
        calls: list[SideCall] = []
        for planned in passages:
            source = planned.chunk.language
            if source == target or source not in LANGUAGE_NAMES or target not in LANGUAGE_NAMES:
                out.append(planned)
                continue
            text = planned.passage.text
            key = _key(text, source, target, generator.model)
            translated = self.cache.get(key)
            if translated is None:
                reply = ask(
                    generator,
                    "translate",
                    PASSAGE_PROMPT.format(source=LANGUAGE_NAMES[source], target=LANGUAGE_NAMES[target]),
                    text,
                    max_tokens=64 + 3 * len(text.split()),
                    language=target,
                )
                calls.append(reply.call)
                translated = usable_translation(text, reply.text, target) or "" if reply.call.ok else None
                if translated is not None:
                    self.cache.put(key, translated, text)
            if translated:
                passage = planned.passage.model_copy(update={"text": translated})
                out.append(replace(planned, passage=passage, translated_from=text))
            else:
                out.append(planned)
        return out, tuple(calls)
