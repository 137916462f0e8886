"""docs/BAD_INPUT.md cannot rot: every test it names exists (as pytest collects it), and its tables
keep at least 40 bad-input cases and 8 fault kinds, each with a test."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "BAD_INPUT.md"
README = ROOT / "README.md"
NODE = re.compile(r"`(tests/[\w/]+\.py::\w+(?:\[[^\]`]*\])?)`")


def rows(section: str) -> list[list[str]]:
    """The table rows (cells) under the heading `## {section}`, without its header and rule."""
    text = DOC.read_text(encoding="utf-8")
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in body.splitlines() if line.startswith("|")]
    assert lines[0].split("|")[1:4] == [" case ", " what the user gets ", " test(s) "], lines[0]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]


def named_tests(row: list[str]) -> list[str]:
    return NODE.findall(row[-1])


@pytest.fixture(scope="module")
def collected() -> set[str]:
    """Node ids pytest collects from the files the document names (collection only, no run)."""
    files = sorted({node.split("::")[0] for section in ("Bad input", "Faults") for r in rows(section)
                    for node in named_tests(r)})  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *files],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return {line.strip() for line in done.stdout.splitlines() if "::" in line}


@pytest.mark.parametrize(("section", "least"), [("Bad input", 40), ("Faults", 8)])
def test_each_table_has_enough_rows_and_each_row_names_a_test(section: str, least: int) -> None:
    table = rows(section)
    assert len(table) >= least, f"{section}: {len(table)} rows, at least {least} wanted"
    for row in table:
        assert len(row) == 3 and row[0] and row[1], row
        assert named_tests(row), f"no test named for {row[0]!r}"
    assert len({row[0] for row in table}) == len(table), "a case is listed twice"


def test_every_test_named_exists(collected: set[str]) -> None:
    functions = {node.split("[")[0] for node in collected}
    missing = [
        node
        for section in ("Bad input", "Faults")
        for row in rows(section)
        for node in named_tests(row)
        if node not in (collected if "[" in node else functions)
    ]
    assert missing == [], f"named in {DOC.name} but not collected: {missing}"


def test_the_readme_links_to_the_document() -> None:
    limits = README.read_text(encoding="utf-8").split("### Limits and safety", 1)[1].split("\n### ", 1)[0]
    assert "docs/BAD_INPUT.md" in limits
