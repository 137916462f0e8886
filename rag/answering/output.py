"""Reading the model's JSON output: tolerant parsing, repair of truncated output, and the
incremental view used to stream answer text while the JSON is still being generated."""

from __future__ import annotations

import json
import re

from pydantic import ValidationError

from rag.answering.types import ModelOutput, RawSentence
from rag.errors import GenerationError


def close_json(text: str) -> str:
    """Close whatever a truncated JSON document left open (strings, arrays, objects)."""
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


class StreamingView:
    """Feed JSON pieces; get the readable answer text that has become certain so far.

    The last sentence's source markers are shown only once the next sentence starts or the
    output ends, so the streamed text only ever grows.
    """

    def __init__(self) -> None:
        self.buffer = ""
        self.shown = ""

    def feed(self, piece: str) -> str:
        self.buffer += piece
        try:
            partial = ModelOutput.model_validate(_loads(self.buffer[self.buffer.find("{") :]))
        except (json.JSONDecodeError, ValidationError, ValueError):
            return ""
        if not partial.answerable:  # a refusal is replaced by the fixed refusal text
            return ""
        done, last = partial.sentences[:-1], partial.sentences[-1:]
        text = render(done)
        if last:
            tail = " ".join(last[0].text.split())
            text = f"{text} {tail}".strip() if tail else text
        return self._advance(text)

    def finish(self, output: ModelOutput) -> str:
        return self._advance(render(output.sentences))

    def _advance(self, text: str) -> str:
        if not text.startswith(self.shown) or len(text) <= len(self.shown):
            return ""
        delta, self.shown = text[len(self.shown) :], text
        return delta
