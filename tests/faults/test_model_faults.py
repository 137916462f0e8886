"""Model file faults, with small fake files in a temp RAG_HOME: the built-in LLM missing,
truncated or with a wrong checksum, and the user's own .gguf missing or broken. Each names the
command that fixes it; the user's own file is never sent to 'rag setup', which cannot fix it.

Loading a broken file goes through the real llama-cpp-python (it fails in milliseconds on a
few bytes); no real model is loaded."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.cli import app
from rag.config import DEFAULT_LLM_MODEL, Settings
from rag.errors import ModelMissingError, ModelSetupError
from rag.generators.backends import create_generator
from rag.index.ingest import ingest_corpus
from rag.models.check import load_llama
from rag.models.files import Marker, write_marker
from rag.models.provision import setup_models
from rag.models.recipes import RECIPES
from rag.models.registry import BUILTIN_LLM
from tests.faults.helpers import QUESTION, fault_settings

pytest.importorskip("llama_cpp")  # only for the loads that fail; tests/generators cover the rest

GOOD = b"GGUF" + bytes(range(256)) * 4  # what the built-in model "should" be, in miniature
BROKEN = b"GGUF\x03\x00\x00\x00" + b"\x00" * 64  # a GGUF header and nothing readable after it


def _builtin(tmp_path: Path) -> tuple[Settings, Path]:
    settings = fault_settings(tmp_path, generator="llama-cpp")
    return settings, settings.models_dir / BUILTIN_LLM[DEFAULT_LLM_MODEL]


def _place(path: Path, content: bytes, *, recorded: bytes | None = None) -> None:
    """Write `content`; `recorded` is what setup assembled and verified (its marker)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    if recorded is not None:
        write_marker(path, Marker(sha256=hashlib.sha256(recorded).hexdigest(), size=len(recorded)))


def _load_error(settings: Settings) -> str:
    """The error of creating the llama.cpp generator and making it read the model."""
    with pytest.raises(ModelMissingError) as error:
        create_generator(settings).count_tokens("Belarus")
    return str(error.value)


def test_builtin_model_missing(tmp_path: Path) -> None:
    settings, path = _builtin(tmp_path)
    assert _load_error(settings) == f"LLM model file {path} not found; run 'rag setup'"


def test_builtin_model_truncated(tmp_path: Path) -> None:
    settings, path = _builtin(tmp_path)
    _place(path, GOOD[:300], recorded=GOOD)
    message = _load_error(settings)
    assert f"{path} is incomplete (300 of {len(GOOD):,} bytes)" in message
    assert "run 'rag setup' to assemble it again" in message


def test_builtin_model_with_wrong_checksum(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings, path = _builtin(tmp_path)
    damaged = BROKEN + b"\x00" * (len(GOOD) - len(BROKEN))  # right size, wrong bytes
    _place(path, damaged, recorded=GOOD)
    message = _load_error(settings)  # the cheap checks pass; llama.cpp cannot read it
    assert "cannot load the GGUF model" in message and "run 'rag setup --verify'" in message
    # ... and the advice works: --verify finds the checksum wrong and removes the file
    recipe = RECIPES[DEFAULT_LLM_MODEL].model_copy(
        update={"size": len(GOOD), "sha256": hashlib.sha256(GOOD).hexdigest()}
    )
    monkeypatch.setitem(RECIPES, DEFAULT_LLM_MODEL, recipe)
    with pytest.raises(ModelSetupError, match=r"failed verification.*run 'rag setup' to assemble it again"):
        setup_models(settings, "llm", verify=True)
    assert not path.exists()
    assert _load_error(settings).endswith("not found; run 'rag setup'")


def _own(tmp_path: Path, content: bytes | None) -> Settings:
    path = tmp_path / "mijn-model.gguf"
    if content is not None:
        path.write_bytes(content)
    return fault_settings(tmp_path, generator="llama-cpp", llm_model=str(path))


def test_own_gguf_missing(tmp_path: Path) -> None:
    message = _load_error(_own(tmp_path, None))
    assert "not found; set RAG_LLM_MODEL to an existing .gguf file" in message
    assert "rag setup" not in message


@pytest.mark.parametrize(
    "content", [b"<html>404 not found</html>", BROKEN, b""], ids=["not_gguf", "truncated", "empty"]
)
def test_own_gguf_broken_is_not_sent_to_rag_setup(tmp_path: Path, content: bytes) -> None:
    settings = _own(tmp_path, content)
    message = _load_error(settings)
    assert "not a valid GGUF model file: check the path in RAG_LLM_MODEL" in message
    assert settings.llm_model in message and "rag setup" not in message


def test_own_gguf_broken_in_rag_setup_check(tmp_path: Path) -> None:
    with pytest.raises(ModelSetupError) as error:  # `rag setup --check` loads it this way
        load_llama(_own(tmp_path, BROKEN))
    assert "check the path in RAG_LLM_MODEL" in str(error.value) and "rag setup" not in str(error.value)


def test_rag_ask_with_a_broken_own_gguf_prints_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _own(tmp_path, BROKEN)
    ingest_corpus(settings)
    monkeypatch.chdir(tmp_path)
    env = {
        "RAG_HOME": str(settings.home),
        "RAG_DATA_DIR": str(settings.data_dir),
        "RAG_EMBEDDER": "hashing",
        "RAG_GENERATOR": "llama-cpp",
        "RAG_LLM_MODEL": settings.llm_model,
        "RAG_LLM_THREADS": "1",
    }
    result = CliRunner().invoke(app, ["ask", QUESTION], env=env)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and re.search(r"not a valid GGUF model file.*RAG_LLM_MODEL", errors[0])
