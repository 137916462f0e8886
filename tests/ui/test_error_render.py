"""Error messages and refusals in the chat: setting names appear as they must be typed (no markdown
escapes), and nothing in them turns into markup.

The chat renders markdown (CommonMark-like). A bubble that starts with `<div ...>` is an HTML block,
where backslash escapes are not applied, so they would show: checked here with markdown-it, a
CommonMark renderer."""

from __future__ import annotations

import json
from pathlib import Path

from markdown_it import MarkdownIt

from rag.errors import QuestionError
from rag.testing import make_test_assistant
from tests.ui.fakes import make_answer
from ui import render
from ui.chat import AssistantProvider, ChatController, Options, Session
from ui.messages import friendly_message

TOO_LONG = QuestionError(
    "the question is 2500 characters long; the limit is 2000 (shorten it, or raise RAG_MAX_QUESTION_CHARS)"
)


def shown(bubble: str) -> str:
    return MarkdownIt("commonmark").render(bubble)


def test_setting_name_in_an_error_is_code_without_escapes() -> None:
    page = shown(render.render_error(friendly_message(TOO_LONG)))
    assert "<code>RAG_MAX_QUESTION_CHARS</code>" in page
    assert "\\" not in page  # no markdown escape shows: "RAG\\_MAX..." would be copied wrongly
    assert "(shorten it, or raise" in page


def test_commands_in_an_error_are_code() -> None:
    page = shown(render.render_error("the index is damaged; run 'rag ingest --rebuild'"))
    assert "run <code>rag ingest --rebuild</code>" in page and "\\" not in page


def test_html_and_markdown_in_an_error_show_literally() -> None:
    message = "bad <img src=x onerror=alert(1)> and ![x](http://evil/p.png)\n\n![y](http://evil/q.png)"
    page = shown(render.render_error(message))
    assert "<img" not in page and "&lt;img src=x" in page
    assert "![y](http://evil/q.png)" in page  # a blank line did not end the HTML block


def test_refusal_reason_and_text_show_without_escapes() -> None:
    answer = make_answer("Wat eet een olifant?", refused=True).model_copy(
        update={"text": "Niets over Wit-Rusland (2024).", "refusal_reason": "no_passage: score < 0.3"}
    )
    page = shown(render.render_answer(answer, 1))
    assert "Niets over Wit-Rusland (2024)." in page and "(no_passage: score &lt; 0.3)" in page
    assert "\\" not in page


def test_answers_outside_html_blocks_still_escape_markdown() -> None:
    page = shown(render.render_answer_text("Zie **vet** en ![x](http://evil/p.png) [1]", 1))
    assert "<strong>" not in page and "<img" not in page and "**vet**" in page


def test_a_question_with_a_lone_surrogate_from_the_browser_gives_a_page_that_can_be_sent(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "belarus.txt").write_text("Rusland plaatst kernwapens in Belarus.\n", encoding="utf-8")
    assistant = make_test_assistant(tmp_path, corpus_dir=corpus)
    controller = ChatController(AssistantProvider(assistant.settings, assistant))
    session = Session()
    updates = list(
        controller.respond("Waarom \ud800 Belarus?", [], session, Options.from_settings(assistant.settings))
    )
    for _, chat, sources, status, _ in updates:  # what Gradio serialises: must be valid UTF-8
        json.dumps([chat, sources, status], ensure_ascii=False).encode("utf-8")
    assert updates[-1][1][0]["content"] == "Waarom \ufffd Belarus?"  # the user's bubble
    assert session.turns[0].content == "Waarom Belarus?"  # the checked question
    assert 'class="cite"' in updates[-1][1][-1]["content"]
