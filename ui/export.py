"""A conversation as Markdown: each question, the answer with its [n] markers, then the numbered
sources (document title, date, page or section, and the quoted passage). No Gradio here."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from rag.labels import citation_label
from rag.types import Answer, Citation
from ui.conversations import Conversation

_SPACES = re.compile(r"\s+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Document text is data: in a Markdown viewer, HTML or an image in it could load something from
# the network. Escaped, it shows as the characters it is; [n] markers and other text stay as written.
_ACTIVE = re.compile(r"([<>\\]|!(?=\[))")


def _plain(text: str) -> str:
    return _ACTIVE.sub(r"\\\1", text)


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _one_line(text: str) -> str:
    return _plain(_SPACES.sub(" ", text).strip())


def _quoted(text: str) -> str:
    """A Markdown block quote of `text`, every line of it."""
    return "\n".join(f"> {_plain(line)}".rstrip() for line in text.strip().splitlines())


def citation_markdown(citation: Citation) -> str:
    """Named as in the chat, but without the file: a saved answer may outlive its document."""
    return (
        f"**[{citation.n}]** {_one_line(citation_label(citation, None).text())}\n\n{_quoted(citation.quote)}"
    )


def answer_markdown(answer: Answer) -> str:
    """The answer text as the chat shows it: the answer, its quoted source sentences, its sources."""
    answer_text, *quotes = answer.text.split("\n\n")
    parts = [_plain(answer_text.strip()) or "No answer in the documents."]
    if answer.refused:
        reason = f" ({_plain(answer.refusal_reason)})" if answer.refusal_reason else ""
        parts = [f"*{parts[0]}*{reason}"]
    parts += [_quoted(q) for q in quotes if q.strip()]
    if answer.citations:
        parts.append("Sources:")
        parts += [citation_markdown(c) for c in answer.citations]
    return "\n\n".join(parts)


def conversation_markdown(conversation: Conversation, now: datetime) -> str:
    title = _one_line(conversation.title) or "Conversation"
    count = len(conversation.exchanges)
    parts = [
        f"# {title}",
        f"*Started {_when(conversation.created_at)}, exported {_when(now)}; "
        f"{count} question{'s' if count != 1 else ''}.*",
    ]
    for number, exchange in enumerate(conversation.exchanges, start=1):
        parts.append(f"## {number}. {_one_line(exchange.answer.question)}")
        parts.append(answer_markdown(exchange.answer))
    return "\n\n".join(parts) + "\n"


def export_filename(conversation: Conversation) -> str:
    """A file name people recognise (from the title), safe on every system: a-z, 0-9 and dashes."""
    ascii_title = unicodedata.normalize("NFKD", conversation.title).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_title.lower()).strip("-")[:50].rstrip("-")
    return f"{slug or 'conversation'}.md"
