"""Ollama faults through `Assistant.answer` with the ollama backend: down, slow, stalled,
cut mid-answer, ended without its last line, an error mid-answer. Each is a RagError naming
the fix, and no Answer is ever built from the pieces that did arrive."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.answering.pipeline import Assistant
from rag.cli import app
from rag.errors import BackendUnavailableError, GenerationError, RagError
from rag.generators.ollama import OllamaGenerator
from rag.index.ingest import ingest_corpus
from rag.testing import make_test_assistant
from rag.types import StreamDone
from tests.faults.helpers import QUESTION, fault_settings, write_corpus
from tests.generators.fake_ollama import FakeOllama, closed_port_url

MODEL = "qwen2.5:1.5b-instruct"
SENTENCE = {"text": "Poetin wil kernwapens in Belarus plaatsen.", "sources": [1]}
REPLY = json.dumps({"answerable": True, "sentences": [SENTENCE]})


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    tmp_path = tmp_path_factory.mktemp("ollama-faults")
    return make_test_assistant(tmp_path, corpus_dir=write_corpus(tmp_path / "corpus"))


def _answer_with(assistant: Assistant, url: str, timeout_s: float = 5.0) -> list[object]:
    """Stream an answer from the Ollama at `url`; the events seen before the error."""
    events: list[object] = []
    generator = OllamaGenerator(url, MODEL, timeout_s=timeout_s)
    with pytest.raises(RagError) as error:
        for event in assistant.stream(QUESTION, generator=generator):
            events.append(event)
    events.append(error.value)
    return events


def _fault(events: list[object]) -> RagError:
    assert not any(isinstance(e, StreamDone) for e in events)  # no answer built from the pieces
    error = events[-1]
    assert isinstance(error, RagError)
    return error


def test_ollama_down_connection_refused(assistant: Assistant) -> None:
    url = closed_port_url()
    error = _fault(_answer_with(assistant, url))
    assert isinstance(error, BackendUnavailableError)
    assert f"Ollama at {url} is not reachable" in str(error)
    assert "'ollama serve'" in str(error) and "RAG_OLLAMA_HOST" in str(error)


def test_ollama_slow_times_out_before_the_first_piece(assistant: Assistant) -> None:
    fake = FakeOllama(REPLY, fault="stall", fault_after_pieces=0, stall_s=1.0)
    with fake.serve() as url:
        error = _fault(_answer_with(assistant, url, timeout_s=0.2))
    assert isinstance(error, BackendUnavailableError)
    assert "within 0.2 s" in str(error) and "RAG_OLLAMA_TIMEOUT_S" in str(error)
    assert len(fake.requests) == 1  # the request did reach the (slow) server


def test_ollama_stalls_mid_answer(assistant: Assistant) -> None:
    fake = FakeOllama(REPLY, chunk_size=8, fault="stall", fault_after_pieces=3, stall_s=1.0)
    with fake.serve() as url:
        error = _fault(_answer_with(assistant, url, timeout_s=0.2))
    assert isinstance(error, BackendUnavailableError) and "RAG_OLLAMA_TIMEOUT_S" in str(error)


def test_ollama_cuts_the_connection_mid_answer(assistant: Assistant) -> None:
    fake = FakeOllama(REPLY, chunk_size=8, fault="cut", fault_after_pieces=3)
    with fake.serve() as url:
        error = _fault(_answer_with(assistant, url))
    assert isinstance(error, BackendUnavailableError)
    assert "stopped in the middle of the answer" in str(error) and "'ollama serve'" in str(error)


def test_ollama_stream_ends_without_its_done_line(assistant: Assistant) -> None:
    # The pieces so far read as a truncated JSON answer: repaired, they would pass for one.
    fake = FakeOllama(REPLY, chunk_size=8, fault="no_done", fault_after_pieces=7)
    with fake.serve() as url:
        error = _fault(_answer_with(assistant, url))
    assert isinstance(error, BackendUnavailableError)
    assert "stopped in the middle of the answer" in str(error) and "'ollama serve'" in str(error)


def test_ollama_reports_an_error_mid_answer(assistant: Assistant) -> None:
    fake = FakeOllama(REPLY, chunk_size=8, error_after_pieces=3)
    with fake.serve() as url:
        error = _fault(_answer_with(assistant, url))
    assert isinstance(error, GenerationError) and "RAG_OLLAMA_MODEL" in str(error)


def test_ollama_complete_reply_still_answers(assistant: Assistant) -> None:
    """The control: the same fake without a fault gives a checked, cited answer."""
    with FakeOllama(REPLY, chunk_size=8).serve() as url:
        answer = assistant.answer(QUESTION, generator=OllamaGenerator(url, MODEL, timeout_s=5))
    assert not answer.refused and answer.citations


def test_rag_ask_with_ollama_down_prints_one_line_naming_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = fault_settings(tmp_path)
    ingest_corpus(settings)
    monkeypatch.chdir(tmp_path)
    url = closed_port_url()
    env = {
        "RAG_HOME": str(settings.home),
        "RAG_DATA_DIR": str(settings.data_dir),
        "RAG_EMBEDDER": "hashing",
        "RAG_GENERATOR": "ollama",
        "RAG_OLLAMA_HOST": url,
    }
    result = CliRunner().invoke(app, ["ask", QUESTION], env=env)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and re.search(r"not reachable.*'ollama serve'.*RAG_OLLAMA_HOST", errors[0])


# Two supported sentences; the cut comes in the middle of the second one's text.
TWO = json.dumps(
    {"answerable": True, "sentences": [SENTENCE, {"text": "De NAVO reageert kalm.", "sources": [1]}]}
)
CUT_AFTER_PIECES = (TWO.index("NAVO reageert") + len("NAVO re")) // 8 + 1  # pieces of 8 characters


def test_chat_replaces_the_streamed_sentences_with_the_error_when_ollama_cuts_off(tmp_path: Path) -> None:
    from ui.chat import AssistantProvider, ChatController, Options, Session

    fake = FakeOllama(TWO, chunk_size=8, fault="cut", fault_after_pieces=CUT_AFTER_PIECES)
    with fake.serve() as url:
        base = make_test_assistant(tmp_path, corpus_dir=write_corpus(tmp_path / "corpus"))
        settings = base.settings.model_copy(update={"generator": "ollama", "ollama_host": url})
        generator = OllamaGenerator(url, MODEL, timeout_s=5)
        assistant = Assistant(settings, index=base.index, embedder=base.embedder, generator=generator)
        controller = ChatController(AssistantProvider(settings, assistant))
        session = Session()
        updates = list(controller.respond(QUESTION, [], session, Options.from_settings(settings)))
    bubbles = [update[1][-1]["content"] for update in updates]
    assert any("Poetin wil" in bubble for bubble in bubbles[:-1])  # the checked sentence was streamed ...
    assert not any("NAVO" in bubble for bubble in bubbles)  # ... the unfinished one never
    assert "stopped in the middle of the answer" in bubbles[-1] and "Poetin wil" not in bubbles[-1]
    assert updates[-1][0] == QUESTION  # the question stays in the box, to ask again
    assert session.answers == {} and session.turns == []  # ... and never kept as an answer


def test_rag_ask_cut_off_by_ollama_leaves_checked_sentences_and_one_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = fault_settings(tmp_path)
    ingest_corpus(settings)
    monkeypatch.chdir(tmp_path)
    fake = FakeOllama(TWO, chunk_size=8, fault="cut", fault_after_pieces=CUT_AFTER_PIECES)
    with fake.serve() as url:
        env = {
            "RAG_HOME": str(settings.home),
            "RAG_DATA_DIR": str(settings.data_dir),
            "RAG_EMBEDDER": "hashing",
            "RAG_GENERATOR": "ollama",
            "RAG_OLLAMA_HOST": url,
            "RAG_OLLAMA_MODEL": MODEL,
        }
        result = CliRunner().invoke(app, ["ask", QUESTION], env=env)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0] == SENTENCE["text"]  # the sentence that passed its check, on a line of its own
    assert "NAVO" not in result.output  # the one cut off was never printed
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1 and "stopped in the middle of the answer" in errors[0]
    assert "Traceback" not in result.output
