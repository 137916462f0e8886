"""HTML for the Documents tab (the table, the progress bar) and the indexing notice in the chat tab.
File names, titles and reasons come from documents and uploads: all of it goes through `esc`."""

from __future__ import annotations

from collections.abc import Sequence

from ui.documents import STAGE_TEXT, DocumentRow, progress_fraction
from ui.indexer import IndexerState
from ui.render import esc

COLUMNS = ("Title", "File", "Type", "Pages", "Chunks", "Language", "Date", "Status")


def _cell(value: object) -> str:
    return esc(str(value)) if value not in (None, "") else '<span class="muted">—</span>'


def _status(row: DocumentRow) -> str:
    reason = f'<div class="doc-reason">{esc(row.reason)}</div>' if row.reason else ""
    return f'<span class="doc-status {row.status.replace(" ", "-")}">{esc(row.status)}</span>{reason}'


def render_table(rows: Sequence[DocumentRow]) -> str:
    if not rows:
        return '<div class="docs-empty muted">No documents yet: drop files above to add them.</div>'
    indexed = sum(1 for row in rows if row.status == "indexed")
    head = "".join(f"<th>{name}</th>" for name in COLUMNS)
    body = "".join(
        f'<tr data-path="{esc(row.path)}"><td class="doc-title">{esc(row.title)}</td>'
        f'<td class="doc-file">{esc(row.path)}</td><td>{esc(row.kind)}</td>'
        f'<td class="num">{_cell(row.pages)}</td>'
        f'<td class="num">{_cell(row.chunks)}</td><td>{_cell(row.language)}</td><td>{_cell(row.date)}</td>'
        f"<td>{_status(row)}</td></tr>"
        for row in rows
    )
    caption = f"{indexed} of {len(rows)} files indexed · newest first"
    return (
        f'<div class="docs-table"><table><caption>{caption}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def progress_text(state: IndexerState) -> str:
    """ "Embedding passages: 40 of 120 — 62%" while a pass runs; "" when idle."""
    if not state.running:
        return ""
    percent = f"{progress_fraction(state) * 100:.0f}%"
    progress = state.progress
    if progress is None:
        return f"Starting — {percent}"
    counted = f": {progress.done} of {progress.total}" if progress.stage == "embedding" else ""
    queued = " (another pass follows)" if state.queued else ""
    return f"{STAGE_TEXT[progress.stage]}{counted} — {percent}{queued}"


def render_progress(state: IndexerState) -> str:
    """The progress bar while a pass runs; after one, its outcome (or its error) in one line."""
    if state.running:
        width = f"{progress_fraction(state) * 100:.1f}%"
        return (
            f'<div class="docs-progress" role="progressbar" aria-valuenow="{width[:-1]}">'
            f'<div class="bar" style="width:{width}"></div><span>{esc(progress_text(state))}</span></div>'
        )
    if state.error:
        return f'<div class="chat-error docs-error">{esc(state.error)}</div>'
    if state.documents == 0:
        return '<div class="docs-done muted">The index is empty: drop files above to add documents.</div>'
    if state.finished_at is not None:
        when = state.finished_at.astimezone().strftime("%H:%M:%S")
        return f'<div class="docs-done muted">Index up to date (last pass {when}).</div>'
    return ""


def skip_lines(state: IndexerState) -> list[str]:
    return [skip.reason for skip in state.skipped or () if skip.problem]


def render_notice(state: IndexerState) -> str:
    """For the chat tab: indexing progress, a failed pass, and the files the last pass skipped."""
    parts: list[str] = []
    if state.running:
        parts.append(f"<div>Indexing new documents… {esc(progress_text(state))}</div>")
    if state.error:
        parts.append(f'<div class="chat-error">{esc(state.error)}</div>')
    skipped = skip_lines(state)
    if skipped:
        items = "".join(f"<li>{esc(line)}</li>" for line in skipped)
        parts.append(f'<div class="docs-skipped">Not indexed ({len(skipped)}):<ul>{items}</ul></div>')
    return f'<div class="docs-notice">{"".join(parts)}</div>' if parts else ""
