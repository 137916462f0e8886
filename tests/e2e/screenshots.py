"""Where browser tests put their screenshots: always test-artifacts/ (ignored by git, kept by CI),
and a picture the docs show also into docs/, but only when asked with RAG_UPDATE_SCREENSHOTS=1, so
a test run never leaves the working tree changed. No Playwright here: tested in the fast lane."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parents[2]
UPDATE_DOCS = "RAG_UPDATE_SCREENSHOTS"


class Shootable(Protocol):  # a Playwright Page, as far as screenshots go
    def screenshot(self, *, path: str) -> Any: ...


@dataclass(frozen=True)
class Screenshots:
    artifacts: Path = ROOT / "test-artifacts"
    docs: Path = ROOT / "docs"
    update_docs: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Screenshots:
        return cls(update_docs=environ.get(UPDATE_DOCS, "") == "1")

    def take(self, page: Shootable, name: str, *, docs: str | None = None) -> Path:
        """test-artifacts/<name>.png; with `docs` (a file name such as "documents-tab.png") the
        same picture replaces docs/<docs> when updating the docs was asked for."""
        self.artifacts.mkdir(parents=True, exist_ok=True)
        path = self.artifacts / f"{name}.png"
        page.screenshot(path=str(path))
        if docs is not None and self.update_docs:
            shutil.copyfile(path, self.docs / docs)
        return path
