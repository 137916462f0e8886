"""End to end with the offline twins: a PDF made here is ingested, an answer cites a sentence
from its second page, and the citation, the chat's Sources panel and `rag ask`'s output all
name that page."""

from __future__ import annotations

import json
from pathlib import Path

from rag.cli.ask_cmd import print_answer_sources
from rag.cli.common import console
from rag.generators.base import GenerationRequest
from rag.testing import make_test_assistant
from tests.corpus.fixtures import text_pdf
from ui import render

PAGES = [
    "Het waterschap beheert de dijken langs de rivier. De dijken worden elk voorjaar geinspecteerd.",
    "In Groningen werden in 2023 twaalf nieuwe gemalen gebouwd. Ze pompen samen veel water weg.",
    "Het bestuur vergadert vier keer per jaar over de begroting. De notulen zijn openbaar.",
]
SENTENCE = "In Groningen werden in 2023 twaalf nieuwe gemalen gebouwd."


def cite_groningen(request: GenerationRequest) -> str:
    """A model that answers with the page-2 sentence, citing the passage that holds it."""
    if request.task == "condense":
        return json.dumps({"question": request.question})
    holder = next((p.n for p in request.passages if SENTENCE in " ".join(p.text.split())), None)
    if holder is None:
        return json.dumps({"answerable": False, "sentences": []})
    return json.dumps({"answerable": True, "sentences": [{"text": SENTENCE, "sources": [holder]}]})


def test_an_answer_from_a_pdf_names_the_page_it_cites(tmp_path: Path) -> None:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    text_pdf(corpus / "waterschap.pdf", PAGES)
    assistant = make_test_assistant(tmp_path / "app", cite_groningen, corpus_dir=corpus)
    [doc] = assistant.documents
    assert {page for _, _, page in doc.pages} == {1, 2, 3}

    answer = assistant.answer("Hoeveel gemalen werden in Groningen gebouwd?", language="nl")

    assert not answer.refused, answer.refusal_reason
    cited = [c for c in answer.citations if "Groningen" in c.quote]
    assert cited and all(c.pages == (2,) for c in cited)
    # The cited passage runs over more pages than the span: the citation names the span's own.
    assert assistant.index.get_chunk(cited[0].chunk_id).pages != (2,)  # type: ignore[union-attr]
    assert cited[0].location == "p. 2"
    panel = render.render_sources(answer, 1, lambda doc_id: assistant.document(doc_id))
    assert '<span class="src-where">p. 2</span>' in panel
    assert '<span class="src-file">waterschap.pdf</span>' in panel  # the title is the first line
    with console.capture() as captured:
        print_answer_sources(answer, assistant.index.get_document)
    assert any("(waterschap.pdf, p. 2)" in line for line in captured.get().splitlines())
