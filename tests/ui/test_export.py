"""A conversation exported as Markdown: questions, answers with [n], numbered sources with title,
date, page/section and the quoted passage."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from tests.ui.fakes import CITATION, make_answer
from ui.conversations import Conversation
from ui.export import conversation_markdown, export_filename

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
PAGED = CITATION.model_copy(update={"pages": (4, 5), "section": "Methoden"})


def test_markdown_has_each_answer_with_its_numbered_sources() -> None:
    quoted = "Rusland wil kernwapens in Belarus plaatsen [1].\n\nPoetin kondigde aan dat [1]"
    conv = (
        Conversation.start(T0)
        .with_answer(make_answer("Waarom Belarus?", text=quoted, citations=(PAGED,)), T0)
        .with_answer(make_answer("En daarna?", refused=True), T0)
    )
    md = conversation_markdown(conv, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    assert md.startswith("# Waarom Belarus?\n\n*Started 2026-03-01 09:30 UTC, exported 2026-03-02 08:00 UTC;")
    assert "## 1. Waarom Belarus?\n\nRusland wil kernwapens in Belarus plaatsen [1]." in md
    assert "> Poetin kondigde aan dat [1]" in md  # the quoted source sentence under the answer
    source = f"**[1]** Kernwapens \\<in\\> Belarus (2023-03, p. 4–5 · Methoden)\n\n> {CITATION.quote}"
    assert source in md
    refusal = "## 2. En daarna?\n\n*De documenten zeggen hier niets over.* (no passage is close enough"
    assert refusal in md
    assert md.count("Sources:") == 1  # the refusal cites nothing


def test_a_multi_line_quote_stays_one_block_quote() -> None:
    citation = PAGED.model_copy(update={"quote": "Eerste regel\ntweede regel", "pages": ()})
    conv = Conversation.start(T0).with_answer(make_answer("Vraag?", citations=(citation,)), T0)
    md = conversation_markdown(conv, now=T0)
    assert "(2023-03, Methoden)\n\n> Eerste regel\n> tweede regel" in md


def test_html_and_images_from_a_document_stay_text() -> None:
    hostile = '<img src="http://tracker.example/x.png"> ![pixel](http://tracker.example/p.png) a\\b'
    citation = PAGED.model_copy(update={"quote": hostile, "title": "<script>alert(1)</script>"})
    conv = Conversation.start(T0).with_answer(make_answer("Vraag <b>?", citations=(citation,)), T0)
    md = conversation_markdown(conv, now=T0)
    assert not re.search(r"(?<!\\)<|(?<!\\)!\[", md)  # no tag, no image left unescaped
    assert r'> \<img src="http://tracker.example/x.png"\> \![pixel](http://tracker.example/p.png) a\\b' in md
    assert r"## 1. Vraag \<b\>?" in md and r"**[1]** \<script\>alert(1)\</script\>" in md


def test_the_file_name_comes_from_the_title_and_is_safe() -> None:
    conv = Conversation.start(T0).with_answer(make_answer("Wat zei Poetin in juni? ../../etc"), T0)
    assert export_filename(conv) == "wat-zei-poetin-in-juni-etc.md"
    assert export_filename(conv.with_title("Éénmaal café")) == "eenmaal-cafe.md"
    assert export_filename(conv.with_title("???")) == "conversation.md"
