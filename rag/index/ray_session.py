"""Connecting to Ray for `rag ingest --ray`: a local Ray (`auto`) or a cluster by address.

Ray is an optional dependency (the `scale` extra), imported only here and only when asked for.
An address is checked with a plain TCP connection first: Ray itself retries an unreachable
cluster for minutes, printing C++ warnings, before it gives up.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
from collections.abc import Iterator
from types import ModuleType

from rag.errors import ConfigError

INSTALL = "pip install 'rag-nl[scale]'"
_ADDRESS = re.compile(r"^(?:ray://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(?P<port>\d{1,5})$")
PROBE_SECONDS = 3.0
_QUIET = ("ray", "ray.data", "ray.util", "ray._private")


def import_ray() -> ModuleType:
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise ConfigError(
            f"'rag ingest --ray' needs Ray, which is not installed ({exc}); run \"{INSTALL}\" "
            "(or leave out --ray to ingest in this process)"
        ) from exc
    return ray


def check_address(address: str) -> tuple[str, int]:
    """(host, port) of 'HOST:PORT' or 'ray://HOST:PORT'; ConfigError naming the forms otherwise."""
    match = _ADDRESS.match(address.strip())
    port = int(match["port"]) if match else 0
    if match is None or not 0 < port < 65536:
        raise ConfigError(
            f"--ray {address!r} is not a Ray address; use 'auto' (a local Ray), HOST:6379 (the head "
            "node started with 'ray start --head') or ray://HOST:10001 (Ray Client)"
        )
    return match["host"].strip("[]"), port


def probe(address: str, timeout: float = PROBE_SECONDS) -> None:
    """ConfigError unless something listens at the address."""
    host, port = check_address(address)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        raise ConfigError(
            f"cannot reach a Ray cluster at {address} ({exc.strerror or exc}); start one there with "
            "'ray start --head', check the host and port, or use '--ray auto' for a local Ray"
        ) from None


def _quiet(ray: ModuleType) -> None:
    """No INFO lines and progress bars of Ray Data in the CLI; warnings and errors still show."""
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.ERROR)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False


@contextlib.contextmanager
def ray_session(address: str, *, cpus: int) -> Iterator[ModuleType]:
    """Ray, connected: `auto` joins the Ray already running in this process or on this machine,
    or starts one with `cpus` CPUs; any other address connects to that cluster. A Ray this
    function started or connected to is shut down on leaving."""
    ray = import_ray()
    if address != "auto":
        probe(address)
    if ray.is_initialized():  # e.g. a test or a notebook that started Ray itself
        _quiet(ray)
        yield ray
        return
    options = {"include_dashboard": False, "logging_level": logging.ERROR, "log_to_driver": False}
    if address == "auto":
        try:
            ray.init(num_cpus=cpus, **options)
        except ValueError:  # a Ray started with 'ray start' on this machine: join it as it is
            ray.init(**options)
    else:
        try:
            ray.init(address=address.strip(), **options)
        except (ConnectionError, ValueError, RuntimeError) as exc:
            raise ConfigError(
                f"cannot connect to the Ray cluster at {address} ({exc}); check that its Ray version "
                "matches this one and that 'ray status' works on the head node"
            ) from None
    _quiet(ray)
    try:
        yield ray
    finally:
        ray.shutdown()
