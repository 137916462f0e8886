"""What an index was built with (IndexManifest), and the check that it still fits the settings."""

from __future__ import annotations

import importlib
import importlib.metadata
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from rag.config import Settings
from rag.embedders.base import Embedder
from rag.errors import IndexMismatchError
from rag.index.choice import resolve_type, structure
from rag.types import Document, IndexManifest

FORMAT_VERSION = 1
_REBUILD = "run 'rag ingest --rebuild'"


def chunker_version() -> str:
    """The chunker's own version (rag.corpus.CHUNKER_VERSION): a new chunker means new chunks."""
    return str(getattr(importlib.import_module("rag.corpus"), "CHUNKER_VERSION", "1"))


def chunker_config(settings: Settings) -> dict[str, int | str]:
    return {
        "chunk_tokens": settings.chunk_tokens,
        "chunk_overlap": settings.chunk_overlap,
        "version": chunker_version(),
    }


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def library_versions(embedder: Embedder) -> dict[str, str]:
    packages = ["rag-nl", "faiss-cpu", "numpy"]
    if embedder.name != "hashing":
        packages += ["sentence-transformers", "transformers", "torch", "onnxruntime"]
    found = {package: _version(package) for package in packages}
    return {package: version for package, version in found.items() if version is not None}


def make_manifest(
    settings: Settings,
    embedder: Embedder,
    documents: Sequence[Document],
    n_chunks: int,
    *,
    dim: int,
    vector_index: str | None = None,
) -> IndexManifest:
    """`vector_index`: what FAISS runs (FaissIndex.effective_type); by default what the settings
    resolve to for `n_chunks`."""
    return IndexManifest(
        format_version=FORMAT_VERSION,
        embed_model=embedder.name,
        embed_fingerprint=embedder.fingerprint,
        dim=dim,
        chunker=chunker_config(settings),
        index_type=settings.index_type,
        vector_index=vector_index
        or resolve_type(settings.index_type, n_chunks, settings.auto_flat_max_chunks),
        documents={doc.id: doc.content_hash for doc in documents},
        n_chunks=n_chunks,
        versions=library_versions(embedder),
        created_at=datetime.now(UTC),
        corpus_dir=str(settings.corpus_dir.resolve()),
    )


def _differences(
    manifest: IndexManifest, settings: Settings, embedder: Embedder | None, check_dim: bool
) -> list[str]:
    pairs: list[tuple[str, object, object]] = [
        ("index format", manifest.format_version, FORMAT_VERSION),
        ("chunker settings", manifest.chunker, chunker_config(settings)),
    ]
    if embedder is not None:
        pairs.insert(0, ("embedding model", manifest.embed_model, embedder.name))
        pairs.insert(1, ("model fingerprint", manifest.embed_fingerprint, embedder.fingerprint))
        if check_dim:
            pairs.insert(2, ("dimension", manifest.dim, embedder.dim))
    found = [f"{what} {built!r} (settings: {now!r})" for what, built, now in pairs if built != now]
    return found + _index_type_difference(manifest, settings)


def _index_type_difference(manifest: IndexManifest, settings: Settings) -> list[str]:
    """An index fits when it was built with the same setting, or when the structure the settings
    ask for at its size is the one it has: an index built as "flat" before "auto" existed loads
    under "auto" while the corpus is small, and one built by "auto" loads under the type it chose."""
    if manifest.index_type == settings.index_type:
        return []
    built = manifest.vector_index or resolve_type(manifest.index_type, manifest.n_chunks)
    wanted = resolve_type(settings.index_type, manifest.n_chunks, settings.auto_flat_max_chunks)
    if structure(built) == structure(wanted):
        return []
    asked = repr(settings.index_type)
    if settings.index_type == "auto":
        asked += f", which is {wanted!r} at {manifest.n_chunks:,} chunks"
    shown = "" if built == manifest.index_type else f" ({built})"
    return [
        f"index type {manifest.index_type!r}{shown} (settings: {asked}; "
        f"RAG_INDEX_TYPE={manifest.index_type} uses this index as it is)"
    ]


def check_manifest(
    manifest: IndexManifest,
    settings: Settings,
    embedder: Embedder | None,
    *,
    directory: Path,
    check_dim: bool = True,
) -> None:
    """Raise IndexMismatchError naming every difference between the index and the settings.

    `embedder=None` skips the model checks (for commands that never embed, e.g. `rag inspect`);
    `check_dim=False` avoids loading a model just to learn its dimension (its fingerprint
    already pins it).
    """
    differences = _differences(manifest, settings, embedder, check_dim)
    if differences:
        raise IndexMismatchError(
            f"the index in {directory} was built with "
            + "; ".join(differences)
            + f"; {_fix(manifest, embedder)}"
        )


def embedder_setting(model_name: str) -> str:
    """The RAG_EMBEDDER value behind a recorded model name ('<model>+onnx-int8', 'hashing', ...)."""
    if model_name == "hashing":
        return "hashing"
    return model_name.rpartition("+")[2] if "+" in model_name else "sentence-transformers"


def _fix(manifest: IndexManifest, embedder: Embedder | None) -> str:
    """Rebuilding always works; when only the embedding backend differs, going back to the one
    that built the index does too, without re-embedding anything."""
    if embedder is None:
        return _REBUILD
    built, now = embedder_setting(manifest.embed_model), embedder_setting(embedder.name)
    if built == now:
        return _REBUILD
    return f"set RAG_EMBEDDER={built} to use this index, or {_REBUILD} to re-embed with {now}"
