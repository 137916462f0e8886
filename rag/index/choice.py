"""Which vector index a corpus gets, and whether a saved one is opened memory-mapped.

Pure decisions, without FAISS: the manifest check and the settings use them too.
- "auto" is exact search (flat) up to `flat_max` chunks and IVF over 8-bit codes (ivf-sq8)
  above: at a million chunks flat search needs 3 GB and ~0.15-0.3 s a query on one core, ivf-sq8
  a quarter of the RAM and a few ms at recall@10 >= .95 (BENCHMARKS.md, "A million chunks").
- An IVF type over fewer than IVF_MIN_VECTORS vectors cannot be trained reliably: it stays flat.
"""

from __future__ import annotations

from typing import Literal

IndexType = Literal["auto", "flat", "hnsw", "ivf", "ivf-sq8"]
MmapMode = Literal["auto", "on", "off"]
IVF_MIN_VECTORS = 2048  # FAISS wants ~39 training points per list; sqrt(n) lists needs n >= 1521
# Flat search time grows with n: p50 ~0.14 ms and p95 ~0.25-0.3 ms per 1,000 vectors of 768 dims
# on one core (BENCHMARKS.md, "A million chunks"), so a p95 of ~15 ms at 50k, where ivf-sq8 stays
# near 1 ms; training an IVF on 50k vectors takes seconds.
AUTO_FLAT_MAX = 50_000
MMAP_RAM_SHARE = 0.5  # mmap "auto": map a file larger than this share of the available RAM


def resolve_type(index_type: str, n_vectors: int, flat_max: int = AUTO_FLAT_MAX) -> str:
    """What FAISS runs for `index_type` over `n_vectors`: "auto" picks by size; an IVF type with
    too few vectors to train stays exact, and says so ("flat (ivf-sq8 needs >= 2048 vectors)")."""
    chosen = index_type
    if index_type == "auto":
        chosen = "flat" if n_vectors <= flat_max else "ivf-sq8"
    if chosen in ("ivf", "ivf-sq8") and n_vectors < IVF_MIN_VECTORS:
        return f"flat ({chosen} needs >= {IVF_MIN_VECTORS} vectors)"
    return chosen


def structure(effective_type: str) -> str:
    """The FAISS structure behind an effective type: every exact fallback is plain "flat"."""
    return "flat" if effective_type.startswith("flat") else effective_type


def available_memory() -> int | None:
    """MemAvailable in bytes (Linux), else None (then "auto" never maps)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def use_mmap(mode: MmapMode, file_bytes: int, available: int | None = None) -> bool:
    """ "on"/"off" force it; "auto" maps a file larger than MMAP_RAM_SHARE of `available` bytes
    (default: what the system reports available now)."""
    if mode != "auto":
        return mode == "on"
    free = available if available is not None else available_memory()
    return free is not None and file_bytes > MMAP_RAM_SHARE * free
