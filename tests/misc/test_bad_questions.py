"""Questions with invalid text (undecodable bytes, surrogates, NUL, control characters, only emoji,
20,000 characters) give a clear QuestionError or a safe answer through check_question, answer(),
`rag ask` and `rag search`: never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import rag
from rag.cli import app
from rag.config import Settings
from rag.errors import QuestionError
from rag.index.ingest import ingest_corpus
from rag.retrieval.question import check_question, normalise_question


def argv(raw: bytes) -> str:
    """A command-line argument as Python's sys.argv holds it (undecodable bytes as surrogates)."""
    return raw.decode("utf-8", "surrogateescape")


LATIN1_QUESTION = argv(b"Waarom Belarus \xff\xfe kernwapens?")
LATIN1_OEKRAINE = argv(b"Oekra\xefne")
LONE_SURROGATE = "Waarom \ud800 Belarus?"
NUL_AND_CONTROL = "Waarom\x00 Belarus\x07\x1b[31m?\r\n"
ONLY_EMOJI = "🤔🤔 🇳🇱"
TOO_LONG = "Waarom Belarus? " * 1250  # 20,000 characters

# What each clean question becomes; None: refused with a QuestionError.
CASES = {
    "latin1_bytes": (LATIN1_QUESTION, "Waarom Belarus ÿþ kernwapens?"),
    "latin1_oekraine": (LATIN1_OEKRAINE, "Oekraïne"),
    "lone_surrogate": (LONE_SURROGATE, "Waarom Belarus?"),
    "nul_and_control": (NUL_AND_CONTROL, "Waarom Belarus[31m?"),
    "only_emoji": (ONLY_EMOJI, None),
    "twenty_thousand_chars": (TOO_LONG, None),
    "only_nul_and_controls": ("\x00\x01\x02", None),
    "bidi_override": ("Waarom \u202eBelarus\u202c?", "Waarom Belarus?"),
    "decomposed_accents": ("Oekrai\u0308ne", "Oekraïne"),
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
