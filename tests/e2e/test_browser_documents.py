"""The Documents tab in a real browser (Chromium via Playwright) with the scripted test assistant:
drop a PDF (and a broken one) on the upload area, watch it being indexed, ask about it in the chat
and see its page in the citation, then move it to the trash and see it gone from the answers.
Screenshots go to test-artifacts/; RAG_UPDATE_SCREENSHOTS=1 also rewrites docs/documents-tab.png
(the README's picture)."""

from __future__ import annotations

import base64
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from rag.generators.base import GenerationRequest
from rag.testing import SEEDS, make_test_assistant
from tests.corpus.fixtures import text_pdf
from tests.e2e.test_browser_chat import ask, open_chat
from ui.app import create_app

pytestmark = pytest.mark.e2e
WAIT = 60_000  # ms: answering and indexing on a shared 2-core machine

PAGES = [
    "Stormvloedkeringen in Zeeland. Dit rapport beschrijft hoe de provincie Zeeland zich tegen de zee "
    "beschermt. Het eerste deel gaat over de geschiedenis van de dijken sinds de middeleeuwen.",
    "De watersnood van 1953 kostte meer dan achttienhonderd mensen het leven. Na de ramp besloot de "
    "regering tot het Deltaplan, een reeks dammen en dijken langs de hele zuidwestelijke kust.",
    "De Oosterscheldekering sluit haar tweeënzestig schuiven bij zware storm, zodat het hoge water "
    "buiten blijft. Bij normaal weer staan de schuiven open en blijft het getij in de Oosterschelde.",
]
QUESTION = "Wat doet de Oosterscheldekering bij zware storm met haar schuiven?"
# Drops files on the upload area the way a browser does when a person drags them in from their desktop.
DROP = """async (files) => {
  const transfer = new DataTransfer();
  for (const [name, data] of files) {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    transfer.items.add(new File([bytes], name, { type: 'application/pdf' }));
  }
  const area = document.querySelector('#rag-upload .upload-container');
  for (const type of ['dragenter', 'dragover', 'drop']) {
    area.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
  }
}"""


def best_sentence(request: GenerationRequest) -> str:
    """A scripted model that answers with the sentence of passage [1] sharing most words with the
    question, citing it (the sentence, and so the page, a reader would want)."""
    if request.task == "condense":
        return json.dumps({"question": request.question})
    if not request.passages:
        return json.dumps({"answerable": False, "sentences": []})
    words = set(re.findall(r"\w+", request.question.lower()))
    sentences = re.split(r"(?<=[.!?])\s+", request.passages[0].text)
    best = max(sentences, key=lambda s: len(words & set(re.findall(r"\w+", s.lower()))))
    return json.dumps({"answerable": True, "sentences": [{"text": best, "sources": [1]}]})


def drop_files(page: Page, files: list[Path]) -> None:
    page.evaluate(DROP, [[f.name, base64.b64encode(f.read_bytes()).decode()] for f in files])


def status_of(page: Page, name: str) -> Any:
    return page.locator(f'#rag-docs-table tr[data-path="{name}"] .doc-status')


def cited_text(page: Page, turn: int) -> str:
    """The text of the cited source cards of answer number `turn` (not the question above them)."""
    expect(page.locator(f'#rag-sources [id^="src-{turn}-"]').first).to_be_visible(timeout=WAIT)
    return " ".join(page.locator(f'#rag-sources [id^="src-{turn}-"] .src-body').all_text_contents())


def page_of(text: str) -> int:
    """The PDF page (from 1) that holds `text`, compared without spacing."""
    squeeze = re.compile(r"\s+")
    return next(n for n, body in enumerate(PAGES, 1) if squeeze.sub("", text) in squeeze.sub("", body))


def test_upload_index_cite_by_page_then_remove(
    tmp_path: Path, serve: Callable[..., str], browser: BrowserContext, screenshot: Callable[..., Any]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, corpus / seed.name)
    assistant = make_test_assistant(tmp_path / "app", best_sentence, corpus_dir=corpus)
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    pdf = text_pdf(uploads / "zeeland.pdf", PAGES)
    broken = uploads / "kapot.pdf"
    broken.write_bytes(b"%PDF-1.4 this file was cut off")

    page = open_chat(browser, serve(create_app(assistant.settings, assistant)))
    page.set_viewport_size({"width": 1400, "height": 1000})
    ask(page, QUESTION)  # before the upload: the PDF is not known
    assert "Oosterscheldekering" not in cited_text(page, 1)

    page.get_by_role("tab", name="Documents").click()
    drop_files(page, [pdf, broken])
    expect(page.locator("#rag-docs-log")).to_contain_text("zeeland.pdf: added as zeeland.pdf")
    expect(status_of(page, "zeeland.pdf")).to_have_text("indexed", timeout=WAIT)
    expect(status_of(page, "kapot.pdf")).to_have_text("skipped")
    expect(page.locator('#rag-docs-table tr[data-path="kapot.pdf"]')).to_contain_text("not a readable PDF")
    row = page.locator('#rag-docs-table tr[data-path="zeeland.pdf"]')
    expect(row.locator("td").nth(3)).to_have_text("3")  # pages
    expect(page.locator("#rag-docs-progress")).to_contain_text("Index up to date")
    screenshot(page, "documents-tab", docs="documents-tab.png")  # the README's picture

    page.get_by_role("tab", name="Chat").click()
    expect(page.locator("#rag-docs-notice")).to_contain_text("kapot.pdf")  # the skip, in the chat too
    ask(page, QUESTION)
    card = page.locator("#src-2-1")
    expect(card).to_contain_text("Stormvloedkeringen in Zeeland", timeout=WAIT)  # the PDF's title
    marked = card.locator("mark").text_content() or ""
    assert "Oosterscheldekering sluit" in marked and page_of(marked) == 3
    expect(card.locator(".src-where")).to_have_text("p. 3")
    screenshot(page, "documents-cited-by-page")

    page.get_by_role("tab", name="Documents").click()
    page.locator("#rag-docs-choice input").click()
    page.get_by_role("option", name="zeeland.pdf").click()
    page.locator("#rag-docs-remove").click()
    expect(page.locator("#rag-docs-log")).to_contain_text("moved to")
    expect(page.locator('#rag-docs-table tr[data-path="zeeland.pdf"]')).to_have_count(0, timeout=WAIT)
    expect(page.locator("#rag-docs-progress")).to_contain_text("Index up to date")
    assert list((assistant.settings.data_dir / "trash").rglob("zeeland.pdf"))  # kept, not deleted

    page.get_by_role("tab", name="Chat").click()
    ask(page, QUESTION)
    assert "Oosterscheldekering" not in cited_text(page, 3)
    expect(page.locator("#rag-chat .message").last).not_to_contain_text("Oosterscheldekering")
