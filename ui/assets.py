"""The page's CSS and the small script that makes [n] citations scroll their source into view.

Both are installed by the sources panel's `js_on_load`, so the page looks the same however the
Blocks are launched (the `rag chat` command, a test, or a notebook).
"""

from __future__ import annotations

import json

CSS = """
/* Gradio's theme takes weight 600 of its font from a file that holds only "A", "B" and Cyrillic
   letters, so in every semibold heading, title and button those two letters came from another font
   than the rest ("NAVO" with a small "A"). The bold file Gradio ships holds the Latin letters. */
@font-face { font-family: 'Source Sans Pro'; font-weight: 600; font-style: normal;
  src: url('static/fonts/SourceSansPro/SourceSansPro-Bold.woff2') format('woff2'); }
.gradio-container { max-width: 1340px !important; }
#rag-title h1 { font-size: 1.35rem; margin: 0; }
#rag-title p { margin: 2px 0 0; color: var(--body-text-color-subdued); font-size: .9rem; }
a.cite { font-weight: 600; text-decoration: none; color: var(--color-accent); padding: 0 1px;
  border-radius: 3px; cursor: pointer; }
a.cite:hover { background: var(--color-accent-soft); }
blockquote.source-quote { margin: 8px 0 0; padding: 4px 10px; border-left: 3px solid var(--color-accent);
  color: var(--body-text-color-subdued); font-style: italic; }
.pending { color: var(--body-text-color-subdued); font-style: italic; }
.cursor { color: var(--color-accent); animation: rag-blink 1s steps(2) infinite; }
@keyframes rag-blink { 50% { opacity: 0; } }
.refusal { border-left: 4px solid #d97706; background: rgba(217,119,6,.09); padding: 6px 10px;
  border-radius: 4px; }
.refusal .why, .refusal .hint { font-size: .85em; color: var(--body-text-color-subdued); }
.chat-error { border-left: 4px solid #dc2626; background: rgba(220,38,38,.08); padding: 6px 10px;
  border-radius: 4px; }
/* The sources scroll within their own box, never over the status line and settings below.
   Gradio puts an inline `overflow: visible` on the component's wrapper (#rag-sources), which
   beats any stylesheet, so the scrolling box is the panel's own .sources div; it is never
   taller than the chat column beside it, and shorter in a low window. */
#rag-sources .sources { max-height: clamp(240px, calc(100vh - 200px), 540px); overflow-y: auto;
  overscroll-behavior: contain; padding-right: 4px; }
.sources-empty { padding: 24px 8px; text-align: center; }
.muted { color: var(--body-text-color-subdued); }
/* The saved conversations: one per line, as a list, not as a row of radio pills. */
#rag-conv-list .wrap { flex-direction: column; flex-wrap: nowrap; gap: 4px; }
#rag-conv-list label { width: 100%; font-size: .85rem; line-height: 1.3; }
#rag-conv-note { font-size: .85rem; }
.src-q { font-size: .85rem; color: var(--body-text-color-subdued); margin: 0 0 6px; }
.src-card { border: 1px solid var(--border-color-primary); border-radius: 6px; padding: 8px 10px;
  margin: 0 0 8px; font-size: .88rem; line-height: 1.45; transition: box-shadow .3s; }
.src-card.active { box-shadow: 0 0 0 2px var(--color-accent); }
.src-head { display: flex; gap: 6px; align-items: baseline; flex-wrap: wrap; margin-bottom: 4px; }
.src-n, .src-rank { font-weight: 700; color: var(--color-accent); }
.src-title { font-weight: 600; flex: 1 1 12rem; min-width: 0; display: -webkit-box; -webkit-line-clamp: 2;
  -webkit-box-orient: vertical; overflow: hidden; }
.src-where { font-size: .8rem; color: var(--body-text-color-subdued); font-style: italic; }
.src-file, .src-date, .src-support { color: var(--body-text-color-subdued); font-size: .8rem; }
.src-file { overflow-wrap: anywhere; }
.src-support { margin-left: auto; }
.src-body mark { background: #fde68a; color: #111; padding: 0 1px; border-radius: 2px; }
.src-card.hit { opacity: .9; }
#rag-sources details { margin: 6px 0; }
#rag-sources summary { cursor: pointer; font-size: .88rem; font-weight: 600; margin-bottom: 6px; }
details.nearest > summary { color: #b45309; }
.status { font-size: .8rem; color: var(--body-text-color-subdued); }
.status-row { display: flex; flex-wrap: wrap; gap: 4px 16px; }
.status-error { color: #dc2626; }
.status-note { color: #b45309; }
#rag-feedback-note { font-size: .85rem; }
/* The Documents tab: the table of corpus files, the indexing progress bar. */
.docs-table { max-height: 560px; overflow: auto; border: 1px solid var(--border-color-primary);
  border-radius: 6px; }
.docs-table table { width: 100%; border-collapse: collapse; font-size: .86rem; }
.docs-table caption { text-align: left; padding: 6px 10px; font-size: .8rem;
  color: var(--body-text-color-subdued); }
.docs-table th { position: sticky; top: 0; background: var(--background-fill-secondary); text-align: left;
  padding: 6px 10px; font-weight: 600; }
#rag-docs-table .docs-table th, #rag-docs-table .docs-table td { border: 0;
  border-top: 1px solid var(--border-color-primary); padding: 5px 10px; vertical-align: top; }
.docs-table td.num { text-align: right; }
.docs-table td.doc-title { font-weight: 600; }
.docs-table td.doc-file { color: var(--body-text-color-subdued); overflow-wrap: anywhere;
  min-width: 11em; }
.doc-status { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: .78rem;
  font-weight: 600; background: var(--background-fill-secondary); }
.doc-status.indexed { background: rgba(22,163,74,.14); color: #15803d; }
.doc-status.indexing { background: rgba(37,99,235,.14); color: #1d4ed8; }
.doc-status.skipped, .doc-status.removed { background: rgba(217,119,6,.15); color: #b45309; }
.doc-reason { font-size: .78rem; color: var(--body-text-color-subdued); margin-top: 2px; max-width: 420px; }
.docs-progress { position: relative; height: 26px; border-radius: 6px; overflow: hidden;
  background: var(--background-fill-secondary); border: 1px solid var(--border-color-primary); }
.docs-progress .bar { position: absolute; inset: 0 auto 0 0; background: var(--color-accent-soft);
  transition: width .4s; }
.docs-progress span { position: relative; padding: 0 10px; line-height: 26px; font-size: .85rem; }
#rag-docs-actions { align-items: center; }
#rag-docs-actions button { white-space: nowrap; }
#rag-docs-remove-label { flex: 0 0 auto !important; min-width: 0 !important; width: auto; }
#rag-docs-table .docs-table table, #rag-docs-table .docs-table tr { border: 0; }
.docs-log { font-size: .85rem; }
.docs-notice { font-size: .85rem; margin: 4px 0; }
.docs-notice ul, #rag-docs-log ul { margin: 2px 0 0 18px; padding: 0; }
.docs-skipped { color: #b45309; }
"""

_CLICK_JS = """
if (!window.__ragCitations) {
  window.__ragCitations = true;
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a[href^="#src-"]');
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    const card = document.getElementById(link.getAttribute('href').slice(1));
    if (!card) return;
    for (let node = card.parentElement; node; node = node.parentElement) {
      if (node.tagName === 'DETAILS') node.open = true;
    }
    document.querySelectorAll('.src-card.active').forEach((el) => el.classList.remove('active'));
    card.classList.add('active');
    card.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
  }, true);
}
"""


def install_js() -> str:
    """`js_on_load` code: add the stylesheet once and the citation click handler once."""
    style = (
        "if (!document.getElementById('rag-style')) {"
        " const s = document.createElement('style'); s.id = 'rag-style';"
        f" s.textContent = {json.dumps(CSS)}; document.head.appendChild(s); }}"
    )
    return style + _CLICK_JS
