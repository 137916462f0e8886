"""Where the int8 ONNX export lives and when it counts as current (RAG_EMBEDDER=onnx-int8).

The export itself needs the real model: tests/e2e/test_onnx_real.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.config import Settings
from rag.embedders import create_embedder
from rag.embedders.onnx import OnnxEmbedder
from rag.embedders.onnx_export import MARKER_FILE, MODEL_FILE, read_marker
from rag.embedders.sentence_transformers import model_fingerprint
from rag.errors import ModelMissingError
from rag.models.onnx_provision import current_onnx_model, ensure_onnx_model, onnx_embed_dir
from tests.embedders.onnx_fake import make_export


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A home whose built-in embedding folder exists (a stand-in: only its files are fingerprinted)."""
    source = tmp_path / "home" / "models" / "embeddinggemma-300m"
    source.mkdir(parents=True)
    (source / "modules.json").write_text("[]", encoding="utf-8")
    return Settings(home=tmp_path / "home", embedder="onnx-int8", embed_threads=1)


def _export_for(settings: Settings) -> Path:
    """A fake export marked as made from the settings' current source folder."""
    folder = onnx_embed_dir(settings)
    marker = make_export(folder)
    source = str(settings.models_dir / "embeddinggemma-300m")
    updated = marker.model_copy(update={"source_fingerprint": model_fingerprint(source)})
    (folder / MARKER_FILE).write_text(updated.model_dump_json(), encoding="utf-8")
    return folder


def test_builtin_export_sits_next_to_the_model(settings: Settings) -> None:
    assert onnx_embed_dir(settings) == settings.models_dir / "embeddinggemma-300m-onnx-int8"


def test_user_folders_get_separate_exports(settings: Settings) -> None:
    one = onnx_embed_dir(settings.model_copy(update={"embed_model": "/a/model"}))
    two = onnx_embed_dir(settings.model_copy(update={"embed_model": "/b/model"}))
    assert one != two and one.name.startswith("model-") and one.name.endswith("-onnx-int8")


def test_missing_export_names_rag_setup(settings: Settings) -> None:
    with pytest.raises(ModelMissingError, match=r"not exported yet.*rag setup.*RAG_EMBEDDER=onnx-int8"):
        create_embedder(settings)


def test_current_export_gives_the_onnx_embedder_under_its_own_name(settings: Settings) -> None:
    _export_for(settings)
    embedder = create_embedder(settings)
    assert isinstance(embedder, OnnxEmbedder)
    assert embedder.name == "embeddinggemma-300m+onnx-int8"
    assert embedder.embed_query("navo").shape == (embedder.dim,)


def test_export_from_other_weights_is_stale(settings: Settings) -> None:
    _export_for(settings)
    (settings.models_dir / "embeddinggemma-300m" / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ModelMissingError, match="other weights"):
        current_onnx_model(settings)


def test_truncated_export_is_incomplete(settings: Settings) -> None:
    folder = _export_for(settings)
    model = folder / MODEL_FILE
    model.write_bytes(model.read_bytes()[:100])
    with pytest.raises(ModelMissingError, match="incomplete"):
        current_onnx_model(settings)


def test_setup_leaves_a_current_export_alone_and_verify_checks_its_hash(settings: Settings) -> None:
    folder = _export_for(settings)
    assert ensure_onnx_model(settings).action == "present"
    assert ensure_onnx_model(settings, verify=True).action == "verified"
    assert read_marker(folder) is not None
