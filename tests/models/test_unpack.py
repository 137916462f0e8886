"""Assembly of a folder model (the EmbeddingGemma case): pieces with CHUNK_INDEX, a zip, a folder."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest

from rag.errors import ModelSetupError
from rag.models.assemble import ensure_model
from rag.models.files import read_marker
from tests.models.conftest import MODEL_FILES, FakeIndex, folder_recipe, model_zip


def _run(index: FakeIndex, recipe, dirs: tuple[Path, Path], **kw):  # type: ignore[no-untyped-def]
    return ensure_model(recipe, dirs[0], dirs[1], downloader=index.download, **kw)


def test_folder_is_unpacked_without_the_notebook(fake_index, dirs):
    recipe = folder_recipe(fake_index)
    result = _run(fake_index, recipe, dirs)
    folder = dirs[0] / "tiny-embed"
    assert result.action == "assembled"
    assert (folder / "model.safetensors").read_bytes() == MODEL_FILES["model.safetensors"]
    assert (folder / "1_Pooling" / "config.json").is_file()
    assert not (folder / "notebook.ipynb").exists()
    marker = read_marker(folder)
    assert marker is not None and set(marker.files) == {
        "model.safetensors",
        "modules.json",
        "1_Pooling/config.json",
    }
    assert list(dirs[1].iterdir()) == []  # wheels and zip deleted
    assert not (dirs[0] / "tiny-embed.part").exists()


def test_second_run_is_a_cheap_no_op_and_verify_rehashes(fake_index, dirs):
    recipe = folder_recipe(fake_index)
    _run(fake_index, recipe, dirs)
    fake_index.calls.clear()
    assert _run(fake_index, recipe, dirs).action == "present"
    assert _run(fake_index, recipe, dirs, verify=True).action == "verified"
    assert fake_index.calls == []


def test_verify_catches_a_changed_file(fake_index, dirs):
    recipe = folder_recipe(fake_index)
    _run(fake_index, recipe, dirs)
    modules = dirs[0] / "tiny-embed" / "modules.json"
    modules.write_bytes(modules.read_bytes().replace(b"0", b"1"))
    with pytest.raises(ModelSetupError, match=r"modules\.json"):
        _run(fake_index, recipe, dirs, verify=True)
    assert not (dirs[0] / "tiny-embed").exists()


def test_missing_file_in_folder_triggers_a_rebuild(fake_index, dirs):
    recipe = folder_recipe(fake_index)
    _run(fake_index, recipe, dirs)
    (dirs[0] / "tiny-embed" / "modules.json").unlink()
    fake_index.calls.clear()
    assert _run(fake_index, recipe, dirs).action == "assembled"
    assert len(fake_index.calls) == 3
    assert (dirs[0] / "tiny-embed" / "modules.json").is_file()


def test_wrong_chunk_index_is_refused(fake_index, dirs):
    recipe = folder_recipe(fake_index)
    members = fake_index.packages[("tiny-emb", "0.2.2")]
    members["tiny_emb/__init__.py"] = b"CHUNK_INDEX = 2\nTOTAL_CHUNKS = 3\n"
    with pytest.raises(ModelSetupError, match=r"tiny-emb==0\.2\.2 declares CHUNK_INDEX = 2, expected 1"):
        _run(fake_index, recipe, dirs)
    assert not (dirs[0] / "tiny-embed").exists()


def test_missing_chunk_index_is_refused(fake_index, dirs):
    recipe = folder_recipe(fake_index)
    fake_index.packages[("tiny-emb", "0.2.1")]["tiny_emb/__init__.py"] = b"# nothing here\n"
    with pytest.raises(ModelSetupError, match="declares no CHUNK_INDEX"):
        _run(fake_index, recipe, dirs)


def test_zip_without_the_weights_is_refused(fake_index, dirs):
    recipe = folder_recipe(fake_index)
    payload = model_zip({"modules.json": b"[]"})
    recipe = _single_part_recipe(fake_index, recipe, payload)
    with pytest.raises(ModelSetupError, match=r"lacks model\.safetensors"):
        _run(fake_index, recipe, dirs)
    assert not (dirs[0] / "tiny-embed").exists() and not (dirs[0] / "tiny-embed.part").exists()


def _single_part_recipe(index: FakeIndex, recipe, payload: bytes):  # type: ignore[no-untyped-def]
    index.packages[("tiny-emb", "0.3.1")] = {
        "tiny_emb/chunk.bin": payload,
        "tiny_emb/__init__.py": b"CHUNK_INDEX = 0\n",
    }
    part = recipe.parts[0].model_copy(update={"version": "0.3.1", "size": len(payload)})
    sha = hashlib.sha256(payload).hexdigest()
    return recipe.model_copy(update={"parts": (part,), "size": len(payload), "sha256": sha})


def test_zip_left_by_an_interrupted_run_is_reused(fake_index, dirs):
    recipe = folder_recipe(fake_index)
    dirs[1].mkdir(parents=True)
    (dirs[1] / "tiny-embed.zip").write_bytes(model_zip())
    assert _run(fake_index, recipe, dirs).action == "assembled"
    assert fake_index.calls == []
    assert not (dirs[1] / "tiny-embed.zip").exists()


def test_folder_placed_by_hand_is_adopted(fake_index, dirs, tmp_path):
    recipe = folder_recipe(fake_index)
    with zipfile.ZipFile(_write(tmp_path / "m.zip", model_zip())) as archive:
        archive.extractall(tmp_path / "x")
    shutil.move(tmp_path / "x" / "model_download", dirs[0] / "tiny-embed")
    result = _run(fake_index, recipe, dirs)
    assert result.action == "adopted" and fake_index.calls == []
    marker = read_marker(dirs[0] / "tiny-embed")
    assert marker is not None and "model.safetensors" in marker.files


def test_folder_with_other_weights_is_refused(fake_index, dirs):
    recipe = folder_recipe(fake_index)
    folder = dirs[0] / "tiny-embed"
    folder.mkdir(parents=True)
    (folder / "modules.json").write_bytes(b"[]")
    (folder / "model.safetensors").write_bytes(b"other weights")
    with pytest.raises(ModelSetupError, match="not the built-in model"):
        _run(fake_index, recipe, dirs)
    assert (folder / "model.safetensors").is_file()  # a hand-placed folder is never deleted


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
