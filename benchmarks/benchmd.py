"""BENCHMARKS.md plumbing shared by the benchmark scripts: each owns one `## ` section."""

from __future__ import annotations

import re
from pathlib import Path


def replace_section(document: str, title: str, body: str) -> str:
    """Replace the `## title` section (up to the next `## `) or append it."""
    block = f"## {title}\n\n{body}"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", flags=re.MULTILINE | re.DOTALL)
    if pattern.search(document):
        return pattern.sub(lambda _: block + "\n", document, count=1).rstrip("\n") + "\n"
    head = document.rstrip("\n") + "\n\n" if document.strip() else "# Benchmarks\n\n"
    return head + block


def write_section(path: Path, title: str, body: str) -> None:
    """Put `body` under `## title` in the markdown file at `path` (created when missing)."""
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(replace_section(existing, title, body), encoding="utf-8")
    print(f"wrote the '{title}' section of {path}")
