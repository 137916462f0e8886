"""Questions with invalid text (empty, whitespace, undecodable bytes, surrogates, NUL, control
characters, only emoji, 20,000 characters, HTML/markdown/script) give a clear QuestionError or a
safe answer through check_question, answer(), `rag ask`, `rag search` and the web chat's
controller: never a traceback, and markup in a question stays inert in the page."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

import rag
from rag.answering.pipeline import Assistant
from rag.cli import app
from rag.config import Settings
from rag.errors import QuestionError
from rag.index.ingest import ingest_corpus
from rag.retrieval.question import check_question, normalise_question
from ui.chat import AssistantProvider, ChatController, Options, Session
from ui.messages import GENERIC


def argv(raw: bytes) -> str:
    """A command-line argument as Python's sys.argv holds it (undecodable bytes as surrogates)."""
    return raw.decode("utf-8", "surrogateescape")


LATIN1_QUESTION = argv(b"Waarom Belarus \xff\xfe kernwapens?")
LATIN1_OEKRAINE = argv(b"Oekra\xefne")
LONE_SURROGATE = "Waarom \ud800 Belarus?"
NUL_AND_CONTROL = "Waarom\x00 Belarus\x07\x1b[31m?\r\n"
ONLY_EMOJI = "🤔🤔 🇳🇱"
TOO_LONG = "Waarom Belarus? " * 1250  # 20,000 characters
MARKUP = "<script>alert(1)</script> <img src=x onerror=alert(2)> **Waarom** [klik](javascript:x) Belarus?"

# What each clean question becomes; None: refused with a QuestionError.
CASES = {
    "empty": ("", None),
    "whitespace_only": (" \t\n\u00a0 ", None),
    "latin1_bytes": (LATIN1_QUESTION, "Waarom Belarus ÿþ kernwapens?"),
    "latin1_oekraine": (LATIN1_OEKRAINE, "Oekraïne"),
    "lone_surrogate": (LONE_SURROGATE, "Waarom Belarus?"),
    "nul_and_control": (NUL_AND_CONTROL, "Waarom Belarus[31m?"),
    "only_emoji": (ONLY_EMOJI, None),
    "twenty_thousand_chars": (TOO_LONG, None),
    "only_nul_and_controls": ("\x00\x01\x02", None),
    "bidi_override": ("Waarom \u202eBelarus\u202c?", "Waarom Belarus?"),
    "decomposed_accents": ("Oekrai\u0308ne", "Oekraïne"),
    "html_markdown_script": (MARKUP, MARKUP),  # text like any other: kept, and inert where shown
}


@pytest.mark.parametrize("case", CASES)
def test_check_question_normalises_or_refuses(case: str) -> None:
    raw, expected = CASES[case]
    if expected is None:
        with pytest.raises(QuestionError):
            check_question(raw, 2000)
        return
    cleaned = check_question(raw, 2000)
    assert cleaned == expected
    cleaned.encode("utf-8")  # valid Unicode: no surrogates left
    assert check_question(cleaned, 2000) == cleaned  # idempotent: checking twice changes nothing


def test_questions_keep_their_existing_messages() -> None:
    with pytest.raises(QuestionError, match="the question is empty; type a question"):
        check_question(" \t\n ", 2000)
    with pytest.raises(
        QuestionError, match=r"20000 characters long; the limit is 2000 .*RAG_MAX_QUESTION_CHARS"
    ):
        check_question(TOO_LONG, 2000)
    with pytest.raises(QuestionError, match="2001 characters long; the limit is 2000"):
        check_question("a" * 2001, 2000)


@pytest.mark.parametrize("value", [b"Waarom Belarus?", None, 42])
def test_a_question_that_is_not_text_is_a_question_error(value: object) -> None:
    with pytest.raises(QuestionError, match="must be text"):
        check_question(value, 2000)  # type: ignore[arg-type]


def test_only_emoji_question_says_it_has_no_words() -> None:
    with pytest.raises(QuestionError, match="no words"):
        check_question(ONLY_EMOJI, 2000)


def test_ordinary_questions_pass_unchanged() -> None:
    for question in ("Waarom plaatst Rusland kernwapens in Belarus?", "What did NATO say in 2024?", "2024"):
        assert normalise_question(question) == question


@pytest.fixture
def indexed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A tiny indexed corpus (hashing embedder), answered by the extractive backend (no LLM)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "belarus.txt").write_text(
        "Rusland plaatst tactische kernwapens in Belarus. Poetin noemt het een antwoord op de NAVO.\n"
        "Oekraïne vraagt om meer luchtafweer tegen de aanvallen.\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)  # no .env from the working tree
    env = {
        "RAG_DATA_DIR": str(tmp_path / "data"),
        "RAG_HOME": str(tmp_path / "home"),
        "RAG_CORPUS_DIR": str(corpus),
        "RAG_EMBEDDER": "hashing",
        "RAG_GENERATOR": "extractive",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings(embed_threads=1, llm_threads=1)
    ingest_corpus(settings)
    return settings


@pytest.mark.parametrize("case", CASES)
def test_answer_gives_a_safe_answer_or_a_question_error(case: str, indexed: Settings) -> None:
    raw, expected = CASES[case]
    if expected is None:
        with pytest.raises(QuestionError):
            rag.answer(raw, settings=indexed)
        return
    result = rag.answer(raw, settings=indexed)
    assert result.question == expected
    json.loads(result.model_dump_json())  # serialisable: nothing undecodable got through


@pytest.mark.parametrize("command", ["ask", "search"])
@pytest.mark.parametrize("case", CASES)
def test_cli_gives_a_clear_line_or_a_result(command: str, case: str, indexed: Settings) -> None:
    raw, expected = CASES[case]
    result = CliRunner().invoke(app, [command, raw])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    if expected is None:
        assert result.exit_code == 1, result.output
        assert result.output.startswith("error: the question"), result.output
        assert len(result.output.strip().splitlines()) == 1
    else:
        assert result.exit_code == 0, result.output
        assert "\udcff" not in result.output and "\x00" not in result.output


def test_search_shows_the_latin1_question_as_it_was_meant(indexed: Settings) -> None:
    result = CliRunner().invoke(app, ["search", LATIN1_OEKRAINE])
    assert result.exit_code == 0, result.output
    assert "search: Oekraïne" in result.output
    assert "belarus" in result.output  # the one document, found by the repaired word


class _Active(HTMLParser):
    """Collects what would run or load in a browser: script/img/iframe elements, on* handlers and
    javascript: links (escaped text, `&lt;script&gt;`, is not an element and is not collected)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "img", "iframe", "object", "embed"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}")


def active(html: str) -> list[str]:
    parser = _Active()
    parser.feed(html)
    return parser.found


def page_of(bubble: str) -> str:
    """The chat bubble as the chatbot shows it (markdown with HTML, CommonMark like markdown-it)."""
    return MarkdownIt("commonmark").render(bubble)


@pytest.mark.parametrize("case", CASES)
def test_chat_gives_a_clear_bubble_or_an_answer(case: str, indexed: Settings) -> None:
    raw, expected = CASES[case]
    assistant = Assistant.from_settings(indexed)
    controller = ChatController(AssistantProvider(indexed, assistant))
    session = Session()
    updates = list(controller.respond(raw, [], session, Options.from_settings(indexed)))
    box, chat, sources, status, _ = updates[-1]
    json.dumps([chat, sources, status], ensure_ascii=False).encode("utf-8")  # the page can be sent
    user, bubble = page_of(chat[0]["content"]), chat[-1]["content"]
    assert GENERIC.split(".")[0] not in bubble and "Traceback" not in bubble
    assert active(user) == active(page_of(bubble)) == active(sources) == []
    if expected is None:
        assert 'class="chat-error"' in bubble and "the question" in bubble, bubble
        assert box == raw and session.turns == []  # kept in the box to be corrected
    else:
        assert 'class="chat-error"' not in bubble and box == ""
        assert session.turns[0].content == expected


def test_markup_in_a_question_shows_literally_in_the_chat(indexed: Settings) -> None:
    assistant = Assistant.from_settings(indexed)
    controller = ChatController(AssistantProvider(indexed, assistant))
    *_, (_, chat, sources, _, _) = controller.respond(MARKUP, [], Session(), Options.from_settings(indexed))
    user = page_of(chat[0]["content"])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in user and "&lt;img src=x" in user
    assert "**Waarom**" in user and "<strong>" not in user  # markdown shown as typed, not applied
    assert "[klik](javascript:x)" in user and "<a " not in user
    assert "Sources for: &lt;script&gt;alert(1)&lt;/script&gt;" in sources  # the panel's heading
