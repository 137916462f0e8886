from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.config import Settings
from rag.errors import ModelMissingError
from rag.generators import ExtractiveGenerator, ScriptedGenerator, create_generator
from rag.generators import llama_cpp as llama_module
from rag.generators.ollama import OllamaGenerator
from tests.generators.contract import answer_request


def _settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(_env_file=None, home=tmp_path / "home", llm_threads=1, **values)  # type: ignore[call-arg, arg-type]


def test_llama_cpp_without_model_file_names_rag_setup(tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError, match="rag setup"):
        create_generator(_settings(tmp_path, generator="llama-cpp"))


def test_llama_cpp_with_a_gguf_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Only construction is tested: the package is looked up, not imported, until generation.
    monkeypatch.setattr(llama_module.importlib.util, "find_spec", lambda name: object())
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF")
    generator = create_generator(_settings(tmp_path, generator="llama-cpp", llm_model=str(gguf), n_ctx=1024))
    assert (generator.name, generator.context_size) == ("llama-cpp", 1024)


def test_ollama_from_settings(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path, generator="ollama", ollama_host="http://10.0.0.9:11434", ollama_model="m:1b", n_ctx=8192
    )
    generator = create_generator(settings)
    assert isinstance(generator, OllamaGenerator)
    assert (generator.name, generator.model, generator.context_size) == ("ollama", "m:1b", 8192)


def test_extractive_and_scripted(tmp_path: Path) -> None:
    assert isinstance(create_generator(_settings(tmp_path, generator="extractive")), ExtractiveGenerator)
    scripted = create_generator(_settings(tmp_path, generator="scripted"))
    assert isinstance(scripted, ScriptedGenerator)
    answer = json.loads("".join(scripted.stream(answer_request())))
    assert answer["sentences"][0]["sources"] == [1]
