"""HTML of answers, sources and status: links, exact highlights, escaping."""

from __future__ import annotations

import re

from rag.types import Citation
from tests.ui.fakes import CHUNKS, DOC, DOC_TEXT, SPAN, FakeInfo, make_answer
from ui import render


def lookup(doc_id: str) -> object:
    return DOC if doc_id == DOC.id else None


def test_citation_markers_link_to_their_source_cards() -> None:
    answer = make_answer("q")
    bubble = render.render_answer(answer, turn=3)
    assert '<a class="cite" href="#src-3-1"' in bubble
    panel = render.render_sources(answer, 3, lookup)  # type: ignore[arg-type]
    assert 'id="src-3-1"' in panel
    assert set(re.findall(r'href="#(src-[\d-]+)"', bubble)) <= set(re.findall(r'id="(src-[\d-]+)"', panel))


def test_cited_span_is_highlighted_at_its_exact_offsets() -> None:
    card = render.render_citation_card(make_answer("q").citations[0], 1, DOC)
    marked = re.search(r"<mark>(.*?)</mark>", card, re.DOTALL)
    assert marked is not None
    assert marked.group(1) == DOC_TEXT[SPAN[0] : SPAN[1]]
    assert "Inleiding over kernwapens." in card  # surrounding text is shown too


def test_highlight_shows_about_300_characters_of_context() -> None:
    text = "woord " * 200
    start, end = 600, 612
    html = render.highlight_span(text, start, end, context=150)
    before, rest = html.split("<mark>")
    marked, after = rest.split("</mark>")
    assert marked == text[start:end]
    assert before.startswith("…") and after.endswith("…")
    assert 100 <= len(before) <= 152 and 100 <= len(after) <= 152


def test_document_html_and_injection_text_are_escaped() -> None:
    card = render.render_citation_card(make_answer("q").citations[0], 1, DOC)
    panel = render.render_sources(make_answer("q"), 1, lookup)  # type: ignore[arg-type]
    for html in (card, panel):
        assert "<script>" not in html and "<in>" not in html
    assert "&lt;script&gt;" in panel
    assert "Kernwapens &lt;in&gt; Belarus" in card


def test_answer_text_cannot_inject_markup_or_markdown() -> None:
    text = 'Zie <img src=x onerror="alert(1)"> en ![x](http://evil/p.png) **vet** [1].'
    bubble = render.render_answer_text(text, 1)
    assert "<img" not in bubble
    assert "\\!\\[x\\]\\(http://evil/p.png\\)" in bubble  # an image link shows literally, loads nothing
    assert "\\*\\*vet\\*\\*" in bubble
    assert bubble.endswith('<a class="cite" href="#src-1-1" title="source 1">[1]</a>.')


def test_refusal_has_its_own_style_and_offers_the_nearest_passages() -> None:
    answer = make_answer("Wat eet een olifant?", refused=True)
    bubble = render.render_answer(answer, 1)
    assert 'class="refusal"' in bubble and "De documenten zeggen hier niets over." in bubble
    panel = render.render_sources(answer, 1, lookup)  # type: ignore[arg-type]
    assert '<details class="nearest" open>' in panel
    assert panel.count('class="src-card hit"') == len(CHUNKS)


def test_retrieved_but_uncited_passages_are_folded_away() -> None:
    panel = render.render_sources(make_answer("q"), 1, lookup)  # type: ignore[arg-type]
    folded = panel.split("<details>", 1)
    assert len(folded) == 2 and "Retrieved but not cited (1)" in folded[1]
    assert 'class="src-card hit"' not in folded[0]


def test_missing_document_falls_back_to_the_quote() -> None:
    citation = Citation(n=2, chunk_id="x:0001", doc_id="gone", title="Weg", start=0, end=4, quote="<b>")
    card = render.render_citation_card(citation, 1, None)
    assert "<mark>&lt;b&gt;</mark>" in card


def test_panel_keeps_earlier_answers_folded_newest_first() -> None:
    entries = [
        render.PanelEntry(1, "eerste <vraag>", "<p>one</p>"),
        render.PanelEntry(2, "tweede", "<p>two</p>"),
    ]
    panel = render.render_panel(entries)
    assert panel.index("<p>two</p>") < panel.index('<details class="older">') < panel.index("<p>one</p>")
    assert "eerste &lt;vraag&gt;" in panel


def test_status_shows_models_index_timings_and_left_out_passages() -> None:
    answer = make_answer("q", left_out_chunk_ids=("doc-a:0007",), dropped_sentences=("Onzin.",))
    status = render.render_status(FakeInfo(), answer)  # type: ignore[arg-type]
    for fact in ("fake-1", "hashing", "1 documents, 2 passages", "retrieval 0.01 s", "first words 0.02 s",
                 "total 0.05 s", "1 left out", "doc-a:0007", "Onzin."):  # fmt: skip
        assert fact in status
    assert "Not ready: no index yet" in render.render_status(None, None, "no index yet")


def test_stopped_marks_only_an_unfinished_bubble() -> None:
    partial = render.render_partial("Rusland wil", 1)
    assert render.render_stopped(partial).endswith("(stopped)</span>")
    finished = render.render_answer(make_answer("q"), 1)
    assert render.render_stopped(finished) == finished


def test_quoted_source_sentence_is_a_block_quote_with_its_link() -> None:
    text = "De NAVO besloot tot de VJTF. [1]\n\n„Zoals vermeld, besloot het bondgenootschap <b>tot</b>.” [1]"
    html_ = render.render_answer_text(text, 2, make_answer("q").citations)
    before, quote = html_.split('<blockquote class="source-quote">')
    assert 'href="#src-2-1"' in before and 'href="#src-2-1"' in quote
    assert quote.endswith("</blockquote>") and "&lt;b&gt;" in quote and "<b>" not in quote


def test_source_cards_name_the_page_and_section() -> None:
    cited = make_answer("q").citations[0].model_copy(update={"pages": (4, 5), "section": "Kosten <b>"})
    card = render.render_citation_card(cited, 1, DOC)
    assert '<span class="src-where">p. 4–5 · Kosten &lt;b&gt;</span>' in card
    paged_hit = (
        make_answer("q").hits[1].model_copy(update={"chunk": CHUNKS[1].model_copy(update={"pages": (7,)})})
    )
    assert '<span class="src-where">p. 7</span>' in render.render_hit(paged_hit)
    unpaged = render.render_citation_card(make_answer("q").citations[0], 1, DOC)
    assert "src-where" not in unpaged
