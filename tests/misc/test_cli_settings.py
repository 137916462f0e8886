"""An invalid setting, from an option or from RAG_<FIELD>, is one clear line and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from rag.cli import app
from rag.cli.common import load_settings
from rag.config import Settings, allowed_values, describe_settings_error
from rag.errors import ConfigError, InvalidSettingError


@pytest.fixture(autouse=True)
def clean_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no .env from the working tree
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RAG_HOME", str(tmp_path / "home"))


def _error_line(args: list[str], env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "pydantic" not in result.output
    assert "errors.pydantic.dev" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


@pytest.mark.parametrize("k", ["0", "-3"])
def test_ask_k_below_one_names_the_option_and_the_minimum(k: str) -> None:
    line = _error_line(["ask", "Waarom Belarus?", "--k", k])
    assert line == f"error: invalid setting top_k={k} from --k: use a whole number >= 1"


def test_ask_language_de_lists_the_allowed_languages() -> None:
    line = _error_line(["ask", "Waarom Belarus?", "--language", "de"])
    assert "answer_language='de'" in line and "--language" in line
    assert "one of 'auto', 'nl', 'en'" in line


def test_env_top_k_abc_names_the_environment_variable() -> None:
    line = _error_line(["ask", "Waarom Belarus?"], env={"RAG_TOP_K": "abc"})
    assert "top_k='abc'" in line and "RAG_TOP_K" in line and "a whole number >= 1" in line


def test_unknown_env_generator_lists_the_backends() -> None:
    line = _error_line(["ask", "Waarom Belarus?"], env={"RAG_GENERATOR": "gpt-9"})
    assert "RAG_GENERATOR" in line
    assert "'llama-cpp', 'ollama', 'extractive', 'scripted'" in line


@pytest.mark.parametrize(
    "args",
    [
        ["ask", "Waarom?"],
        ["search", "Waarom?"],
        ["chat"],
        ["ingest"],
        ["eval"],
        ["setup"],
        ["inspect", "a:0"],
    ],
)
def test_every_command_that_builds_settings_refuses_a_bad_env_value(args: list[str]) -> None:
    line = _error_line(args, env={"RAG_N_CTX": "5"})
    assert (
        line
        == "error: invalid setting n_ctx='5' from RAG_N_CTX (environment or .env): use a whole number >= 512"
    )


def test_bad_env_value_in_dotenv_file_is_named_too(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("RAG_ANSWER_LANGUAGE=fr\n", encoding="utf-8")
    line = _error_line(["ask", "Waarom Belarus?"])
    assert "answer_language='fr'" in line and "RAG_ANSWER_LANGUAGE" in line


def test_load_settings_raises_a_config_error_not_a_validation_error() -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(top_k=0, answer_language="xx")
    assert isinstance(error.value, InvalidSettingError)
    message = str(error.value)
    assert "top_k=0 from --k" in message and "answer_language='xx' from --language" in message
    assert "\n" not in message


def test_describe_names_env_var_when_no_flag_and_shortens_long_values() -> None:
    with pytest.raises(ValidationError) as error:
        Settings(_env_file=None, temperature="hot" * 100)  # type: ignore[call-arg, arg-type]
    message = describe_settings_error(error.value)
    assert "RAG_TEMPERATURE" in message and "a number >= 0.0" in message
    assert len(message) < 200


@pytest.mark.parametrize(
    ("field", "words"),
    [
        ("answer_language", "one of 'auto', 'nl', 'en'"),
        ("index_type", "one of 'auto', 'flat', 'hnsw', 'ivf', 'ivf-sq8'"),
        ("max_question_chars", "a whole number >= 10"),
        ("quote_sources", "true or false"),
        ("refusal_threshold", "a number"),
    ],
)
def test_allowed_values_in_words(field: str, words: str) -> None:
    assert allowed_values(field) == words


def test_dotenv_that_is_not_utf8_is_one_line_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"RAG_TOP_K=\xff\n")
    line = _error_line(["ask", "Waarom Belarus?"])
    assert line.startswith("error: cannot read the settings") and str(tmp_path / ".env") in line
