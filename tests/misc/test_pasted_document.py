"""A pasted 3,000-word document as the question: a clear message naming the fix through answer(),
`rag ask` and the chat, never a traceback and never an answer from a silently cut question. With
RAG_MAX_QUESTION_CHARS raised it passes the length check, and then it must not crowd every passage
out of the prompt unsaid (which would read as "the documents don't say")."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.answering.pipeline import Assistant
from rag.cli import app
from rag.errors import QuestionError
from rag.testing import make_test_assistant
from ui.chat import AssistantProvider, ChatController, Options, Session

_SENTENCE = (
    "Rusland plaatst tactische kernwapens in Belarus en de NAVO reageert daarop met overleg tussen "
    "de lidstaten over de afschrikking. "
)
PASTED = " ".join((_SENTENCE * 200).split()[:3000]) + " Wat wil Poetin in Belarus?"


def test_the_pasted_document_is_three_thousand_words() -> None:
    assert len(PASTED.split()) == 3005 and len(PASTED) > 20_000


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return make_test_assistant(tmp_path_factory.mktemp("pasted"))


def test_answer_refuses_a_pasted_document_naming_the_limit_and_the_setting(assistant: Assistant) -> None:
    asked = len(assistant.generator.requests)  # type: ignore[attr-defined]
    with pytest.raises(
        QuestionError, match=r"is \d+ characters long; the limit is 2000 .*RAG_MAX_QUESTION_CHARS"
    ):
        assistant.answer(PASTED)
    assert len(assistant.generator.requests) == asked  # type: ignore[attr-defined]  # no model call


def test_rag_ask_prints_one_line_for_a_pasted_document(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(Assistant, "from_settings", classmethod(lambda cls, settings: assistant))
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(app, ["ask", PASTED])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: the question is"), result.output
    assert "RAG_MAX_QUESTION_CHARS" in result.output and "Traceback" not in result.output


def test_chat_shows_the_limit_and_keeps_the_pasted_text_in_the_box(assistant: Assistant) -> None:
    controller = ChatController(AssistantProvider(assistant.settings, assistant))
    session = Session()
    *_, (box, chat, _, _, _) = controller.respond(
        PASTED, [], session, Options.from_settings(assistant.settings)
    )
    bubble = chat[-1]["content"]
    assert 'class="chat-error"' in bubble and "<code>RAG_MAX_QUESTION_CHARS</code>" in bubble
    assert box == PASTED and session.turns == []  # nothing lost: the user can shorten it


def test_a_raised_limit_says_the_question_leaves_no_room_for_passages(tmp_path: Path) -> None:
    big = make_test_assistant(tmp_path, max_question_chars=40_000)
    with pytest.raises(QuestionError, match=r"too long for the model: .* of the 4096 tokens .*RAG_N_CTX"):
        big.answer(PASTED)
    # Never an answer built from no passage at all (the model would say the documents don't say).
    assert all(r.task != "answer" for r in big.generator.requests)  # type: ignore[attr-defined]


def test_a_raised_limit_with_room_left_answers_from_the_passages(tmp_path: Path) -> None:
    big = make_test_assistant(tmp_path, max_question_chars=40_000)
    question = " ".join(PASTED.split()[-400:])  # ~2,700 characters: long, but passages still fit
    answer = big.answer(question)
    assert answer.question == question  # the question is never cut
    assert not answer.refused and answer.citations and answer.context_chunk_ids
