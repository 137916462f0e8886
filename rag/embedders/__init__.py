"""Embedding backends behind one Protocol, and the factory that picks one from the settings."""

from __future__ import annotations

from rag.config import Settings
from rag.embedders.base import Embedder, Vectors
from rag.embedders.hashing import HashingEmbedder

__all__ = ["Embedder", "HashingEmbedder", "Vectors", "create_embedder"]


def create_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for. Cheap: a real model is only loaded when first used."""
    if settings.embedder == "hashing":
        return HashingEmbedder()
    if settings.embedder == "onnx-int8":
        return _onnx_embedder(settings)
    # Imported here so the hashing path never touches the sentence-transformers module.
    from rag.embedders.sentence_transformers import SentenceTransformerEmbedder
    from rag.models import resolve_embed_model

    return SentenceTransformerEmbedder(
        resolve_embed_model(settings),
        threads=settings.embed_threads,
        batch_size=settings.embed_batch_size,
        name=settings.embed_model,
    )


def _onnx_embedder(settings: Settings) -> Embedder:
    from rag.embedders.onnx import BACKEND, OnnxEmbedder
    from rag.models.onnx_provision import current_onnx_model

    folder, marker = current_onnx_model(settings)
    return OnnxEmbedder(
        folder,
        marker,
        # A distinct name: an index built by one backend names the other in its mismatch error.
        name=f"{settings.embed_model}+{BACKEND}",
        threads=settings.embed_threads,
    )
