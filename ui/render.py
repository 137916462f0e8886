"""HTML for the chat page: answers with linked [n] markers, the sources panel, the status footer.

Every piece of document or answer text goes through `escape_md` or `esc` (documents may contain HTML or
prompt-injection text), so only the markup built here ever reaches the page. Which one depends on
where the text lands in the chat bubble: a bubble that starts with a block tag (`<div ...>`) is
an HTML block, where markdown is not applied and backslash escapes would show; there `esc`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rag.labels import SourceLabel, citation_label, hit_label
from rag.types import Answer, Citation, Document, Hit

if TYPE_CHECKING:
    from rag.answering.pipeline import AssistantInfo

CITE_RE = re.compile(r"\[(\d{1,3})\]")
# Markdown punctuation: escaped so the chatbot's markdown renderer shows the text literally.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]()#+!|~{}$-])")
# Setting names and quoted commands in error messages, shown as code so they can be copied as they are.
_CODE_IN_MESSAGE = re.compile(r"\bRAG_[A-Z0-9_]+\b|'(rag [^']+)'")
_SURROGATE = re.compile("[\ud800-\udfff]")  # in a Python str, always a lone one
CONTEXT_CHARS = 150  # shown on each side of a cited span (~300 chars of surrounding text)
EXCERPT_CHARS = 300

DocumentLookup = Callable[[str], Document | None]


def valid_text(text: str) -> str:
    """Text the page can carry: a lone surrogate (a browser can send one) would fail the
    page update as a whole, so it becomes U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def escape_md(text: str) -> str:
    """Plain text -> markup that the chatbot's markdown + HTML renderer shows literally."""
    # Markdown first, then HTML: entities made by html.escape must not get backslashes.
    return html.escape(_MD_SPECIAL.sub(r"\\\1", valid_text(text)), quote=False)


def esc(text: str) -> str:
    """Plain text -> HTML (for the raw-HTML panels, which do not render markdown)."""
    return html.escape(valid_text(text), quote=True)


def source_id(turn: int, n: int) -> str:
    """The element id of source [n] of answer number `turn` (unique across the conversation)."""
    return f"src-{turn}-{n}"


def render_answer_text(
    text: str, turn: int, citations: Sequence[Citation] = (), escape: Callable[[str], str] = escape_md
) -> str:
    """Answer text with every [n] turned into a link to its source card; the quoted source
    sentences under it (paragraphs after the first) as block quotes. `escape=esc` for text
    inside an HTML block."""
    answer, *quotes = text.split("\n\n")
    body = _linked(answer, turn, citations, escape)
    return body + "".join(
        f'<blockquote class="source-quote">{_linked(q, turn, citations, escape)}</blockquote>' for q in quotes
    )


def _linked(
    text: str, turn: int, citations: Sequence[Citation], escape: Callable[[str], str] = escape_md
) -> str:
    titles = {c.n: c.title for c in citations}
    parts: list[str] = []
    pos = 0
    for match in CITE_RE.finditer(text):
        parts.append(escape(text[pos : match.start()]))
        n = int(match.group(1))
        title = html.escape(titles.get(n, f"source {n}"), quote=True)
        parts.append(f'<a class="cite" href="#{source_id(turn, n)}" title="{title}">[{n}]</a>')
        pos = match.end()
    parts.append(escape(text[pos:]))
    return "".join(parts)


_NEAREST_HINT = {
    "nl": "De dichtstbijzijnde passages staan bij de bronnen.",
    "en": "The nearest passages are listed under Sources.",
}


def render_answer(answer: Answer, turn: int) -> str:
    """The chat bubble for a finished answer (a refusal gets its own style, in an HTML block)."""
    if not answer.refused:
        return render_answer_text(answer.text, turn, answer.citations)
    text = render_answer_text(answer.text, turn, answer.citations, esc) or "No answer in the documents."
    why = f'<div class="why">({esc(answer.refusal_reason)})</div>' if answer.refusal_reason else ""
    hint = _NEAREST_HINT.get(answer.language, _NEAREST_HINT["en"]) if answer.hits else ""
    return _html_block(
        f'<div class="refusal"><strong>{text}</strong>{why}<div class="hint">{hint}</div></div>'
    )


def _html_block(markup: str) -> str:
    """One line: a blank line would end the HTML block, and markdown would apply to the rest."""
    return "<br>".join(line for line in markup.splitlines() if line.strip())


def render_error(message: str) -> str:
    """An error in the chat: an HTML block, so plain HTML escaping (a backslash would show), with
    setting names and commands as code: `RAG_MAX_QUESTION_CHARS` copies as it reads."""
    parts: list[str] = []
    pos = 0
    for match in _CODE_IN_MESSAGE.finditer(message):
        parts.append(esc(message[pos : match.start()]))
        parts.append(f"<code>{esc(match.group(1) or match.group(0))}</code>")
        pos = match.end()
    parts.append(esc(message[pos:]))
    return _html_block(f'<div class="chat-error">{"".join(parts)}</div>')


CURSOR = '<span class="cursor">▍</span>'  # ends every bubble that is still being written


def render_status_line(message: str) -> str:
    return f'<span class="pending">{escape_md(message)}</span>{CURSOR}'


def render_partial(text: str, turn: int) -> str:
    """An answer still being streamed."""
    return render_answer_text(text, turn) + CURSOR


def render_stopped(content: str) -> str:
    """A bubble whose answer was stopped: drop the cursor, say so (a finished answer is kept)."""
    if not content.endswith(CURSOR):
        return content
    return content.removesuffix(CURSOR) + ' <span class="pending">(stopped)</span>'


def _snap_left(text: str, pos: int) -> int:
    space = text.find(" ", pos, pos + 30)
    return space + 1 if pos > 0 and space != -1 else pos


def _snap_right(text: str, pos: int) -> int:
    space = text.rfind(" ", max(pos - 30, 0), pos)
    return space if pos < len(text) and space != -1 else pos


def highlight_span(text: str, start: int, end: int, context: int = CONTEXT_CHARS) -> str:
    """`text[start:end]` in <mark>, inside about `context` characters on each side."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    end = max(end, start)
    left = _snap_left(text, max(0, start - context))
    right = _snap_right(text, min(len(text), end + context))
    before = ("…" if left > 0 else "") + text[left:start]
    after = text[end:right] + ("…" if right < len(text) else "")
    return f"{esc(before)}<mark>{esc(text[start:end])}</mark>{esc(after)}"


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    if len(text) <= limit:
        return esc(text)
    return esc(text[: _snap_right(text, limit)] + " …")


def _meta(label: SourceLabel) -> str:
    """Title, file, date, and where in the document (page(s), section) when known."""
    file = f' <span class="src-file">{esc(label.file)}</span>' if label.file else ""
    when = f' <span class="src-date">{html.escape(label.date)}</span>' if label.date else ""
    place = f' <span class="src-where">{esc(label.where)}</span>' if label.where else ""
    return f'<span class="src-title">{html.escape(label.title)}</span>{file}{when}{place}'


def render_citation_card(citation: Citation, turn: int, document: Document | None) -> str:
    if document is not None and document.text[citation.start : citation.end] == citation.quote:
        body = highlight_span(document.text, citation.start, citation.end)
    else:  # the document is gone from the index, or changed since (a saved answer): only the quote
        body = f"<mark>{esc(citation.quote)}</mark>"
    support = f'<span class="src-support">support {citation.support:.0%}</span>'
    return (
        f'<div class="src-card" id="{source_id(turn, citation.n)}">'
        f'<div class="src-head"><span class="src-n">[{citation.n}]</span> '
        f"{_meta(citation_label(citation, document))}{support}</div>"
        f'<div class="src-body">{body}</div></div>'
    )


def render_hit(hit: Hit, document: Document | None = None) -> str:
    return (
        f'<div class="src-card hit"><div class="src-head"><span class="src-rank">#{hit.rank}</span> '
        f"{_meta(hit_label(hit, document))}</div>"
        f'<div class="src-body">{excerpt(hit.chunk.text)}</div></div>'
    )


def render_sources(answer: Answer, turn: int, lookup: DocumentLookup) -> str:
    """Cited passages with the cited span highlighted; the rest of the retrieved ones folded away."""
    cited = {c.chunk_id for c in answer.citations}
    others = [h for h in answer.hits if h.chunk.id not in cited]
    cards = [render_citation_card(c, turn, lookup(c.doc_id)) for c in answer.citations]
    parts = ["".join(cards)]
    if answer.refused and others:
        label = f"Nearest passages ({len(others)})"
        parts.append(f'<details class="nearest" open><summary>{label}</summary>')
    elif others:
        parts.append(f"<details><summary>Retrieved but not cited ({len(others)})</summary>")
    if others:
        parts.append("".join(render_hit(h, lookup(h.chunk.doc_id)) for h in others) + "</details>")
    if not cards and not others:
        parts.append('<p class="muted">No passages were retrieved.</p>')
    return "".join(parts)


@dataclass(frozen=True)
class PanelEntry:
    turn: int
    question: str
    body: str  # from render_sources


def render_panel(entries: Sequence[PanelEntry]) -> str:
    """Newest answer's sources open; earlier answers' sources folded (opened by a citation click)."""
    if not entries:
        return '<div class="sources-empty muted">Sources of the answer appear here.</div>'
    newest, *older = sorted(entries, key=lambda e: e.turn, reverse=True)
    parts = [f'<div class="src-q">Sources for: {esc(newest.question)}</div>{newest.body}']
    for entry in older:
        parts.append(
            f'<details class="older"><summary>Earlier: {esc(entry.question)}</summary>{entry.body}</details>'
        )
    return f'<div class="sources">{"".join(parts)}</div>'


def render_info(info: AssistantInfo | None, error: str | None = None) -> str:
    """Which generator and models are loaded, and how big the index is."""
    if info is None:
        return f'<span class="status-error">Not ready: {esc(error or "loading")}</span>'
    built = f", built {info.index_created_at:%Y-%m-%d %H:%M}" if info.index_created_at else ""
    return (
        f"<span>Generator: <b>{esc(info.generator)}</b> ({esc(info.model)})</span>"
        f"<span>Embeddings: {esc(info.embed_model)}</span>"
        f"<span>Index: {info.n_documents} documents, {info.n_chunks} passages{built}</span>"
    )


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def render_timings(answer: Answer) -> str:
    """Per-answer facts: timings, passages used and left out, sentences removed by validation."""
    t = answer.timings
    facts = [
        f"retrieval {_seconds(t.retrieve_s)}",
        f"first words {_seconds(t.first_token_s)}",
        f"total {_seconds(t.total_s)}",
        f"{len(answer.context_chunk_ids)} passages in context",
    ]
    extra = ""
    if answer.left_out_chunk_ids:
        facts.append(f"{len(answer.left_out_chunk_ids)} left out (did not fit)")
        extra += f"<div>Left out: {esc(', '.join(answer.left_out_chunk_ids))}</div>"
    if answer.dropped_sentences:
        facts.append(f"{len(answer.dropped_sentences)} unsupported sentence(s) removed")
        extra += "".join(f"<div>Removed: {esc(s)}</div>" for s in answer.dropped_sentences)
    line = f"<span>Last answer ({esc(answer.backend)}): {' · '.join(facts)}</span>"
    return line + (f"<details><summary>details</summary>{extra}</details>" if extra else "")


def render_status(info: AssistantInfo | None, answer: Answer | None = None, error: str | None = None) -> str:
    timings = f'<div class="status-row">{render_timings(answer)}</div>' if answer else ""
    return f'<div class="status"><div class="status-row">{render_info(info, error)}</div>{timings}</div>'
