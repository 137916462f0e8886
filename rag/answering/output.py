"""Reading the model's JSON output: tolerant parsing, repair of truncated output, and the
answer so far while the JSON is still being generated (read_partial)."""

from __future__ import annotations

import json
import re

from pydantic import ValidationError

from rag.answering.types import ModelOutput, RawSentence
from rag.errors import GenerationError


def _open_brackets(text: str) -> tuple[list[str], bool]:
    """The closers a JSON prefix still owes (innermost last), and whether it stops inside a string."""
    stack: list[str] = []
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            stack.append("]" if ch == "[" else "}")
        elif ch in "]}" and stack:
            stack.pop()
    return stack, in_string


def close_json(text: str) -> str:
    """Close whatever a truncated JSON document left open (strings, arrays, objects)."""
    stack, in_string = _open_brackets(text)
    out = text
    if in_string:
        out = re.sub(r"\\u[0-9a-fA-F]{0,3}$|\\$", "", out) + '"'
    previous = None
    while previous != out:  # drop a trailing comma, colon, or a key that has no value yet
        previous = out
        out = re.sub(r"[,:]\s*$", "", out.rstrip())
        out = re.sub(r'([{,])\s*"[^"]*"$', r"\1", out)
    return out + "".join(reversed(stack))


def _loads(text: str) -> object:
    try:
        return json.loads(text, strict=False)
    except json.JSONDecodeError:
        return json.loads(close_json(text), strict=False)


def parse_output(text: str) -> ModelOutput:
    """Parse the model's reply; raises GenerationError when nothing usable is in it."""
    stripped = text.strip()
    start = stripped.find("{")
    if start < 0:
        raise GenerationError("the model returned no JSON answer; try again or use another generator")
    try:
        return ModelOutput.model_validate(_loads(stripped[start:]))
    except (json.JSONDecodeError, ValidationError) as exc:
        raise GenerationError(f"the model's answer could not be read ({exc.__class__.__name__})") from exc


def render(sentences: list[RawSentence], *, markers: bool = True) -> str:
    parts = []
    for s in sentences:
        text = " ".join(s.text.split())
        if not text:
            continue
        cites = "".join(f"[{n}]" for n in dict.fromkeys(s.sources)) if markers else ""
        parts.append(f"{text} {cites}".rstrip() if cites else text)
    return " ".join(parts)


def read_partial(buffer: str) -> tuple[ModelOutput, int] | None:
    """The answer the model has written so far, and how many of its sentences are complete
    (their JSON object closed, so text and sources are final).

    None while nothing can be read yet, or while the model has not yet said that the question
    is answerable: a sentence written before `"answerable": false` is no answer to show.
    """
    start = buffer.find("{")
    if start < 0:
        return None
    try:
        partial = ModelOutput.model_validate(_loads(buffer[start:]))
    except (json.JSONDecodeError, ValidationError, ValueError):
        return None
    if "answerable" not in partial.model_fields_set or not partial.answerable:
        return None
    # Open brackets: the answer object, the sentences array, and the sentence being written.
    inside_sentence = len(_open_brackets(buffer[start:])[0]) > 2
    n = len(partial.sentences)
    return partial, n - 1 if inside_sentence and n else n
