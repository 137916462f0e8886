"""SentenceTransformerEmbedder without the real model: fingerprints, tokenizer path, errors.

The real model runs the full contract in tests/e2e/test_ingest_real.py.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from tokenizers.pre_tokenizers import Whitespace

from rag.config import Settings
from rag.embedders import create_embedder
from rag.embedders.sentence_transformers import SentenceTransformerEmbedder, model_fingerprint
from rag.errors import ModelMissingError

WEIGHTS_SHA = "cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2"


def _fake_model_folder(root: Path) -> Path:
    folder = root / "model"
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / "modules.json").write_text("[]", encoding="utf-8")
    (folder / "config.json").write_text(json.dumps({"hidden_size": 8}), encoding="utf-8")
    (folder / "1_Pooling" / "config.json").write_text("{}", encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"\0" * 64)
    vocab = {"[UNK]": 0, "kernwapens": 1, "in": 2, "belarus": 3}
    tokenizer = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = Whitespace()
    tokenizer.save(str(folder / "tokenizer.json"))
    return folder


def test_fingerprint_prefers_the_setup_marker(tmp_path: Path) -> None:
    folder = _fake_model_folder(tmp_path)
    (folder / "model.safetensors.verified").write_text(f"sha256 {WEIGHTS_SHA}\n", encoding="utf-8")
    assert model_fingerprint(str(folder)) == f"sha256:{WEIGHTS_SHA}"


def test_fingerprint_without_marker_follows_configs_and_sizes(tmp_path: Path) -> None:
    folder = _fake_model_folder(tmp_path)
    first = model_fingerprint(str(folder))
    assert first.startswith("files:")
    assert model_fingerprint(str(folder)) == first
    (folder / "config.json").write_text(json.dumps({"hidden_size": 16}), encoding="utf-8")
    second = model_fingerprint(str(folder))
    assert second != first
    (folder / "model.safetensors").write_bytes(b"\0" * 65)
    assert model_fingerprint(str(folder)) not in {first, second}


def test_fingerprint_of_a_hub_name_is_the_name() -> None:
    assert model_fingerprint("some-org/some-model") == "name:some-org/some-model"


def test_count_tokens_uses_tokenizer_json_without_loading_the_model(tmp_path: Path) -> None:
    embedder = SentenceTransformerEmbedder(str(_fake_model_folder(tmp_path)), name="fake")
    assert embedder.count_tokens("kernwapens in belarus") == 3
    assert embedder.count_tokens("kernwapens in onbekend land") == 4
    assert embedder._model is None  # the tokenizer alone answered
    assert embedder.name == "fake"


def test_a_missing_model_folder_names_the_fix(tmp_path: Path) -> None:
    embedder = SentenceTransformerEmbedder(str(tmp_path / "nowhere"), threads=1)
    with pytest.raises(ModelMissingError, match="rag setup"):
        embedder.embed_query("vraag")


def test_factory_reports_a_builtin_model_that_is_not_set_up(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, embedder="sentence-transformers")
    with pytest.raises(ModelMissingError, match="rag setup"):
        create_embedder(settings)


def test_factory_builds_a_lazy_embedder_for_a_folder(tmp_path: Path) -> None:
    folder = _fake_model_folder(tmp_path)
    embedder = create_embedder(Settings(home=tmp_path, embed_model=str(folder), embed_batch_size=4))
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.name == str(folder)
    assert embedder.fingerprint.startswith("files:")
    assert embedder._model is None


def test_only_local_models_are_loaded_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The offline default never reaches a hub; a hub name chosen by the user may download."""
    import sentence_transformers

    calls: list[tuple[str, bool]] = []

    def fake(model: str, *, device: str, local_files_only: bool) -> object:
        calls.append((model, local_files_only))
        return object()

    monkeypatch.setattr(sentence_transformers, "SentenceTransformer", fake)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    SentenceTransformerEmbedder("someone/some-hub-model", threads=1).model  # noqa: B018
    assert calls[-1] == ("someone/some-hub-model", False)
    assert "HF_HUB_OFFLINE" not in os.environ
    SentenceTransformerEmbedder(str(tmp_path), threads=1).model  # noqa: B018
    assert calls[-1] == (str(tmp_path), True)
    assert os.environ["HF_HUB_OFFLINE"] == "1"


class _CountingModel:
    """Stands in for the loaded SentenceTransformer: counts query encodings."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def encode_query(self, text: str, **_: object) -> object:
        import numpy as np

        self.calls.append(text)
        return np.array([len(text), 1.0], dtype=np.float32)


def test_a_repeated_query_is_encoded_once_and_callers_get_their_own_copy(tmp_path: Path) -> None:
    embedder = SentenceTransformerEmbedder(str(_fake_model_folder(tmp_path)))
    model = _CountingModel()
    embedder._model = model
    first = embedder.embed_query("kernwapens in belarus")
    first[0] = -1.0  # a caller writing into its vector must not change the remembered one
    again = embedder.embed_query("kernwapens in belarus")
    assert model.calls == ["kernwapens in belarus"]
    assert again[0] == len("kernwapens in belarus")
    for i in range(20):  # only the last few queries are kept
        embedder.embed_query(f"vraag {i}")
    embedder.embed_query("kernwapens in belarus")
    assert model.calls.count("kernwapens in belarus") == 2
