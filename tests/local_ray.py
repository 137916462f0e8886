"""A local Ray with 2 CPUs for the tests of `rag ingest --ray`, shut down afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import ray  # the test command installs it (the 'scale' extra): missing, these tests fail

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def local_ray_session() -> Iterator[None]:
    # The workers import this checkout's `rag` (as the CLI's own local Ray would the installed one).
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": str(REPO)}},
    )
    try:
        yield
    finally:
        ray.shutdown()
