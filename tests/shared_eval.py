"""The shared evaluation files beside the repository (`../shared/eval`): the public gold set and
its reference checker `check_gold.py`.

Tests that need them fail, never skip, when they are missing: a clone without them would
otherwise pass while checking less, and every such test says the same thing about the fix.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SHARED_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
PUBLIC_GOLD = SHARED_EVAL / "gold_public.jsonl"
REFERENCE_CHECKER = SHARED_EVAL / "check_gold.py"


def require(path: Path) -> Path:
    """`path` if it exists; otherwise the test fails with the fix."""
    if not path.is_file():
        pytest.fail(
            f"{path} is missing: the shared evaluation files (gold_public.jsonl, check_gold.py) "
            f"must sit in {SHARED_EVAL}, beside the repository",
            pytrace=False,
        )
    return path


@functools.cache
def _load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_gold_reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reference_checker() -> ModuleType:
    """The shared `check_gold.py`, loaded once."""
    return _load_module(require(REFERENCE_CHECKER))
