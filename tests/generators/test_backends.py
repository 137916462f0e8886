"""The one table of backends: config, the chat and with_settings all read it."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

from rag.config import GeneratorName, Settings
from rag.errors import ConfigError
from rag.generators import (
    BACKENDS,
    ExtractiveGenerator,
    chat_choices,
    create_generator,
    generator_settings_changed,
)
from rag.generators.backends import backend
from rag.testing import make_test_assistant


def test_the_settings_accept_exactly_the_backends_of_the_table() -> None:
    assert set(get_args(GeneratorName)) == set(BACKENDS)


def test_every_backend_names_settings_that_exist() -> None:
    for entry in BACKENDS.values():
        assert set(entry.settings) <= set(Settings.model_fields), entry.name


def test_the_chat_offers_the_table_without_the_test_twin() -> None:
    names = [name for _, name in chat_choices("llama-cpp")]
    assert names == ["llama-cpp", "ollama", "extractive"]
    assert chat_choices("my-own")[-1] == ("my-own", "my-own")


def test_an_unknown_backend_names_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="llama-cpp, ollama, extractive, scripted"):
        backend("gpt-99")


def test_the_factory_builds_the_named_backend(tmp_path: Path) -> None:
    settings = Settings(generator="extractive", home=tmp_path)
    assert isinstance(create_generator(settings), ExtractiveGenerator)


@pytest.mark.parametrize(
    ("update", "changed"),
    [
        ({"ollama_timeout_s": 5.0}, True),  # every setting of the backend counts
        ({"ollama_host": "http://127.0.0.1:9"}, True),
        ({"llm_model": "/models/other.gguf"}, False),  # a setting of another backend does not
        ({"top_k": 3}, False),
        ({"generator": "extractive"}, True),
    ],
)
def test_generator_settings_changed(tmp_path: Path, update: dict[str, object], changed: bool) -> None:
    old = Settings(generator="ollama", home=tmp_path)
    assert generator_settings_changed(old, old.model_copy(update=update)) is changed


def test_with_settings_builds_a_new_generator_only_when_its_settings_change(tmp_path: Path) -> None:
    assistant = make_test_assistant(tmp_path)
    assert assistant.with_settings(top_k=2).generator is assistant.generator
    assert assistant.with_settings(n_ctx=2048).generator is not assistant.generator
    assert assistant.with_settings(generator="extractive").generator.name == "extractive"
